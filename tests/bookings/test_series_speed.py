"""A series' dates are checked with what the rules read fetched once (bookings/batch.py): a fixed
number of queries for the span, a few writes per date, and the same answers as one booking gets."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.batch import start_batch
from bookings.models import Series
from bookings.rules import BookingError
from bookings.series import new_series, preview_series
from bookings.services import request_booking
from spaces.intervals import Interval
from spaces.models import OpeningException
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory

FIRST = datetime(2027, 1, 5, 10, tzinfo=UTC)  # GMT: local time == UTC
# Writing a date costs its savepoint and release, its mirror event, and its row (in a savepoint).
WRITES_PER_DATE = 6


def _daily(room, member, count: int, start_time: time = time(10)) -> Series:
    return new_series(
        space=room,
        booker=member,
        title="Food bank",
        starts_on=dt.date(2027, 1, 5),
        start_time=start_time,
        duration=timedelta(hours=2),
        frequency=Series.Frequency.DAILY,
        count=count,
    )


def _queries(room, member, count: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        preview_series(series=_daily(room, member, count), now=NOW)
    return len(captured.captured_queries)


def test_previewing_fifty_dates_costs_a_few_writes_per_date_and_a_fixed_number_of_reads(
    room, member, other_member
):
    for day in range(0, 50, 7):
        BookingFactory(space=room, booker=other_member, starts_at=FIRST + timedelta(days=day))
    ClosureFactory(venue=room.venue, starts_at=FIRST + timedelta(days=20), reason="Roof repair")
    ten, fifty = _queries(room, member, 10), _queries(room, member, 50)
    assert fifty - ten <= 40 * WRITES_PER_DATE
    assert fifty <= 50 * WRITES_PER_DATE + 20


def test_every_date_gets_the_answer_a_single_booking_would_get(room, member, other_member):
    """One truth: the prefetched checks refuse exactly what request_booking alone refuses."""
    BookingFactory(space=room, booker=other_member, starts_at=FIRST + timedelta(days=1))
    BookingFactory(  # a booking that ends in the slot
        space=room, booker=other_member, starts_at=FIRST + timedelta(days=2, minutes=-30)
    )
    ClosureFactory(venue=room.venue, starts_at=FIRST + timedelta(days=3), reason="Roof repair")
    ClosureFactory(  # the space's own closure, not the venue's
        venue=room.venue,
        space=room,
        starts_at=FIRST + timedelta(days=4, hours=1, minutes=30),
        reason="Painting",
    )
    OpeningException.objects.create(
        venue=room.venue, date=dt.date(2027, 1, 10), opens=None, closes=None, note="Bank holiday"
    )
    OpeningException.objects.create(
        venue=room.venue, date=dt.date(2027, 1, 11), opens=time(11), closes=time(17), note="Late"
    )
    outcome = preview_series(series=_daily(room, member, 9), now=NOW)
    alone = []
    for date in outcome.dates:
        try:
            request_booking(
                booker=member,
                space=room,
                starts_at=date.starts_at,
                ends_at=date.starts_at + timedelta(hours=2),
                title="Food bank",
                preview=True,
                now=NOW,
            )
        except BookingError as exc:
            alone.append(exc.message)
        else:
            alone.append("")
    assert [date.reason for date in outcome.dates] == alone
    # Taken, partly taken, closed, the space closed, a bank holiday, opening late; then free.
    assert [bool(reason) for reason in alone] == [False] + [True] * 6 + [False] * 2


@pytest.mark.django_db(transaction=True)
def test_a_batch_sees_the_bookings_it_has_written(room, member, other_member):
    with transaction.atomic():
        batch = start_batch(space=room, span=Interval(FIRST, FIRST + timedelta(hours=2)))
        request_booking(
            booker=member,
            space=room,
            starts_at=FIRST,
            ends_at=FIRST + timedelta(hours=2),
            title="Food bank",
            batch=batch,
            now=NOW,
        )
        with pytest.raises(BookingError, match="already booked"):
            request_booking(
                booker=other_member,
                space=room,
                starts_at=FIRST + timedelta(hours=1),
                ends_at=FIRST + timedelta(hours=3),
                title="Choir",
                batch=batch,
                now=NOW,
            )
