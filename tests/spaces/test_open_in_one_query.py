"""One space's open hours without a prefetch are one query (hours, exceptions, closures and
imported unavailability in one UNION ALL), and answer exactly as the separate reads and the
prefetch do; a week of free time is that query and the bookings'."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import free_intervals
from spaces.intervals import Interval, subtract
from spaces.models import CalendarImport, OpeningException, Space, Unavailability
from spaces.open_hours import closed_times, open_intervals, opening_intervals, prefetch_open
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory, SpaceFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2027, 1, 4, tzinfo=UTC)  # London is on UTC in January
WEEK = Interval(MONDAY, MONDAY + timedelta(days=7))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


@pytest.fixture
def busy_week(venue, room):
    """A week with something of every kind, and things of another space that must not count."""
    other = SpaceFactory(venue=venue, name="Hall", slug="hall")
    OpeningException.objects.create(
        venue=venue, date=date(2027, 1, 5), opens=time(10), closes=time(14)
    )
    OpeningException.objects.create(venue=venue, date=date(2027, 1, 6))  # closed all day
    ClosureFactory(venue=venue, starts_at=at(0, 12), reason="Boiler repair")  # the whole venue
    ClosureFactory(venue=venue, space=room, starts_at=at(3, 15), reason="Painting")
    ClosureFactory(venue=venue, space=other, starts_at=at(4, 9), reason="Not this room")
    source = CalendarImport.objects.create(venue=venue, space=room, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=room, starts_at=at(3, 9), ends_at=at(3, 10), summary=""
    )
    Unavailability.objects.create(
        source=source,
        venue=venue,
        space=room,
        starts_at=at(4, 16),
        ends_at=at(4, 17),
        summary="Choir",
    )
    Unavailability.objects.create(
        source=source, venue=venue, space=other, starts_at=at(0, 9), ends_at=at(0, 10), summary=""
    )
    BookingFactory(space=room, starts_at=at(0, 9), ends_at=at(0, 10))
    return Space.objects.select_related("venue").get(pk=room.pk)


def test_a_week_of_free_time_costs_two_queries_the_open_hours_and_the_bookings(busy_week):
    with CaptureQueriesContext(connection) as queries:
        free_intervals(busy_week, WEEK, now=NOW)
    assert len(queries) == 2


def test_the_one_query_answers_as_the_separate_reads_and_as_the_prefetch(busy_week):
    space = busy_week
    separately = subtract(
        opening_intervals(space.venue, WEEK), [b.interval for b in closed_times(space, WEEK)]
    )
    prefetched = open_intervals(space, WEEK, prefetch_open([space], WEEK))
    assert open_intervals(space, WEEK) == separately == prefetched
    assert open_intervals(space, WEEK) == [
        Interval(at(0, 9), at(0, 12)),
        Interval(at(0, 14), at(0, 17)),
        Interval(at(1, 10), at(1, 14)),
        Interval(at(3, 10), at(3, 15)),
        Interval(at(4, 9), at(4, 16)),
        Interval(at(5, 9), at(5, 17)),
        Interval(at(6, 9), at(6, 17)),
    ]


def test_an_imported_time_without_a_summary_reads_unavailable_after_the_closures(busy_week):
    reasons = [(b.reason, b.imported) for b in closed_times(busy_week, WEEK)]
    assert sorted(reasons, key=lambda pair: pair[1]) == reasons
    assert set(reasons) == {
        ("Boiler repair", False),
        ("Painting", False),
        ("Unavailable", True),
        ("Choir", True),
    }


@pytest.mark.parametrize("sunday", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_week_over_a_clock_change_keeps_the_wall_clock_hours(venue, room, sunday):
    start = datetime.combine(sunday - timedelta(days=6), time(0), tzinfo=UTC)
    week = Interval(start, start + timedelta(days=8))
    space = Space.objects.select_related("venue").get(pk=room.pk)
    assert open_intervals(space, week) == opening_intervals(venue, week)
    after = [piece for piece in open_intervals(space, week) if piece.start.date() > sunday]
    hours = {piece.start.astimezone(venue.zone).time() for piece in after}
    assert hours == {time(9)}
