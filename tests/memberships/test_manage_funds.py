"""Community funds: the manager's list (granted, used, left), granting one, a fund's page with
the bookings that drew on it and its change form (never below what is drawn); the group sees
its own funds on the memberships page, and nobody else's."""

from datetime import date
from decimal import Decimal

import pytest

from memberships.fund_grants import change_fund
from memberships.models import CommunityFund
from memberships.services import MembershipError
from tests.factories import (
    BookingFactory,
    CommunityFundFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    VenueFactory,
)
from tests.memberships.conftest import utc

pytestmark = pytest.mark.django_db

FUNDS = "/manage/venues/st-lukes/funds/"
NEW = FUNDS + "new/"


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def choir(db):
    return OrganisationFactory(name="Ladywood Youth Choir", kind="community_group")


@pytest.fixture
def fund(venue, choir):
    return CommunityFundFactory(
        venue=venue, organisation=choir, name="Spring term 2027", ends_on=date(2027, 3, 31)
    )


FIRST_TUESDAY = utc(2027, 1, 5, 10)


def draw(fund, room, hours: int, *, at=FIRST_TUESDAY, **extra):
    return BookingFactory(
        space=room,
        organisation=fund.organisation,
        fund=fund,
        fund_drawn=Decimal(hours),
        starts_at=at,
        ends_at=at.replace(hour=at.hour + hours),
        **extra,
    )


def fund_data(**overrides) -> dict:
    data = {
        "name": "Spring term 2027",
        "unit": "hours",
        "granted": "40",
        "starts_on": "2027-01-01",
        "ends_on": "2027-03-31",
    }
    data.update(overrides)
    return data


def test_a_manager_grants_hours_to_a_group(manager_client, venue, choir, manager):
    response = manager_client.post(NEW, fund_data(organisation=str(choir.pk)), follow=True)
    fund = CommunityFund.objects.get()
    assert response.redirect_chain == [(f"{FUNDS}{fund.pk}/", 302)]
    assert "Granted Spring term 2027 to Ladywood Youth Choir." in response.text
    assert (fund.venue, fund.organisation, fund.hours, fund.amount, fund.granted_by) == (
        venue,
        choir,
        Decimal(40),
        None,
        manager,
    )


def test_a_manager_grants_money(manager_client, choir):
    manager_client.post(NEW, fund_data(organisation=str(choir.pk), unit="money", granted="250.50"))
    fund = CommunityFund.objects.get()
    assert (fund.hours, fund.amount) == (None, Decimal("250.50"))
    assert "GBP 250.50" in manager_client.get(FUNDS).text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"granted": "0"}, "greater than or equal to 0.01"),
        ({"granted": "-5"}, "greater than or equal to 0.01"),
        ({"ends_on": "2026-12-31"}, "The fund ends before it starts."),
        ({"name": ""}, "This field is required."),
        ({"organisation": ""}, "This field is required."),
        ({"granted": "1.234"}, "no more than 2 decimal places"),
        ({"unit": "cake"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_a_form_error_and_writes_nothing(manager_client, choir, overrides, message):
    response = manager_client.post(NEW, fund_data(**{"organisation": str(choir.pk), **overrides}))
    assert response.status_code == 400
    assert message in response.text
    assert not CommunityFund.objects.exists()


def test_the_list_shows_granted_used_and_left(manager_client, fund, room):
    draw(fund, room, 3)
    draw(fund, room, 2, at=utc(2027, 1, 6, 10), status="cancelled")  # given back
    page = manager_client.get(FUNDS).text
    assert "Spring term 2027" in page and "Ladywood Youth Choir" in page
    assert '<td data-label="Granted" >40 hours</td>' in page
    assert '<td data-label="Used" >3</td>' in page
    assert '<td data-label="Left" >37</td>' in page
    assert f'href="{FUNDS}{fund.pk}/"' in page
    assert f'href="{NEW}"' in page


def test_a_funds_page_lists_the_bookings_that_drew_on_it(manager_client, fund, room):
    draw(fund, room, 3, title="Choir practice")
    BookingFactory(space=room, title="Someone else's meeting", starts_at=utc(2027, 1, 7, 10))
    page = manager_client.get(f"{FUNDS}{fund.pk}/").text
    assert "Choir practice" in page and "Someone else" not in page
    assert "37 hours" in page  # left


def test_the_fund_cannot_be_made_less_than_what_is_drawn(manager_client, fund, room):
    draw(fund, room, 6)
    draw(fund, room, 6, at=utc(2027, 1, 6, 10))
    response = manager_client.post(f"{FUNDS}{fund.pk}/", fund_data(granted="11"))
    assert response.status_code == 400
    assert "40 hours granted, 12 used; you cannot make it less than 12." in response.text
    fund.refresh_from_db()
    assert fund.hours == Decimal(40)
    assert manager_client.post(f"{FUNDS}{fund.pk}/", fund_data(granted="12")).status_code == 302
    fund.refresh_from_db()
    assert fund.hours == Decimal(12)


def test_a_drawn_fund_stays_in_hours_and_keeps_its_bookings_dates(manager_client, fund, room):
    draw(fund, room, 2, at=utc(2027, 2, 10, 10))
    url = f"{FUNDS}{fund.pk}/"
    money = manager_client.post(url, fund_data(unit="money", granted="100"))
    assert "so it stays a grant of hours" in money.text
    shorter = manager_client.post(url, fund_data(ends_on="2027-01-31"))
    assert shorter.status_code == 400
    assert "1 booking outside 1 January 2027 to 31 January 2027 draws on this fund" in shorter.text
    fund.refresh_from_db()
    assert (fund.hours, fund.amount, fund.ends_on) == (Decimal(40), None, date(2027, 3, 31))


def test_change_fund_refuses_below_what_is_drawn_as_a_service_too(fund, room):
    draw(fund, room, 5)
    with pytest.raises(MembershipError, match="you cannot make it less than 5"):
        change_fund(
            fund=fund,
            name=fund.name,
            starts_on=fund.starts_on,
            ends_on=fund.ends_on,
            hours=Decimal(4),
        )


@pytest.mark.parametrize("path", ["", "new/"])
def test_anyone_but_the_venues_managers_gets_a_404_and_anonymous_a_login(
    client, venue, member, path
):
    assert client.get(FUNDS + path).status_code == 302
    client.force_login(member)
    assert client.get(FUNDS + path).status_code == 404
    elsewhere = MemberFactory()
    VenueFactory(name="Neighbourhood Lab").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(FUNDS + path).status_code == 404


def test_another_venues_fund_is_a_404_and_unchanged(manager_client, choir):
    theirs = CommunityFundFactory(venue=VenueFactory(name="Neighbourhood Lab"), organisation=choir)
    url = f"{FUNDS}{theirs.pk}/"
    assert manager_client.get(url).status_code == 404
    assert manager_client.post(url, fund_data(granted="1")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.hours == Decimal(40)


def test_the_group_sees_its_own_funds_on_the_memberships_page(
    frozen_now, client, member, fund, room
):
    OrganisationMembershipFactory(organisation=fund.organisation, member=member)
    draw(fund, room, 3)
    CommunityFundFactory(organisation=OrganisationFactory(name="Other Group"), name="Not yours")
    client.force_login(member)
    page = client.get("/account/memberships/").text
    assert "Community funds" in page
    assert "Spring term 2027" in page and "Ladywood Youth Choir" in page
    assert "St Luke&#x27;s" in page
    assert '<td data-label="Left" >37</td>' in page
    assert "Not yours" not in page and "Other Group" not in page
    assert f"{FUNDS}{fund.pk}/" not in page  # the manager's page is not theirs


def test_a_member_of_no_funded_group_sees_no_funds(frozen_now, client, member, fund):
    client.force_login(member)
    page = client.get("/account/memberships/").text
    assert "Community funds" not in page and "Spring term 2027" not in page
