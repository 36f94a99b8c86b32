"""A manager cannot take away seats (or make a pool a room) that bookings still hold; the change
goes through bookings.services.change_seats / save_space, under the space's lock."""

from datetime import UTC, datetime

import pytest

from bookings.models import Booking
from bookings.services import BookingError, change_seats
from spaces.models import Space
from tests.bookings.conftest import change_stored
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


def seats_of(space: Space) -> int:
    return Space.objects.values_list("seats", flat=True).get(pk=space.pk)


def test_seats_can_come_down_to_what_bookings_hold_at_once(pool, frozen_now):
    change_seats(space=pool, seats=3, now=frozen_now)
    assert seats_of(pool) == 3


def test_fewer_seats_than_bookings_hold_at_once_is_refused_with_when(pool, frozen_now):
    with pytest.raises(BookingError) as refused:
        change_seats(space=pool, seats=2, now=frozen_now)
    assert refused.value.field == "seats"
    assert refused.value.message == (
        "3 bookings hold a seat at the same time on 5 January 2027, 10:00: cancel or move some"
        " of them before reducing the seats to 2."
    )
    assert seats_of(pool) == 5


def test_making_a_busy_pool_a_room_is_refused_too(pool, frozen_now):
    with pytest.raises(BookingError) as refused:
        change_seats(space=pool, seats=1, now=frozen_now)
    assert "before reducing the seats to 1" in refused.value.message
    assert seats_of(pool) == 5
    assert not Booking.objects.filter(space=pool, exclusive=True).exists()


def test_past_and_cancelled_bookings_hold_no_seat(pool, frozen_now):
    Booking.objects.filter(space=pool).update(status=Booking.Status.CANCELLED)
    BookingFactory(space=pool, starts_at=at(1, 10), ends_at=at(1, 11))  # before now
    BookingFactory(space=pool, starts_at=at(1, 10), ends_at=at(1, 11))
    change_seats(space=pool, seats=1, now=frozen_now)
    assert seats_of(pool) == 1


def test_a_pool_that_becomes_a_room_hands_its_future_bookings_to_the_rooms_guard(venue, frozen_now):
    desks = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3)
    past = BookingFactory(space=desks, starts_at=at(1, 10), ends_at=at(1, 11))
    future = BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    assert not future.exclusive

    change_seats(space=desks, seats=1, now=frozen_now)

    future.refresh_from_db()
    past.refresh_from_db()
    assert (
        future.exclusive
    )  # now under the no-overlap rule (the exclusion constraint on PostgreSQL)
    assert not past.exclusive  # history stays as it was

    change_seats(space=desks, seats=4, now=frozen_now)
    future.refresh_from_db()
    assert not future.exclusive


def test_a_plain_save_of_the_model_changes_no_booking(venue, frozen_now):
    """The rule lives in the service, not in Space.save(): writing the row alone moves nothing."""
    desks = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3)
    future = BookingFactory(space=desks, starts_at=at(5, 10), ends_at=at(5, 11))
    change_stored(desks, seats=1)
    future.refresh_from_db()
    assert not future.exclusive
