"""One space's week prefetched for the week grid (`prefetch_space`): two queries, the same answers
as `prefetch` gives, and the member's own bookings found among the holds without another query,
with no other member's title read."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import (
    OwnBooking,
    free_intervals,
    prefetch,
    prefetch_space,
    seats_taken,
)
from bookings.models import Booking
from spaces.intervals import Interval
from spaces.models import CalendarImport, OpeningException, Space, Unavailability
from spaces.open_hours import closed_times, venue_opening
from spaces.timezones import wall_time_to_utc
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory, DeskPoolFactory, SpaceFactory

pytestmark = pytest.mark.django_db

MONDAY = datetime(2027, 1, 4, tzinfo=UTC)  # London is on UTC in January
WEEK = Interval(MONDAY, MONDAY + timedelta(days=7))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def _space(space) -> Space:
    return Space.objects.select_related("venue").get(pk=space.pk)


@pytest.fixture
def busy(venue, member, other_member):
    """A room with a buffer: the member's bookings and someone else's, in the week, just outside
    it, cancelled, and in another room; closures, an exception and imported time."""
    room = _space(SpaceFactory(venue=venue, slug="room", buffer_after=timedelta(minutes=30)))
    other_room = SpaceFactory(venue=venue, slug="other-room")
    OpeningException.objects.create(
        venue=venue, date=date(2027, 1, 5), opens=time(10), closes=time(14)
    )
    ClosureFactory(venue=venue, starts_at=at(2, 12), reason="Boiler repair")
    ClosureFactory(venue=venue, space=room, starts_at=at(3, 15), reason="Painting")
    source = CalendarImport.objects.create(venue=venue, space=room, name="Choir")
    Unavailability.objects.create(
        source=source, venue=venue, space=room, starts_at=at(4, 9), ends_at=at(4, 10), summary=""
    )
    BookingFactory(space=room, booker=member, title="Mine later", starts_at=at(4, 14))
    BookingFactory(space=room, booker=member, title="Mine", starts_at=at(1, 11))
    BookingFactory(space=room, booker=other_member, title="Theirs", starts_at=at(0, 10))
    BookingFactory(
        space=room,
        booker=member,
        title="Cancelled",
        starts_at=at(2, 9),
        status=Booking.Status.CANCELLED,
    )
    # Ends as the week starts: its buffer holds the week's first half hour, but it is not in it.
    BookingFactory(
        space=room, booker=member, title="Last week", starts_at=at(-1, 23), ends_at=MONDAY
    )
    BookingFactory(space=room, booker=member, title="Next week", starts_at=at(7, 0))
    BookingFactory(space=other_room, booker=member, title="Other room", starts_at=at(1, 11))
    return room


def test_it_reads_a_week_in_two_queries_however_many_bookings(busy, member):
    for hour in range(9, 17):
        BookingFactory(space=busy, booker=member, starts_at=at(5, hour), ends_at=at(5, hour, 30))
    with CaptureQueriesContext(connection) as queries:
        prefetch_space(busy, WEEK, member=member)
    assert len(queries) == 2


def test_it_answers_as_the_prefetch_of_many_spaces(busy, member):
    known, _own = prefetch_space(busy, WEEK, member=member)
    many = prefetch([busy], WEEK)
    assert known.holds_span == many.holds_span
    assert sorted(known.holds[busy.pk]) == sorted(many.holds[busy.pk])
    assert venue_opening(busy.venue, WEEK, known.open) == venue_opening(busy.venue, WEEK, many.open)
    assert closed_times(busy, WEEK, known.open) == closed_times(busy, WEEK)
    assert free_intervals(busy, WEEK, now=NOW, known=known) == free_intervals(busy, WEEK, now=NOW)
    assert seats_taken(busy, WEEK, known=known) == seats_taken(busy, WEEK)


def test_the_members_own_active_bookings_in_the_week_come_by_start(busy, member):
    _known, own = prefetch_space(busy, WEEK, member=member)
    assert [booking.title for booking in own] == ["Mine", "Mine later"]
    mine = Booking.objects.get(title="Mine")
    assert own[0] == OwnBooking(mine.pk, "Mine", mine.starts_at, mine.ends_at)


def test_no_other_members_title_is_read(busy, member, other_member):
    with CaptureQueriesContext(connection) as queries:
        known, own = prefetch_space(busy, WEEK, member=other_member)
    assert [booking.title for booking in own] == ["Theirs"]
    # Theirs, the member's two, last week's buffer and next week's first booking, within a
    # buffer of the week: holds, whoever made them.
    assert len(known.holds[busy.pk]) == 5
    # The holds query reads a title only where the booker is the one asking.
    (holds_sql,) = [query["sql"] for query in queries if "blocked_until" in query["sql"]]
    assert '"title"' not in holds_sql.replace('THEN "bookings_booking"."title"', "")


@pytest.mark.parametrize("visitor", [None, "anonymous"])
def test_a_visitor_owns_nothing(busy, visitor):
    from django.contrib.auth.models import AnonymousUser

    _known, own = prefetch_space(
        busy, WEEK, member=AnonymousUser() if visitor == "anonymous" else None
    )
    assert own == []


def test_a_desk_pools_seats_are_counted_as_the_prefetch_counts_them(venue, member, other_member):
    pool = _space(DeskPoolFactory(venue=venue, slug="desks", seats=3, capacity=3))
    for n in range(3):
        BookingFactory(
            space=pool, booker=member if n == 1 else other_member, starts_at=at(1, 9 + n // 2)
        )
    known, own = prefetch_space(pool, WEEK, member=member)
    assert seats_taken(pool, WEEK, known=known) == seats_taken(pool, WEEK)
    assert len(own) == 1


@pytest.mark.parametrize("sunday", [date(2026, 3, 29), date(2026, 10, 25)])
def test_a_week_over_a_clock_change_answers_as_the_prefetch(venue, room, member, sunday):
    space = _space(room)
    monday = sunday - timedelta(days=6)
    week = Interval(
        wall_time_to_utc(monday, time(0), venue.zone),
        wall_time_to_utc(monday + timedelta(days=7), time(0), venue.zone),
    )
    BookingFactory(space=space, booker=member, starts_at=week.end - timedelta(hours=15))
    known, own = prefetch_space(space, week, member=member)
    many = prefetch([space], week)
    assert venue_opening(venue, week, known.open) == venue_opening(venue, week, many.open)
    now = week.start - timedelta(days=1)
    assert free_intervals(space, week, now=now, known=known) == free_intervals(
        space, week, now=now, known=many
    )
    assert len(own) == 1
