"""free_intervals with `known` (data fetched once for many spaces) answers exactly as with its own
queries: the venues filter and venue_free_intervals rely on it."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import free_intervals, prefetch, venue_free_intervals
from spaces.intervals import Interval
from spaces.models import CalendarImport, Space, Unavailability
from spaces.open_hours import closed_times
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    DeskPoolFactory,
    OpeningHoursFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime(2027, 1, 5, tzinfo=UTC)  # Tuesday; London is on UTC, New York 5 hours behind


def at(hour: int, minute: int = 0) -> datetime:
    return DAY + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def town(venue):
    """Rooms with buffers, a desk pool, closures of a venue and of a space, an imported calendar,
    and a venue in another zone with evening hours."""
    room = SpaceFactory(venue=venue, name="Room", slug="room", buffer_after=timedelta(minutes=30))
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    pool = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=2, capacity=2)
    BookingFactory(space=room, starts_at=at(10), ends_at=at(11))
    BookingFactory(space=room, starts_at=at(13, 30), ends_at=at(14))
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(12))
    BookingFactory(space=pool, starts_at=at(11), ends_at=at(15))
    BookingFactory(space=pool, starts_at=at(16), ends_at=at(17), status="cancelled")
    ClosureFactory(venue=venue, space=hall, starts_at=at(12), ends_at=at(13))
    ClosureFactory(venue=venue, starts_at=at(16, 30), ends_at=at(18))
    source = CalendarImport.objects.create(venue=venue, space=room, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=room, starts_at=at(15), ends_at=at(16), summary="Choir"
    )
    elsewhere = VenueFactory(name="Harlem Hub", time_zone="America/New_York", open_every_day=False)
    for day in range(7):
        OpeningHoursFactory(venue=elsewhere, weekday=day, opens=time(8), closes=time(20))
    studio = SpaceFactory(venue=elsewhere, name="Studio", slug="studio")
    BookingFactory(space=studio, starts_at=at(14), ends_at=at(16))
    return [room, hall, pool, studio]


def test_every_window_gets_the_same_answer_with_and_without_prefetching(town):
    spaces = list(Space.objects.filter(pk__in=[s.pk for s in town]).select_related("venue"))
    whole_day = Interval(DAY, DAY + timedelta(days=1))
    known = prefetch(spaces, whole_day)
    windows = [whole_day]
    for length in (30, 60, 150):
        start = at(7)
        while start + timedelta(minutes=length) <= at(23):
            windows.append(Interval(start, start + timedelta(minutes=length)))
            start += timedelta(minutes=30)
    compared = 0
    for space in spaces:
        for window in windows:
            alone = free_intervals(space, window, now=NOW)
            shared = free_intervals(space, window, now=NOW, known=known)
            assert shared == alone, (space.name, window)
            compared += 1
    assert compared == len(spaces) * len(windows)
    # The scene is not trivially free: each kind of blocking shows up somewhere.
    assert free_intervals(spaces[0], whole_day, now=NOW, known=known) != [Interval(at(9), at(17))]


def test_a_window_outside_what_was_fetched_falls_back_to_its_own_queries(town):
    spaces = list(Space.objects.filter(pk__in=[s.pk for s in town]).select_related("venue"))
    known = prefetch(spaces, Interval(at(9), at(10)))
    afternoon = Interval(at(12), at(18))
    for space in spaces:
        assert free_intervals(space, afternoon, now=NOW, known=known) == free_intervals(
            space, afternoon, now=NOW
        )


def test_prefetching_costs_four_queries_however_many_spaces(venue):
    for n in range(12):
        space = SpaceFactory(venue=venue, name=f"Room {n}", slug=f"room-{n}")
        BookingFactory(space=space, starts_at=at(10), ends_at=at(11))
    whole_day = Interval(DAY, DAY + timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        answer = venue_free_intervals(venue, whole_day, now=NOW)
    assert len(answer) == 12
    assert (
        len(queries) == 5
    )  # the spaces, then hours, exceptions, closures with unavailability (one UNION), bookings


def test_a_closure_and_an_imported_time_on_one_slot_read_in_the_same_order_prefetched(venue):
    """The grid shows the first block a slot meets: read together, closures still come first."""
    room = SpaceFactory(venue=venue, name="Room", slug="room")
    source = CalendarImport.objects.create(venue=venue, space=room, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=room, starts_at=at(9), ends_at=at(11), summary=""
    )
    ClosureFactory(venue=venue, starts_at=at(10), ends_at=at(12), reason="Boiler repair")
    room = Space.objects.select_related("venue").get(pk=room.pk)
    whole_day = Interval(DAY, DAY + timedelta(days=1))
    known = prefetch([room], whole_day).open
    prefetched = closed_times(room, whole_day, known)
    assert prefetched == closed_times(room, whole_day)
    assert [(block.reason, block.imported) for block in prefetched] == [
        ("Boiler repair", False),
        ("Unavailable", True),  # an imported time with no summary
    ]
