"""A manager cannot take away seats (or make a pool a room) that bookings still hold."""

from datetime import UTC, datetime

import pytest
from django.core.exceptions import ValidationError

from bookings.models import Booking
from tests.factories import BookingFactory, DeskPoolFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int) -> datetime:
    return datetime(2027, 1, day, hour, tzinfo=UTC)


@pytest.fixture
def pool(venue, frozen_now):
    """Five desks; on Tuesday 5 January three bookings overlap 10:00–11:00, two 11:00–12:00."""
    desks = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=5)
    BookingFactory(space=desks, starts_at=at(5, 9), ends_at=at(5, 11))
    BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 12))
    BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    return desks


def test_seats_can_come_down_to_what_bookings_hold_at_once(pool):
    pool.seats = 3
    pool.full_clean()  # no error


def test_fewer_seats_than_bookings_hold_at_once_is_refused_with_when(pool):
    pool.seats = 2
    with pytest.raises(ValidationError) as refused:
        pool.full_clean()
    assert refused.value.message_dict["seats"] == [
        "3 bookings hold a seat at the same time on 5 January 2027, 10:00: cancel or move some"
        " of them before reducing the seats to 2."
    ]


def test_making_a_busy_pool_a_room_is_refused_too(pool):
    pool.seats = 1
    with pytest.raises(ValidationError) as refused:
        pool.full_clean()
    assert "before reducing the seats to 1" in refused.value.message_dict["seats"][0]


def test_past_and_cancelled_bookings_hold_no_seat(pool, frozen_now):
    Booking.objects.filter(space=pool).update(status=Booking.Status.CANCELLED)
    BookingFactory(space=pool, starts_at=at(1, 10), ends_at=at(1, 11))  # before now
    BookingFactory(space=pool, starts_at=at(1, 10), ends_at=at(1, 11))
    pool.seats = 1
    pool.full_clean()  # no error


def test_a_pool_that_becomes_a_room_hands_its_future_bookings_to_the_rooms_guard(venue, frozen_now):
    desks = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3)
    past = BookingFactory(space=desks, starts_at=at(1, 10), ends_at=at(1, 11))
    future = BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    assert not future.exclusive

    desks.seats = 1
    desks.full_clean()
    desks.save()

    future.refresh_from_db()
    past.refresh_from_db()
    assert (
        future.exclusive
    )  # now under the no-overlap rule (the exclusion constraint on PostgreSQL)
    assert not past.exclusive  # history stays as it was

    desks.seats = 4
    desks.save()
    future.refresh_from_db()
    assert not future.exclusive
