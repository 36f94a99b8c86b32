"""The booking form shows the price before the member confirms: a first POST checks everything
and shows the price; "Book" recomputes it and books only at the price shown. The "Use" choice
offers community funds; the booking's page, "My bookings" and the space page show prices."""

import re
from datetime import date
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.services import request_booking
from memberships.funds import fund_left
from memberships.models import Allowance
from memberships.services import grant_membership
from tests.conftest import NOW
from tests.factories import (
    CommunityFundFactory,
    OrganisationFactory,
    OrganisationKindTierFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
)
from tests.web.conftest import utc
from tests.web.test_book import BOOK

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict:
    data = {
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "12:00",
        "title": "Rehearsal",
        "purpose": "",
        "activity": "",
        "attendees": "4",
        "organisation": "",
    }
    return data | overrides


@pytest.fixture
def priced_room(room):
    room.rate = Decimal("12.00")
    room.save()
    return room


@pytest.fixture
def choir(member):
    group = OrganisationFactory(name="Ladywood Youth Choir", kind="charity")
    OrganisationMembershipFactory(organisation=group, member=member)
    return group


def test_the_first_post_shows_the_price_and_books_nothing(member_client, priced_room):
    page = member_client.post(BOOK, form_data())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Check and book" in text
    assert "£24.00" in text
    assert "The full rate: £12 an hour." in text
    assert 'name="shown_price" value="24.00"' in text
    assert not Booking.objects.exists()


def test_book_on_the_check_step_books_at_the_price_shown(member_client, priced_room):
    check = member_client.post(BOOK, form_data())
    assert check.context["booking"].price == Decimal("24.00")
    response = member_client.post(BOOK, form_data(confirm="1", shown_price="24.00"))
    booking = Booking.objects.get()
    assert response.status_code == 302 and response.url == f"/bookings/{booking.pk}/"
    assert (booking.price, booking.full_price, booking.price_basis) == (
        Decimal("24.00"),
        Decimal("24.00"),
        "full",
    )


def test_a_price_changed_meanwhile_is_shown_again_instead_of_booking(member_client, priced_room):
    member_client.post(BOOK, form_data())
    priced_room.rate = Decimal("15.00")  # the manager changes the rate in between
    priced_room.save()
    page = member_client.post(BOOK, form_data(confirm="1", shown_price="24.00"))
    text = page.content.decode()
    assert "The price has changed since you checked: it is now £30.00." in text
    assert 'name="shown_price" value="30.00"' in text
    assert not Booking.objects.exists()
    member_client.post(BOOK, form_data(confirm="1", shown_price="30.00"))
    assert Booking.objects.get().price == Decimal("30.00")


@pytest.mark.parametrize("forged", ["0.00", "-5", "abc", "NaN", "1e999", ""])
def test_a_forged_price_is_never_taken_from_the_browser(member_client, priced_room, forged):
    page = member_client.post(BOOK, form_data(confirm="1", shown_price=forged))
    assert page.status_code == 200
    assert "Check and book" in page.content.decode()
    assert page.context["booking"].price == Decimal("24.00")
    assert not Booking.objects.exists()


def test_change_the_details_goes_back_to_the_filled_form(member_client, priced_room):
    page = member_client.post(BOOK, form_data(edit="1", title="Choir practice"))
    text = page.content.decode()
    assert "Check and book" in text and 'value="Choir practice"' in text
    assert page.context["form"].errors == {}
    assert not Booking.objects.exists()


def test_refusals_are_form_errors_on_the_first_post_as_before(member_client, priced_room):
    page = member_client.post(BOOK, form_data(start_time="07:00", end_time="08:00"))
    assert page.context["form"].errors
    assert "Check and book" in page.content.decode()  # the form's button
    assert "booking" not in page.context


def test_the_charity_rate_is_shown_with_what_it_is_at_the_full_rate(
    member_client, priced_room, venue, choir
):
    OrganisationKindTierFactory(venue=venue)  # 50 % off for charities
    page = member_client.post(BOOK, form_data(organisation=str(choir.pk)))
    assert "£12.00 (charity rate, 50 % off £24.00)" in page.content.decode()
    member_client.post(BOOK, form_data(organisation=str(choir.pk), confirm="1", shown_price="12"))
    booking = Booking.objects.get()
    detail = member_client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "£12.00 (charity rate, 50 % off £24.00)" in detail
    mine = member_client.get("/bookings/").content.decode()
    assert "£12.00 (charity rate, 50 % off £24.00)" in mine


def test_a_booking_in_the_allowance_is_free_and_says_what_is_left_after_it(
    member_client, priced_room, venue, member
):
    plan = PlanFactory(venue=venue, name="Community plan")
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    membership = grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    page = member_client.post(BOOK, form_data(membership=str(membership.pk)))
    text = page.content.decode()
    assert "Free — within your Community plan allowance" in text
    assert "At the full rate: £24.00." in text
    assert "After this booking: 8 of 10 hours left in January." in text
    member_client.post(BOOK, form_data(membership=str(membership.pk), confirm="1", shown_price="0"))
    booking = Booking.objects.get()
    assert (booking.membership, booking.price_basis) == (membership, "allowance")
    detail = member_client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Free — within your Community plan allowance" in detail
    assert "Membership used" in detail


def test_the_use_choice_offers_the_groups_fund_with_what_is_left(
    member_client, priced_room, venue, choir
):
    CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(40))
    CommunityFundFactory(organisation=choir, name="Elsewhere")  # another venue's
    CommunityFundFactory(venue=venue, name="Not ours")  # another group's
    page = member_client.get(BOOK).content.decode()
    assert "Community fund Spring term (Ladywood Youth Choir): 40 of 40 hours left" in page
    assert "Elsewhere" not in page and "Not ours" not in page


def test_booking_with_a_fund_draws_it_down_and_cancelling_refunds_it(
    member_client, priced_room, venue, choir
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(40))
    choice = f"fund-{fund.pk}"
    page = member_client.post(BOOK, form_data(membership=choice))
    text = page.content.decode()
    assert "Paid by the community fund Spring term" in text
    assert "After this booking: 38 of 40 hours left." in text
    # Choosing the fund says whom the booking is for.
    assert page.context["booking"].organisation == choir
    member_client.post(BOOK, form_data(membership=choice, confirm="1", shown_price="0.00"))
    booking = Booking.objects.get()
    assert (booking.fund, booking.fund_drawn, booking.organisation) == (fund, Decimal(2), choir)
    assert fund_left(fund=fund) == Decimal(38)
    detail = member_client.get(f"/bookings/{booking.pk}/").content.decode()
    assert "Paid by the community fund Spring term" in detail
    assert "Spring term of Ladywood Youth Choir: 2 hours" in detail
    member_client.post(f"/bookings/{booking.pk}/cancel/", {"reason": ""})
    assert fund_left(fund=fund) == Decimal(40)


def test_an_overdrawn_fund_is_a_form_error_and_nothing_is_written(
    member_client, priced_room, venue, choir
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal("1.5"))
    page = member_client.post(BOOK, form_data(membership=f"fund-{fund.pk}"))
    assert page.context["form"].errors["membership"] == [
        "Ladywood Youth Choir's fund has 1.5 of 1.5 hours left; this booking needs 2."
    ]
    assert not Booking.objects.exists()


def test_a_forged_fund_or_membership_id_is_refused(member_client, priced_room, venue):
    theirs = CommunityFundFactory(venue=venue)  # a group the member is not in
    for forged in (f"fund-{theirs.pk}", "fund-999", "999", "fund-x"):
        page = member_client.post(
            BOOK, form_data(membership=forged, confirm="1", shown_price="0.00")
        )
        assert "Choose a membership from the list." in page.content.decode(), forged
    assert not Booking.objects.exists()


def test_the_space_page_shows_the_full_rate_or_free(client, priced_room, venue):
    assert "£12 an hour" in client.get("/venues/st-lukes/meeting-room/").content.decode()
    priced_room.rate = Decimal(0)
    priced_room.save()
    assert "Free to use" in client.get("/venues/st-lukes/meeting-room/").content.decode()


def test_the_account_page_shows_the_groups_funds_and_what_is_left(
    member_client, member, priced_room, venue, choir
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(40))
    CommunityFundFactory(venue=venue, name="Not ours")
    someone = OrganisationMembershipFactory(organisation=choir).member
    request_booking(
        booker=someone,
        space=priced_room,
        starts_at=utc(2027, 1, 6, 10),
        ends_at=utc(2027, 1, 6, 13),
        title="Secret rehearsal",
        organisation=choir,
        fund=fund,
        now=NOW,
    )
    page = member_client.get("/account/memberships/").content.decode()
    assert "Spring term" in page and "Ladywood Youth Choir" in page
    cells = [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)]
    assert cells[-3:] == ["40 hours", "3", "37"]  # granted, used, left (in its unit)
    assert "Not ours" not in page
    assert "Secret rehearsal" not in page  # another member's booking stays theirs


def test_a_move_to_a_dearer_space_says_the_new_price(member_client, member, priced_room, venue):
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio", rate=Decimal(30))
    booking = request_booking(
        booker=member,
        space=priced_room,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 11),
        title="Rehearsal",
        now=NOW,
    )
    data = {
        "space": str(studio.pk),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Rehearsal",
        "purpose": "",
        "activity": "",
        "attendees": "1",
    }
    page = member_client.post(f"/bookings/{booking.pk}/change/", data, follow=True)
    assert "Its price is now £30.00." in page.content.decode()
    booking.refresh_from_db()
    assert (booking.space, booking.price) == (studio, Decimal("30.00"))
