"""The booking service enforces a membership's plan under its lock: the kinds it covers, its
dates, its booking window, and the allowance left that month."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from bookings.models import Booking
from bookings.services import BookingError, cancel_booking, move_booking, request_booking
from memberships.models import Allowance, Membership
from memberships.services import MembershipError, end_membership
from tests.conftest import NOW
from tests.factories import MemberFactory, OrganisationFactory, OrganisationMembershipFactory
from tests.memberships.conftest import utc


def book(space, booker, start, end, **kwargs):
    kwargs.setdefault("title", "Desk")
    return request_booking(
        booker=booker, space=space, starts_at=start, ends_at=end, now=NOW, **kwargs
    )


def test_desk_days_run_out_with_a_message_saying_when_they_renew(member, pool, make_plan, grant):
    membership = grant(make_plan(days=2), member=member)
    book(pool, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 12), membership=membership)
    book(pool, member, utc(2027, 1, 5, 13), utc(2027, 1, 5, 16), membership=membership)
    book(pool, member, utc(2027, 1, 6, 9), utc(2027, 1, 6, 12), membership=membership)
    with pytest.raises(BookingError) as refused:
        book(pool, member, utc(2027, 1, 7, 9), utc(2027, 1, 7, 12), membership=membership)
    assert refused.value.message == (
        "You have 0 of 2 desk-days left in January; they renew on 1 February."
    )
    assert refused.value.field == "membership"
    assert Booking.objects.count() == 3
    # Renewed on the 1st of the next month.
    book(pool, member, utc(2027, 2, 1, 9), utc(2027, 2, 1, 12), membership=membership)


def test_room_hours_run_out_and_a_booking_without_the_membership_still_goes_through(
    member, room, make_plan, grant
):
    membership = grant(make_plan(kinds=["meeting_room"], hours="2.5"), member=member)
    book(room, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 11), membership=membership)
    with pytest.raises(BookingError) as refused:
        book(room, member, utc(2027, 1, 5, 11), utc(2027, 1, 5, 12), membership=membership)
    assert refused.value.message == (
        "You have 0.5 of 2.5 hours left in January; they renew on 1 February."
    )
    paid = book(room, member, utc(2027, 1, 5, 11), utc(2027, 1, 5, 12))
    assert paid.membership is None


def test_cancelling_gives_the_hours_back(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["meeting_room"], hours=2), member=member)
    first = book(room, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 11), membership=membership)
    with pytest.raises(BookingError):
        book(room, member, utc(2027, 1, 6, 9), utc(2027, 1, 6, 11), membership=membership)
    cancel_booking(booking=first, by=member, now=NOW)
    again = book(room, member, utc(2027, 1, 6, 9), utc(2027, 1, 6, 11), membership=membership)
    assert again.membership == membership


def test_a_move_counts_the_booking_once_not_twice(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["meeting_room"], hours=2), member=member)
    booking = book(room, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 11), membership=membership)
    moved = move_booking(
        booking=booking,
        by=member,
        starts_at=utc(2027, 1, 6, 9),
        ends_at=utc(2027, 1, 6, 11),
        now=NOW,
    )
    assert moved.membership == membership
    with pytest.raises(BookingError, match="You have 2 of 2 hours left"):
        move_booking(
            booking=booking,
            by=member,
            starts_at=utc(2027, 1, 7, 9),
            ends_at=utc(2027, 1, 7, 12),
            now=NOW,
        )


def test_an_organisations_pool_is_shared_and_each_person_has_a_cap(room, make_plan, grant):
    group = OrganisationFactory(name="Ladywood Food Share")
    ann, bob = MemberFactory(), MemberFactory()
    for person in (ann, bob):
        OrganisationMembershipFactory(organisation=group, member=person)
    plan = make_plan(kinds=["meeting_room"], hours=3, name="Community group")
    membership = grant(plan, organisation=group, per_person_cap=Decimal(2))
    book(room, ann, utc(2027, 1, 5, 9), utc(2027, 1, 5, 11), membership=membership)
    with pytest.raises(BookingError) as capped:
        book(room, ann, utc(2027, 1, 5, 11), utc(2027, 1, 5, 12), membership=membership)
    assert capped.value.message == (
        "You have 0 of 2 hours left in January; they renew on 1 February."
    )
    book(room, bob, utc(2027, 1, 5, 11), utc(2027, 1, 5, 12), membership=membership)
    with pytest.raises(BookingError) as spent:
        book(room, bob, utc(2027, 1, 5, 12), utc(2027, 1, 5, 13), membership=membership)
    assert spent.value.message == (
        "Ladywood Food Share has 0 of 3 hours left in January; they renew on 1 February."
    )


def test_someone_elses_membership_is_refused(member, other_member, room, make_plan, grant):
    theirs = grant(make_plan(kinds=["meeting_room"], hours=10), member=other_member)
    with pytest.raises(BookingError, match="only use a membership of your own"):
        book(room, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 10), membership=theirs)
    assert not Booking.objects.exists()


def test_a_plan_without_the_spaces_kind_is_refused(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["desk_pool"], days=10), member=member)
    with pytest.raises(BookingError, match="Hot desk 10 days does not include Meeting room"):
        book(room, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 10), membership=membership)


def test_a_membership_not_yet_started_or_already_ended_is_refused(member, pool, make_plan, grant):
    plan = make_plan(days=10)
    later = grant(plan, member=member, starts_on=date(2027, 2, 1))
    with pytest.raises(BookingError, match="starts on 1 February 2027"):
        book(pool, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 10), membership=later)
    earlier = grant(plan, member=member, starts_on=date(2026, 1, 1), ends_on=date(2027, 1, 4))
    with pytest.raises(BookingError, match="ended on 4 January 2027"):
        book(pool, member, utc(2027, 1, 5, 9), utc(2027, 1, 5, 10), membership=earlier)


def test_the_plans_window_replaces_the_spaces_horizon(member, pool, make_plan, grant):
    pool.horizon = timedelta(days=7)
    pool.save()
    membership = grant(make_plan(days=10, window=timedelta(days=90)), member=member)
    far = (utc(2027, 2, 15, 9), utc(2027, 2, 15, 10))
    with pytest.raises(BookingError, match="up to 7 days ahead"):
        book(pool, member, *far)
    assert book(pool, member, *far, membership=membership).membership == membership
    with pytest.raises(BookingError, match="up to 90 days ahead"):
        book(pool, member, utc(2027, 5, 1, 9), utc(2027, 5, 1, 10), membership=membership)


def test_overlapping_memberships_of_one_plan_are_refused(member, make_plan, grant):
    plan = make_plan(days=10)
    grant(plan, member=member, starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31))
    with pytest.raises(MembershipError, match="already holds Hot desk 10 days"):
        grant(plan, member=member, starts_on=date(2027, 3, 31))
    grant(plan, member=member, starts_on=date(2027, 4, 1))
    assert Membership.objects.count() == 2


def test_a_membership_has_exactly_one_holder(member, make_plan, grant):
    with pytest.raises(MembershipError, match="one member or one organisation"):
        grant(make_plan(days=10), member=member, organisation=OrganisationFactory())
    assert not Membership.objects.exists()


def test_a_negative_allowance_is_refused(make_plan):
    plan = make_plan(kinds=["meeting_room"])
    with pytest.raises(ValidationError):
        Allowance(plan=plan, kind="meeting_room", hours_per_month=Decimal(-1)).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(-1))


def test_a_plan_must_allow_a_kind_of_space(make_plan):
    plan = make_plan(kinds=[])
    with pytest.raises(ValidationError, match="at least one kind of space"):
        plan.full_clean()


def test_a_membership_cannot_end_before_bookings_that_use_it(member, pool, make_plan, grant):
    membership = grant(make_plan(days=10), member=member)
    book(pool, member, utc(2027, 1, 20, 9), utc(2027, 1, 20, 10), membership=membership)
    with pytest.raises(MembershipError, match="1 booking"):
        end_membership(membership=membership, ends_on=date(2027, 1, 10))
    assert end_membership(membership=membership, ends_on=date(2027, 1, 31)).ends_on == date(
        2027, 1, 31
    )
