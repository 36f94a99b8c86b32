"""members.permissions, the one module that decides who may do what, role by role."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from bookings.models import Booking
from members import permissions
from members.models import Organisation, OrganisationMembership
from spaces.models import Venue
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(venue, room, manager, member, other_member):
    """Two venues, each with a manager; a venue with two managers (so joins could repeat rows)."""
    elsewhere = VenueFactory(name="Neighbourhood Lab")
    elsewhere.managers.add(MemberFactory(display_name="Lab manager"))
    venue.managers.add(MemberFactory(display_name="Second manager"))
    lab_room = SpaceFactory(venue=elsewhere, name="Workshop")
    mine = BookingFactory(space=room, booker=member, starts_at=at(10))
    theirs = BookingFactory(space=room, booker=other_member, starts_at=at(12))
    at_the_lab = BookingFactory(space=lab_room, booker=other_member, starts_at=at(10))
    return {"elsewhere": elsewhere, "mine": mine, "theirs": theirs, "at_the_lab": at_the_lab}


def test_a_member_sees_only_their_own_bookings_in_full(town, member):
    assert list(Booking.objects.visible_to(member)) == [town["mine"]]
    assert permissions.may_see_booking(member, town["mine"])
    assert not permissions.may_see_booking(member, town["theirs"])


def test_a_manager_sees_every_booking_of_their_venue_once_and_no_other(town, manager):
    visible = list(Booking.objects.visible_to(manager))
    assert sorted(b.pk for b in visible) == sorted([town["mine"].pk, town["theirs"].pk])
    assert list(Booking.objects.managed_by(manager).order_by("pk")) == sorted(
        visible, key=lambda b: b.pk
    )
    assert not permissions.may_see_booking(manager, town["at_the_lab"])


def test_a_superuser_sees_and_manages_everything(town, venue):
    staff = MemberFactory(is_superuser=True, is_staff=True)
    assert Booking.objects.visible_to(staff).count() == 3
    assert set(Venue.objects.managed_by(staff)) == {venue, town["elsewhere"]}
    assert permissions.manages_any_venue(staff)


def test_nobody_signed_out_sees_or_manages_anything(town, venue):
    anonymous = AnonymousUser()
    assert not Booking.objects.visible_to(anonymous).exists()
    assert not Venue.objects.managed_by(anonymous).exists()
    assert not permissions.may_manage(anonymous, venue)
    assert not permissions.manages_any_venue(anonymous)
    assert not permissions.may_cancel(anonymous, town["mine"], now=NOW)


def test_an_inactive_manager_manages_nothing(venue, manager):
    manager.is_active = False
    manager.save()
    assert not permissions.may_manage(manager, venue)
    assert not Venue.objects.managed_by(manager).exists()


def test_venues_managed_are_listed_once_each(town, venue, manager):
    assert list(Venue.objects.managed_by(manager)) == [venue]
    assert permissions.manages_any_venue(manager)


@pytest.mark.parametrize(
    ("who", "now", "refusal"),
    [
        ("member", NOW, None),
        (
            "member",
            at(10, 30),
            "This booking has already started; ask the venue if you need to change it.",
        ),
        ("manager", at(10, 30), None),
        ("manager", at(11), "This booking has already ended, so it can no longer be cancelled."),
        ("other_member", NOW, "Only the booker or a venue manager can cancel this booking."),
    ],
)
def test_who_may_cancel_and_until_when(town, request, who, now, refusal):
    person = request.getfixturevalue(who)
    assert permissions.cancel_refusal(person, town["mine"], now=now) == refusal
    assert permissions.may_cancel(person, town["mine"], now=now) is (refusal is None)


def test_a_cancelled_booking_says_so(town, member):
    town["mine"].status = Booking.Status.CANCELLED
    assert permissions.cancel_refusal(member, town["mine"], now=NOW) == (
        "This booking is already cancelled."
    )


def test_only_the_venues_managers_decide_requests_and_approve_only_before_the_start(
    town, manager, member
):
    request = town["theirs"]
    request.status = Booking.Status.PENDING
    assert permissions.may_decide(manager, request)
    assert permissions.decide_refusal(member, request) == (
        "Only a manager of St Luke's can decide this request."
    )
    assert permissions.may_approve(manager, request, now=NOW)
    assert not permissions.may_approve(manager, request, now=request.starts_at)
    request.status = Booking.Status.CONFIRMED
    assert permissions.decide_refusal(manager, request) == (
        "This request has already been decided: it is confirmed."
    )


def test_booking_for_an_organisation_needs_belonging_to_it(member, other_member):
    charity = OrganisationFactory()
    OrganisationMembershipFactory(organisation=charity, member=member)
    assert permissions.may_book_for(member, charity)
    assert not permissions.may_book_for(other_member, charity)


def test_only_an_organisations_admins_may_follow_its_calendar_feed(member, other_member):
    # The feed shows every booker's name, title and purpose: more than a plain member may see.
    charity = OrganisationFactory()
    OrganisationMembershipFactory(organisation=charity, member=member)
    OrganisationMembershipFactory(
        organisation=charity, member=other_member, role=OrganisationMembership.Role.ADMIN
    )
    assert not permissions.may_follow_organisation(member, charity.pk)
    assert permissions.may_follow_organisation(other_member, charity.pk)
    assert not permissions.may_follow_organisation(AnonymousUser(), charity.pk)
    followable = Organisation.objects.filter
    assert not followable(permissions.followable_organisations_filter(member)).exists()
    assert list(followable(permissions.followable_organisations_filter(other_member))) == [charity]


def test_open_data_before_publishing_is_for_managers_and_the_impact_page_for_nobody(
    venue, manager, member
):
    assert permissions.may_see_usage_data(manager, venue)
    assert not permissions.may_see_usage_data(member, venue)
    assert not permissions.may_see_impact_page(manager, venue)
    venue.publish_impact = True
    assert permissions.may_see_usage_data(AnonymousUser(), venue)
    assert permissions.may_see_impact_page(AnonymousUser(), venue)


def test_moving_is_for_the_booker_and_managers_until_the_start(town, member, manager, other_member):
    booking = town["mine"]
    assert permissions.move_refusal(member, booking, now=NOW) is None
    assert permissions.move_refusal(manager, booking, now=NOW) is None
    assert permissions.move_refusal(other_member, booking, now=NOW) is not None
    assert permissions.move_refusal(manager, booking, now=booking.starts_at + timedelta(0)) == (
        "This booking has already started, so it can no longer be moved."
    )
