"""extend_series: an open-ended series books its later dates as the horizon moves, once."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from bookings.models import Booking, Series
from bookings.series import book_series, new_series, preview_series
from bookings.series_extend import extend_series
from tests.conftest import NOW
from tests.factories import BookingFactory

from .test_jobs_concurrency import at_once

TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]


@pytest.fixture
def near_room(room):
    room.horizon = timedelta(days=21)
    room.save()
    return room


def _book(space, member) -> Series:
    def make():
        return new_series(
            space=space,
            booker=member,
            title="Food bank",
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=10,
        )

    fingerprint = preview_series(series=make(), now=NOW).fingerprint()
    return book_series(series=make(), expected=fingerprint, now=NOW).series


def _dates(series) -> list[datetime]:
    return list(series.bookings.order_by("starts_at").values_list("starts_at", flat=True))


def test_later_dates_are_booked_as_the_horizon_moves_and_a_second_run_adds_nothing(
    near_room, member, other_member
):
    series = _book(near_room, member)
    assert _dates(series) == TUESDAYS[:3]
    BookingFactory(space=near_room, booker=other_member, starts_at=TUESDAYS[4])
    two_weeks_on = NOW + timedelta(days=14)
    added = extend_series(now=two_weeks_on)
    assert [b.starts_at for b in added] == [TUESDAYS[3]]  # the 4th is taken: skipped
    assert _dates(series) == TUESDAYS[:4]
    assert extend_series(now=two_weeks_on) == []
    assert _dates(series) == TUESDAYS[:4]
    assert extend_series(now=two_weeks_on + timedelta(days=7)) and _dates(series) == TUESDAYS[
        :4
    ] + [TUESDAYS[5]]
    assert {b.status for b in series.bookings.all()} == {Booking.Status.CONFIRMED}


def test_the_command_says_what_it_added(near_room, member, time_machine):
    _book(near_room, member)
    time_machine.move_to(NOW + timedelta(days=14), tick=False)
    out = StringIO()
    call_command("extend_series", stdout=out)
    assert "2 dates added." in out.getvalue()
    out = StringIO()
    call_command("extend_series", stdout=out)
    assert "0 dates added." in out.getvalue()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_several_machines_at_once_book_each_date_once(near_room, member):
    series = _book(near_room, member)
    results = at_once(lambda: extend_series(now=NOW + timedelta(days=20)))
    assert sum(len(added) for added in results) == 3
    assert _dates(series) == TUESDAYS[:6]
    assert extend_series(now=NOW + timedelta(days=20)) == []
