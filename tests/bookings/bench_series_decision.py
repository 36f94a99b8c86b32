"""Series decision speed: queries and seconds for a manager to decide a year of Tuesdays (52
dates awaiting approval: 48 approved, 4 declined with one reason) at once.

Not part of the suite (the file name does not start with test_); run it on purpose:

    .venv/bin/pytest -q -s -p no:randomly tests/bookings/bench_series_decision.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/commonshare_bench \\
        .venv/bin/pytest -q -s -p no:randomly tests/bookings/bench_series_decision.py

Each run is rolled back, so every run decides the same rows; the best of five is printed.
"""

import datetime as dt
import time as clock
from datetime import time, timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Series
from bookings.series import book_series, decide_series, new_series, pending_of, preview_series
from tests.conftest import NOW
from tests.factories import SpaceFactory

RUNS = 5


def test_benchmark(venue, member, manager):
    hall = SpaceFactory(
        venue=venue,
        name="Hall",
        slug="hall",
        capacity=80,
        requires_approval=True,
        horizon=timedelta(days=400),
    )

    def make() -> Series:
        return new_series(
            space=hall,
            booker=member,
            title="Choir",
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=52,
        )

    expected = preview_series(series=make(), now=NOW).fingerprint()
    series = book_series(series=make(), expected=expected, now=NOW).series
    pending = pending_of(series)
    assert len(pending) == 52
    approve = [booking.pk for booking in pending[:48]]
    timings = []
    for _run in range(RUNS):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                started = clock.perf_counter()
                approved, declined = decide_series(
                    series=series, by=manager, approve=approve, reason="Hall let for exams", now=NOW
                )
                seconds = clock.perf_counter() - started
            assert (len(approved), len(declined)) == (48, 4)
            timings.append((seconds, len(queries.captured_queries)))
            transaction.set_rollback(True)
    seconds, queries = min(timings)
    print(
        f"\n{connection.vendor}: decide 52 dates: {queries} queries, {seconds:.3f} s (best of {RUNS})"
    )
