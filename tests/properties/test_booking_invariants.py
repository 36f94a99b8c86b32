"""Property-based: random sequences of booking, series, moves, cancellations, approvals and
declines, by several members across rooms and a desk pool, around both clock changes, never break
what the database and the services promise:

- no two active bookings overlap in an exclusive space (their [starts_at, blocked_until));
- a desk pool never holds more seats at one instant than it has;
- an allowance is never used beyond its size, a community fund never beyond its grant;
- a price is never negative nor above the full price;
- occupancy stays within 0-100 %.

Every refusal must be a BookingError with a message; anything else fails the test. Each example
runs in a savepoint that is rolled back, so the examples do not see each other.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bookings.models import Booking
from bookings.rules import BookingError
from bookings.series import SeriesChanged, book_series, new_series, preview_series
from bookings.services import (
    approve_booking,
    cancel_booking,
    decline_booking,
    move_booking,
    request_booking,
)
from memberships.allowances import allowance_left
from memberships.funds import fund_granted, fund_used
from memberships.models import Allowance
from memberships.services import grant_membership
from spaces.models import Space
from stats.occupancy import compute_stats
from stats.periods import Period
from tests.factories import (
    CommunityFundFactory,
    DeskPoolFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
    VenueFactory,
)

LONDON = ZoneInfo("Europe/London")
# "now" a few days before each clock change: bookings then fall on both sides of it.
NOWS = [dt.datetime(2027, 3, 24, 8, tzinfo=dt.UTC), dt.datetime(2027, 10, 27, 8, tzinfo=dt.UTC)]


class Stop(Exception):
    """Rolls an example back."""


def scene():
    venue = VenueFactory(name="Property Hall", slug="property-hall", time_zone="Europe/London")
    for weekday in range(7):  # open long days so the clock changes fall inside opening hours
        venue.opening_hours.update_or_create(
            weekday=weekday, defaults={"opens": dt.time(0, 0), "closes": dt.time(23, 30)}
        )
    rooms = [
        SpaceFactory(venue=venue, slug="room-a", buffer_after=dt.timedelta(minutes=30)),
        SpaceFactory(venue=venue, slug="room-b", requires_approval=True),
    ]
    desks = DeskPoolFactory(venue=venue, slug="desks", seats=2, one_seat_per_person=False)
    for space in [*rooms, desks]:
        space.rate = Decimal("12.50")
        space.horizon = dt.timedelta(days=400)
        space.max_duration = dt.timedelta(hours=12)
        space.save()
    group = OrganisationFactory(name="Group")
    members = [MemberFactory() for _ in range(3)]
    manager = MemberFactory()
    venue.managers.add(manager)
    for person in members[:2]:
        OrganisationMembershipFactory(organisation=group, member=person)
    plan = PlanFactory(venue=venue, space_kinds=[Space.Kind.MEETING_ROOM, Space.Kind.DESK_POOL])
    plan.booking_window = dt.timedelta(days=400)
    plan.save()
    Allowance.objects.create(plan=plan, kind=Space.Kind.MEETING_ROOM, hours_per_month=Decimal(5))
    Allowance.objects.create(plan=plan, kind=Space.Kind.DESK_POOL, days_per_month=2)
    membership = grant_membership(plan=plan, organisation=group, starts_on=dt.date(2027, 1, 1))
    fund = CommunityFundFactory(
        venue=venue,
        organisation=group,
        hours=Decimal(4),
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    return venue, [*rooms, desks], members, manager, group, membership, fund


slot = st.tuples(
    st.integers(0, 8),  # days after now
    st.integers(0, 46),  # half-hour of the local day
    st.integers(1, 6),  # length in half-hours
)
operation = st.one_of(
    st.tuples(st.just("book"), st.integers(0, 2), st.integers(0, 2), slot, st.integers(0, 3)),
    st.tuples(st.just("series"), st.integers(0, 2), st.integers(0, 2), slot, st.integers(2, 4)),
    st.tuples(st.just("move"), st.integers(0, 20), st.integers(0, 2), slot),
    st.tuples(st.just("cancel"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("approve"), st.integers(0, 20)),
    st.tuples(st.just("decline"), st.integers(0, 20)),
)


def local_interval(now: dt.datetime, day: int, half_hour: int, length: int):
    date = now.astimezone(LONDON).date() + dt.timedelta(days=day)
    start = dt.datetime.combine(date, dt.time(half_hour // 2, 30 * (half_hour % 2)), tzinfo=LONDON)
    end = start + dt.timedelta(minutes=30 * length)  # real time: across a change it moves
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def check_invariants(spaces, membership, fund, now):
    active = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES)
    for space in spaces:
        held = list(active.filter(space=space).order_by("starts_at"))
        if space.seats == 1:
            for first, second in zip(held, held[1:], strict=False):
                assert first.blocked_until <= second.starts_at, (first, second)
        else:
            for booking in held:  # the seats held at each start instant
                at = booking.starts_at
                taken = sum(1 for b in held if b.starts_at <= at < b.blocked_until)
                assert taken <= space.seats, (space, at, taken)
    for booking in Booking.objects.exclude(price__isnull=True):
        assert Decimal(0) <= booking.price <= booking.full_price, booking
    months = {b.local_starts_at.date().replace(day=1) for b in active.filter(membership=membership)}
    for month in months:
        for kind in (Space.Kind.MEETING_ROOM, Space.Kind.DESK_POOL):
            left = allowance_left(membership=membership, kind=kind, month=month)
            assert left is not None and left.used <= left.total, (kind, month, left)
    assert fund_used(fund=fund) <= fund_granted(fund=fund)
    venue = spaces[0].venue
    local_now = now.astimezone(LONDON).date()
    stats = compute_stats(venue, Period(local_now, local_now + dt.timedelta(days=14)))
    for use in (stats.rooms, stats.desks):
        assert 0.0 <= use.occupancy <= 100.0


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(now=st.sampled_from(NOWS), operations=st.lists(operation, min_size=1, max_size=10))
def test_random_operations_keep_every_promise(now, operations):
    try:
        with transaction.atomic():
            venue, spaces, members, manager, group, membership, fund = scene()
            made: list[Booking] = []
            for op in operations:
                try:
                    made += run(op, now, spaces, members, manager, group, membership, fund, made)
                except BookingError as refusal:
                    assert str(refusal), op  # a refusal says why
                check_invariants(spaces, membership, fund, now)
            held = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES).count()
            event(f"active bookings at the end: {held if held < 3 else '3 or more'}")
            raise Stop
    except Stop:
        pass


def run(op, now, spaces, members, manager, group, membership, fund, made) -> list[Booking]:
    kind = op[0]
    if kind in ("book", "series"):
        _, who, where, (day, half_hour, length), extra = op
        booker, space = members[who], spaces[where]
        starts_at, ends_at = local_interval(now, day, half_hour, length)
        for_group = who < 2
        if kind == "book":
            uses = {"membership": membership if extra == 1 else None}
            uses["fund"] = fund if extra == 2 else None
            booking = request_booking(
                booker=booker,
                space=space,
                starts_at=starts_at,
                ends_at=ends_at,
                title="Property",
                organisation=group if for_group and extra in (1, 2, 3) else None,
                membership=uses["membership"] if for_group else None,
                fund=uses["fund"] if for_group else None,
                now=now,
            )
            return [booking]

        def make():
            local = starts_at.astimezone(LONDON)
            return new_series(
                space=space,
                booker=booker,
                starts_on=local.date(),
                start_time=local.time(),
                duration=ends_at - starts_at,
                frequency="weekly",
                count=extra,
                title="Property series",
            )

        try:
            expected = preview_series(series=make(), now=now).fingerprint()
            outcome = book_series(series=make(), expected=expected, now=now)
        except SeriesChanged as changed:  # pragma: no cover - nothing changes in between here
            raise BookingError(str(changed)) from changed
        return [date.booking for date in outcome.free if date.booking]
    if not made:
        return []
    booking = Booking.objects.get(pk=made[op[1] % len(made)].pk)
    if kind == "move":
        _, _, where, (day, half_hour, length) = op
        starts_at, ends_at = local_interval(now, day, half_hour, length)
        move_booking(
            booking=booking,
            by=booking.booker,
            starts_at=starts_at,
            ends_at=ends_at,
            space=spaces[where] if (spaces[where].seats == 1) == booking.exclusive else None,
            now=now,
        )
    elif kind == "cancel":
        cancel_booking(booking=booking, by=manager if op[2] else booking.booker, now=now)
    elif kind == "approve":
        approve_booking(booking=booking, by=manager, now=now)
    else:
        decline_booking(booking=booking, by=manager, reason="Full", now=now)
    return []
