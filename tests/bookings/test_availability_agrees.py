"""What the week grid shows as free is exactly what the booking service accepts.

free_intervals feeds the grid (and later the API); request_booking decides. If they disagreed, a
member would click a free slot and be refused, or never be offered a slot that was bookable.
"""

from datetime import timedelta

import pytest
from django.db import transaction

from bookings.availability import free_intervals
from bookings.services import BookingError
from spaces.intervals import Interval
from spaces.models import CalendarImport, Unavailability
from tests.bookings.conftest import DAY, at
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory, DeskPoolFactory, SpaceFactory


class _Rollback(Exception):
    pass


def accepted(book, space, starts_at, ends_at) -> bool:
    try:
        with transaction.atomic():
            book(space, starts_at, ends_at)
            raise _Rollback
    except _Rollback:
        return True
    except BookingError:
        return False


def offered(space, starts_at, ends_at, *, now) -> bool:
    wanted = Interval(starts_at, ends_at)
    return any(
        free.contains(wanted)
        for free in free_intervals(space, Interval(DAY, DAY + timedelta(days=1)), now=now)
    )


def slots(length: timedelta):
    start = at(7)
    while start + length <= at(19):
        yield start, start + length
        start += timedelta(minutes=30)


@pytest.mark.parametrize("kind", ["room with a buffer", "desk pool"])
@pytest.mark.parametrize(
    "length", [timedelta(minutes=30), timedelta(hours=1, minutes=30)], ids=["30 min", "90 min"]
)
def test_every_slot_is_offered_exactly_when_it_can_be_booked(book, venue, kind, length):
    if kind == "desk pool":
        space = DeskPoolFactory(
            venue=venue, seats=2, capacity=2, buffer_after=timedelta(minutes=30)
        )
        BookingFactory(space=space, starts_at=at(10), ends_at=at(12))
        BookingFactory(space=space, starts_at=at(11), ends_at=at(13))
        BookingFactory(space=space, starts_at=at(14), ends_at=at(15))
        BookingFactory(space=space, starts_at=at(14, 30), ends_at=at(15, 30))
    else:
        space = SpaceFactory(venue=venue, buffer_after=timedelta(minutes=30))
        BookingFactory(space=space, starts_at=at(10), ends_at=at(11))
        BookingFactory(
            space=space, starts_at=at(13), ends_at=at(14), blocked_until=at(14)
        )  # an older booking, no buffer
    ClosureFactory(venue=venue, starts_at=at(15, 30), ends_at=at(16))
    source = CalendarImport.objects.create(venue=venue, space=space, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=space, starts_at=at(16, 30), ends_at=at(17)
    )
    disagreements = [
        f"{start:%H:%M}–{end:%H:%M}: offered={offered(space, start, end, now=NOW)}"
        for start, end in slots(length)
        if offered(space, start, end, now=NOW) != accepted(book, space, start, end)
    ]
    assert disagreements == []
    assert any(accepted(book, space, start, end) for start, end in slots(length))


def test_notice_and_horizon_agree_too(book, venue):
    space = SpaceFactory(
        venue=venue, min_notice=timedelta(hours=26), horizon=timedelta(days=1, hours=8)
    )
    # Bookable from Tuesday 10:00 (NOW + 26 h) until Tuesday 16:00 (NOW + 1 day 8 h).
    decided = {
        (start, end): accepted(book, space, start, end) for start, end in slots(timedelta(hours=1))
    }
    assert decided == {(start, end): offered(space, start, end, now=NOW) for start, end in decided}
    assert [start.hour for (start, _end), ok in decided.items() if ok and start.minute == 0] == [
        10,
        11,
        12,
        13,
        14,
        15,
    ]
