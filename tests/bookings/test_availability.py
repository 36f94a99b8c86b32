"""free_intervals: one answer to "when could this space be booked?", for the grid, the API and feeds.

Tuesday 5 January 2027 in London (GMT, local == UTC); NOW is Monday 4 January, 08:00.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.availability import free_intervals, seats_taken, venue_free_intervals
from bookings.models import Booking
from spaces.intervals import Interval
from spaces.models import CalendarImport, Unavailability
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    DeskPoolFactory,
    OpeningHoursFactory,
    SpaceFactory,
    VenueFactory,
)

DAY = datetime(2027, 1, 5, tzinfo=UTC)
TUESDAY = Interval(DAY, DAY + timedelta(days=1))
MONDAY = Interval(DAY - timedelta(days=1), DAY)


def at(hour: int, minute: int = 0, day: datetime = DAY) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


def iv(start: datetime, end: datetime) -> Interval:
    return Interval(start, end)


def test_a_free_day_is_the_opening_hours(room):
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(17))]


def test_the_answer_is_clipped_to_the_window(room):
    assert free_intervals(room, iv(at(10), at(12)), now=NOW) == [iv(at(10), at(12))]
    assert free_intervals(room, iv(at(18), at(20)), now=NOW) == []


def test_a_week_gives_one_interval_per_open_day(room):
    week = iv(DAY, DAY + timedelta(days=7))
    assert free_intervals(room, week, now=NOW) == [
        iv(at(9) + timedelta(days=n), at(17) + timedelta(days=n)) for n in range(7)
    ]


def test_several_opening_intervals_a_day_and_closed_days(db):
    venue = VenueFactory(open_every_day=False)
    OpeningHoursFactory(venue=venue, weekday=1, opens=time(9), closes=time(12))
    OpeningHoursFactory(venue=venue, weekday=1, opens=time(13), closes=time(17))
    room = SpaceFactory(venue=venue)
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(12)), iv(at(13), at(17))]
    assert free_intervals(room, iv(DAY + timedelta(days=1), DAY + timedelta(days=2)), now=NOW) == []


def test_a_venue_closure_is_taken_out(room, venue):
    ClosureFactory(venue=venue, starts_at=at(12), ends_at=at(14))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(12)), iv(at(14), at(17))]


def test_a_closure_of_another_space_or_venue_is_not_taken_out(room, venue):
    ClosureFactory(venue=venue, space=SpaceFactory(venue=venue), starts_at=at(12), ends_at=at(14))
    ClosureFactory(starts_at=at(10), ends_at=at(11))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(17))]


def test_a_closure_of_this_space_is_taken_out(room, venue):
    ClosureFactory(venue=venue, space=room, starts_at=at(8), ends_at=at(10))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(10), at(17))]


def test_imported_unavailability_is_taken_out(room, venue):
    source = CalendarImport.objects.create(venue=venue, name="Church services")
    Unavailability.objects.create(source=source, venue=venue, starts_at=at(16), ends_at=at(19))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(16))]


def test_active_bookings_are_taken_out_and_inactive_ones_are_not(room):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(11))
    BookingFactory(space=room, starts_at=at(13), ends_at=at(14), status=Booking.Status.PENDING)
    BookingFactory(space=room, starts_at=at(15), ends_at=at(16), status=Booking.Status.CANCELLED)
    BookingFactory(space=room, starts_at=at(16), ends_at=at(17), status=Booking.Status.DECLINED)
    assert free_intervals(room, TUESDAY, now=NOW) == [
        iv(at(9), at(10)),
        iv(at(11), at(13)),
        iv(at(14), at(17)),
    ]


def test_bookings_of_other_spaces_are_not_taken_out(room, venue):
    BookingFactory(space=SpaceFactory(venue=venue), starts_at=at(10), ends_at=at(11))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(17))]


def test_a_buffer_keeps_time_free_after_a_booking_and_before_it_for_the_new_bookings_own_buffer(
    venue,
):
    room = SpaceFactory(venue=venue, buffer_after=timedelta(minutes=30))
    BookingFactory(space=room, starts_at=at(12), ends_at=at(13))  # holds 12:00–13:30
    # A new booking may end by 11:30, so that its own 30-minute buffer ends when the other starts.
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(11, 30)), iv(at(13, 30), at(17))]


def test_the_buffer_stored_with_an_older_booking_is_the_one_that_counts(room):
    BookingFactory(space=room, starts_at=at(12), ends_at=at(13), blocked_until=at(14))
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(12)), iv(at(14), at(17))]


def test_a_booking_just_outside_the_window_still_blocks_through_its_buffer(venue):
    room = SpaceFactory(venue=venue, buffer_after=timedelta(hours=1))
    BookingFactory(space=room, starts_at=at(9), ends_at=at(10))  # holds until 11:00
    BookingFactory(space=room, starts_at=at(13), ends_at=at(14))  # a new booking must end by 12:00
    assert free_intervals(room, iv(at(10), at(12, 30)), now=NOW) == [iv(at(11), at(12))]


def test_a_desk_pool_is_free_until_every_seat_is_taken(venue):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2)
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(11))
    assert free_intervals(pool, TUESDAY, now=NOW) == [iv(at(9), at(17))]
    BookingFactory(space=pool, starts_at=at(10), ends_at=at(13))
    BookingFactory(space=pool, starts_at=at(12), ends_at=at(14))
    assert free_intervals(pool, TUESDAY, now=NOW) == [
        iv(at(9), at(10)),
        iv(at(11), at(12)),
        iv(at(13), at(17)),
    ]


def test_seats_taken_counts_the_seats_held_over_time(venue):
    pool = DeskPoolFactory(venue=venue, seats=5)
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(11))
    BookingFactory(space=pool, starts_at=at(10), ends_at=at(13))
    BookingFactory(space=pool, starts_at=at(10), ends_at=at(12), status=Booking.Status.CANCELLED)
    assert seats_taken(pool, TUESDAY) == [
        (iv(at(9), at(10)), 1),
        (iv(at(10), at(11)), 2),
        (iv(at(11), at(13)), 1),
    ]


def test_minimum_notice_moves_the_first_free_time(venue):
    room = SpaceFactory(venue=venue, min_notice=timedelta(hours=2))
    assert free_intervals(room, MONDAY, now=NOW) == [
        iv(at(10, day=MONDAY.start), at(17, day=MONDAY.start))
    ]


def test_time_already_past_is_not_free(room):
    assert free_intervals(room, MONDAY, now=at(12, 10, day=MONDAY.start)) == [
        iv(at(12, 10, day=MONDAY.start), at(17, day=MONDAY.start))
    ]
    assert free_intervals(room, MONDAY, now=at(18, day=MONDAY.start)) == []


def test_the_horizon_ends_the_free_time(venue):
    room = SpaceFactory(venue=venue, horizon=timedelta(days=1, hours=4))  # until Tuesday 12:00
    assert free_intervals(room, TUESDAY, now=NOW) == [iv(at(9), at(12))]
    room.horizon = timedelta(days=1)  # until Tuesday 08:00, before it opens
    assert free_intervals(room, TUESDAY, now=NOW) == []


def test_a_venues_free_time_covers_its_bookable_spaces_only(room, venue):
    inactive = SpaceFactory(venue=venue, is_active=False)
    other = SpaceFactory(venue=venue)
    BookingFactory(space=other, starts_at=at(9), ends_at=at(16))
    answer = venue_free_intervals(venue, TUESDAY, now=NOW)
    assert inactive not in answer
    assert answer == {room: [iv(at(9), at(17))], other: [iv(at(16), at(17))]}


@pytest.mark.parametrize("kind", ["room", "desk pool"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_bookings(venue, kind):
    space = SpaceFactory(venue=venue) if kind == "room" else DeskPoolFactory(venue=venue, seats=3)
    week = iv(DAY, DAY + timedelta(days=7))
    ClosureFactory(venue=venue, starts_at=at(12), ends_at=at(13))

    def count() -> int:
        fresh = type(space).objects.get(pk=space.pk)
        with CaptureQueriesContext(connection) as queries:
            free_intervals(fresh, week, now=NOW)
        return len(queries)

    BookingFactory(space=space, starts_at=at(9), ends_at=at(10))
    few = count()
    for n in range(1, 7):
        for hour in range(9, 17):
            BookingFactory(
                space=space,
                starts_at=at(hour) + timedelta(days=n),
                ends_at=at(hour + 1) + timedelta(days=n),
            )
    assert Booking.objects.filter(space=space).count() == 49
    assert count() == few
    assert (
        few <= 6
    )  # hours, their dated exceptions, closures, unavailability, bookings (+ the venue)
