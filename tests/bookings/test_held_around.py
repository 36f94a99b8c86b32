"""held_around, the SQL written once that every booking checks under its space's lock, finds
exactly the holds the ORM's `active().overlapping()` finds: the half-open edges, the buffer,
the statuses that hold a slot, another space's bookings, and a booking left out of its own check."""

from datetime import UTC, datetime, timedelta

import pytest

from bookings.availability import held_around
from bookings.models import Booking
from spaces.intervals import Interval
from tests.factories import BookingFactory, DeskPoolFactory

pytestmark = pytest.mark.django_db

TEN = datetime(2027, 1, 5, 10, tzinfo=UTC)
REACH = Interval(TEN, TEN + timedelta(hours=1))  # 10:00-11:00


def _orm(space, reach: Interval, exclude: int | None = None) -> list[tuple[datetime, datetime]]:
    found = Booking.objects.active().overlapping(space, reach.start, reach.end)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return sorted(found.values_list("starts_at", "blocked_until"))


@pytest.mark.parametrize(
    ("starts", "ends", "buffer", "found"),
    [
        (8, 9, 0, False),  # before
        (9, 10, 0, False),  # right before: back to back does not meet
        (9, 10, 15, True),  # right before, but its buffer runs into 10:00
        (10, 11, 0, True),  # the same time
        (10.5, 10.75, 0, True),  # inside
        (9, 12, 0, True),  # around
        (11, 12, 0, False),  # right after
        (12, 13, 0, False),  # after
    ],
)
def test_a_hold_is_found_when_its_blocked_time_meets_the_reach(room, starts, ends, buffer, found):
    room.buffer_after = timedelta(minutes=buffer)
    room.save()
    booking = BookingFactory(
        space=room,
        starts_at=TEN + timedelta(hours=starts - 10),
        ends_at=TEN + timedelta(hours=ends - 10),
    )
    expected = [(booking.starts_at, booking.blocked_until)] if found else []
    assert held_around(room, REACH) == expected == _orm(room, REACH)


@pytest.mark.parametrize(
    ("status", "holds"),
    [
        (Booking.Status.PENDING, True),
        (Booking.Status.CONFIRMED, True),
        (Booking.Status.CANCELLED, False),
        (Booking.Status.DECLINED, False),
    ],
)
def test_only_pending_and_confirmed_bookings_hold_their_time(room, status, holds):
    BookingFactory(space=room, starts_at=TEN, status=status)
    assert bool(held_around(room, REACH)) is holds
    assert sorted(held_around(room, REACH)) == _orm(room, REACH)


def test_another_spaces_bookings_and_the_booking_left_out_are_not_found(room, venue):
    pool = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3, capacity=3)
    BookingFactory(space=room, starts_at=TEN)
    own = BookingFactory(space=pool, starts_at=TEN)
    later = BookingFactory(space=pool, starts_at=TEN + timedelta(minutes=30))
    assert sorted(held_around(pool, REACH)) == _orm(pool, REACH) and len(_orm(pool, REACH)) == 2
    assert held_around(pool, REACH, exclude_booking_id=own.pk) == [
        (later.starts_at, later.blocked_until)
    ]
    assert held_around(pool, REACH, exclude_booking_id=own.pk) == _orm(pool, REACH, own.pk)


def test_the_instants_come_back_aware_and_to_the_microsecond(room):
    odd = TEN + timedelta(minutes=7, seconds=3, microseconds=250)
    booking = BookingFactory(space=room, starts_at=odd, ends_at=odd + timedelta(minutes=20))
    ((starts, ends),) = held_around(room, REACH)
    assert (starts, ends) == (booking.starts_at, booking.blocked_until)
    assert starts.tzinfo is not None and ends.tzinfo is not None
