"""The booking form's "Use" choice and the Account page's memberships."""

from datetime import date, timedelta

from bookings.models import Booking
from memberships.models import Allowance, Plan
from memberships.services import grant_membership
from tests.factories import BookingFactory
from tests.memberships.conftest import utc
from tests.web.test_book import form_data

BOOK = "/venues/st-lukes/meeting-room/book/"


def room_plan(venue, name="Community group") -> Plan:
    plan = Plan.objects.create(
        venue=venue, name=name, space_kinds=["meeting_room"], booking_window=timedelta(days=90)
    )
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=10)
    return plan


def test_the_form_offers_the_members_memberships_with_what_is_left(
    member_client, member, venue, room
):
    membership = grant_membership(plan=room_plan(venue), member=member, starts_on=date(2026, 1, 1))
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 13),
    )
    response = member_client.get(BOOK)
    assert "Community group: 7 of 10 hours left in January" in response.text
    assert "Pay as you go / none" in response.text


def test_no_choice_is_shown_without_a_membership(member_client, room):
    assert 'name="membership"' not in member_client.get(BOOK).text


def test_a_booking_made_with_the_choice_uses_the_membership(member_client, member, venue, room):
    membership = grant_membership(plan=room_plan(venue), member=member, starts_on=date(2026, 1, 1))
    member_client.post(BOOK, form_data(membership=str(membership.pk)))
    assert Booking.objects.get().membership == membership


def test_a_forged_membership_of_someone_else_is_refused_and_nothing_written(
    member_client, member, other_member, venue, room
):
    grant_membership(plan=room_plan(venue, "Mine"), member=member, starts_on=date(2026, 1, 1))
    theirs = grant_membership(
        plan=room_plan(venue), member=other_member, starts_on=date(2026, 1, 1)
    )
    response = member_client.post(BOOK, form_data(membership=str(theirs.pk)))
    assert response.status_code == 200
    assert "Choose a membership from the list." in response.text
    assert not Booking.objects.exists()


def test_the_account_page_lists_each_membership_and_what_is_left(
    member_client, member, venue, room
):
    grant_membership(plan=room_plan(venue), member=member, starts_on=date(2026, 1, 1))
    assert "/account/memberships/" in member_client.get("/account/").text
    response = member_client.get("/account/memberships/")
    assert "Community group" in response.text
    assert "10 of 10 hours left in January" in response.text


def test_the_memberships_page_needs_a_login(client):
    assert client.get("/account/memberships/").status_code == 302
