"""Series speed figures: queries and seconds to preview and to book 10, 50 and 200 daily dates.

Not part of the suite (the file name does not start with test_); run it on purpose:

    .venv/bin/pytest -q -s -p no:randomly tests/bookings/bench_series.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonshare_bench \\
        .venv/bin/pytest -q -s -p no:randomly tests/bookings/bench_series.py

A room open 09:00–17:00 with another member's booking every fifth day and a closure, so some
dates are refused for each reason the rules give.
"""

import datetime as dt
import time as clock
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Series
from bookings.series import book_series, new_series, preview_series
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory

FIRST = dt.date(2027, 1, 5)


def _series(room, member, count: int) -> Series:
    return new_series(
        space=room,
        booker=member,
        title="Food bank",
        starts_on=FIRST,
        start_time=time(10),
        duration=timedelta(hours=2),
        frequency=Series.Frequency.DAILY,
        count=count,
    )


def _measure(action) -> tuple[int, float]:
    with CaptureQueriesContext(connection) as queries:
        started = clock.perf_counter()
        action()
        seconds = clock.perf_counter() - started
    return len(queries.captured_queries), seconds


def test_benchmark(room, member, other_member):
    start = datetime.combine(FIRST, time(10), tzinfo=UTC)
    for day in range(0, 200, 5):
        BookingFactory(space=room, booker=other_member, starts_at=start + timedelta(days=day))
    ClosureFactory(
        venue=room.venue,
        starts_at=start + timedelta(days=31),
        ends_at=start + timedelta(days=33),
        reason="Roof repair",
    )
    rows = []
    for count in (10, 50, 200):
        previewed = {}
        queries, seconds = _measure(
            lambda count=count, previewed=previewed: previewed.update(
                outcome=preview_series(series=_series(room, member, count), now=NOW)
            )
        )
        expected = previewed["outcome"].fingerprint()
        with transaction.atomic():  # rolled back, so each count starts from the same rows
            booked_queries, booked_seconds = _measure(
                lambda count=count, expected=expected: book_series(
                    series=_series(room, member, count), expected=expected, now=NOW
                )
            )
            transaction.set_rollback(True)
        rows.append((count, queries, seconds, booked_queries, booked_seconds))
    print(f"\n{connection.vendor}: dates | preview queries, s | book queries, s")
    for count, queries, seconds, booked_queries, booked_seconds in rows:
        print(
            f"{count:>5} | {queries:>6} {seconds:6.2f} | {booked_queries:>6} {booked_seconds:6.2f}"
        )
