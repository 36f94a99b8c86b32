"""Booking on a member's behalf with one of their memberships: the manager chooses which (or
none); the choice is checked on the server, so a forged or someone else's membership is refused
and nothing is written."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.models import Booking
from memberships.models import Allowance
from memberships.services import grant_membership
from tests.factories import (
    BookingFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    VenueFactory,
)
from tests.memberships.conftest import utc
from tests.web.test_book_on_behalf import URL, form

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def plan(venue):
    plan = PlanFactory(venue=venue, name="Community group", space_kinds=["meeting_room"])
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(2))
    return plan


def test_the_form_offers_the_venues_memberships_and_none(manager_client, plan, member):
    grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    page = manager_client.get(URL).text
    assert "Community group: Fay Freelancer" in page
    assert "Pay as you go / none" in page


def test_the_booking_uses_the_membership_the_manager_chose(manager_client, plan, member, room):
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    response = manager_client.post(URL, form(room, membership=str(membership.pk)))
    assert response.status_code == 302
    assert Booking.objects.get().membership == membership


def test_an_organisations_membership_is_usable_by_its_members(manager_client, plan, member, room):
    group = OrganisationFactory(name="Ladywood Youth Choir")
    OrganisationMembershipFactory(organisation=group, member=member)
    membership = grant_membership(plan=plan, organisation=group, starts_on=date(2026, 1, 1))
    response = manager_client.post(
        URL, form(room, organisation=str(group.pk), membership=str(membership.pk))
    )
    assert response.status_code == 302
    assert Booking.objects.get().membership == membership


def test_no_membership_is_pay_as_you_go(manager_client, plan, member, room):
    grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    assert manager_client.post(URL, form(room, membership="")).status_code == 302
    assert Booking.objects.get().membership is None


def test_someone_elses_membership_is_refused_and_nothing_written(
    manager_client, plan, member, other_member, room
):
    theirs = grant_membership(plan=plan, member=other_member, starts_on=date(2026, 1, 1))
    response = manager_client.post(URL, form(room, membership=str(theirs.pk)))
    assert response.status_code == 400
    assert "Fay Freelancer cannot use Community group" in response.text
    assert not Booking.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "nonsense", "other-venue"])
def test_a_forged_membership_id_is_refused_and_nothing_written(
    manager_client, member, room, forged
):
    if forged == "other-venue":
        lab = PlanFactory(venue=VenueFactory(name="Neighbourhood Lab"))
        forged = str(grant_membership(plan=lab, member=member, starts_on=date(2026, 1, 1)).pk)
    response = manager_client.post(URL, form(room, membership=forged))
    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert not Booking.objects.exists()


def test_the_allowance_is_checked_and_a_refusal_writes_nothing(manager_client, plan, member, room):
    membership = grant_membership(plan=plan, member=member, starts_on=date(2026, 1, 1))
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2027, 1, 12, 10),
        ends_at=utc(2027, 1, 12, 12),
    )
    response = manager_client.post(URL, form(room, membership=str(membership.pk)))
    assert response.status_code == 400
    assert "0 of 2 hours left in January" in response.text
    assert Booking.objects.count() == 1
