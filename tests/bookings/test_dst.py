"""Daylight-saving days in Europe/London, and venues in other zones.

On 29 March 2026 the clocks go forward at 01:00 UTC (01:00 GMT becomes 02:00 BST): a 23-hour day.
On 25 October 2026 they go back at 01:00 UTC (02:00 BST becomes 01:00 GMT): a 25-hour day.
Opening hours are wall-clock times in the venue's zone; durations are real elapsed time.
"""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.availability import free_intervals
from bookings.services import BookingError
from spaces.intervals import Interval
from spaces.open_hours import opening_intervals
from spaces.timezones import NonexistentLocalTime, local_dates, resolve_local, wall_time_to_utc
from tests.bookings.conftest import assert_readable
from tests.factories import OpeningHours, SpaceFactory, VenueFactory

LONDON = ZoneInfo("Europe/London")
SPRING = datetime(2026, 3, 29)  # naive: a wall-clock date in London
AUTUMN = datetime(2026, 10, 25)
BEFORE = datetime(2026, 3, 1, tzinfo=UTC)  # "now" for every booking below


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def local(day: datetime, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    """The instant of a wall-clock time (the first one, if it happens twice)."""
    return resolve_local(day.replace(hour=hour, minute=minute), zone).instant


def local_day(day: datetime, zone: ZoneInfo = LONDON) -> Interval:
    """From local midnight to the next local midnight: 23, 24 or 25 hours."""
    return Interval(local(day, 0, zone=zone), local(day + timedelta(days=1), 0, zone=zone))


@pytest.fixture
def night_venue(db):
    """Open 00:00–04:00 every night: the hours the clocks change in."""
    venue = VenueFactory(name="Night shelter", open_every_day=False)
    OpeningHours.objects.bulk_create(
        OpeningHours(venue=venue, weekday=day, opens=time(0), closes=time(4)) for day in range(7)
    )
    return venue


# --- Wall-clock conversion ---------------------------------------------------------------------


def test_the_days_of_the_clock_changes_are_23_and_25_hours_long():
    assert local_day(SPRING).duration == timedelta(hours=23)
    assert local_day(AUTUMN).duration == timedelta(hours=25)


def test_a_time_in_the_spring_forward_gap_does_not_exist():
    with pytest.raises(NonexistentLocalTime) as caught:
        resolve_local(SPRING.replace(hour=1, minute=30), LONDON)
    assert (
        str(caught.value)
        == "01:30 does not exist on 29 March 2026 in Europe/London: the clocks go forward then."
    )


def test_the_edges_of_the_spring_gap_exist():
    assert resolve_local(SPRING.replace(hour=0, minute=59), LONDON).instant == utc(
        2026, 3, 29, 0, 59
    )
    assert resolve_local(SPRING.replace(hour=2), LONDON).instant == utc(2026, 3, 29, 1)


def test_the_repeated_autumn_hour_resolves_to_the_first_and_says_so():
    resolved = resolve_local(AUTUMN.replace(hour=1, minute=30), LONDON)
    assert resolved.instant == utc(2026, 10, 25, 0, 30)
    assert resolved.ambiguous is True


def test_an_ordinary_time_is_not_ambiguous():
    resolved = resolve_local(AUTUMN.replace(hour=9), LONDON)
    assert (resolved.instant, resolved.ambiguous) == (utc(2026, 10, 25, 9), False)


def test_resolve_local_takes_only_naive_times():
    with pytest.raises(ValueError):
        resolve_local(utc(2026, 3, 29, 9), LONDON)


def test_opening_hours_in_the_gap_move_forward_by_the_gap():
    assert wall_time_to_utc(SPRING.date(), time(1, 30), LONDON) == utc(
        2026, 3, 29, 1, 30
    )  # 02:30 BST


def test_local_dates_of_a_25_hour_day_is_that_one_day():
    day = local_day(AUTUMN)
    assert local_dates(day.start, day.end, LONDON) == [AUTUMN.date()]


# --- Opening hours on the change days --------------------------------------------------------


def test_a_nine_to_five_venue_opens_at_nine_local_on_both_change_days(venue):
    assert opening_intervals(venue, local_day(SPRING)) == [
        Interval(utc(2026, 3, 29, 8), utc(2026, 3, 29, 16))
    ]
    assert opening_intervals(venue, local_day(AUTUMN)) == [
        Interval(utc(2026, 10, 25, 9), utc(2026, 10, 25, 17))
    ]


def test_a_night_venue_is_open_three_real_hours_in_spring_and_five_in_autumn(night_venue):
    assert opening_intervals(night_venue, local_day(SPRING)) == [
        Interval(utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))
    ]
    assert opening_intervals(night_venue, local_day(AUTUMN)) == [
        Interval(utc(2026, 10, 24, 23), utc(2026, 10, 25, 4))
    ]


def test_booking_nine_to_five_local_on_both_change_days(book, venue):
    room = SpaceFactory(venue=venue)
    spring = book(room, local(SPRING, 9), local(SPRING, 17), now=BEFORE)
    autumn = book(room, local(AUTUMN, 9), local(AUTUMN, 17), now=BEFORE)
    assert (spring.starts_at, spring.ends_at) == (utc(2026, 3, 29, 8), utc(2026, 3, 29, 16))
    assert (autumn.starts_at, autumn.ends_at) == (utc(2026, 10, 25, 9), utc(2026, 10, 25, 17))


def test_booking_the_gmt_times_of_nine_to_five_on_the_spring_day_is_outside_opening_hours(
    book, venue
):
    room = SpaceFactory(venue=venue)
    with pytest.raises(BookingError) as caught:
        book(room, utc(2026, 3, 29, 16), utc(2026, 3, 29, 17), now=BEFORE)  # 17:00–18:00 BST
    assert "not open" in caught.value.message


# --- Durations are real elapsed time ---------------------------------------------------------


def test_a_local_midnight_to_three_booking_lasts_two_real_hours_in_spring_and_four_in_autumn(
    book, night_venue
):
    room = SpaceFactory(venue=night_venue)
    spring = book(room, local(SPRING, 0), local(SPRING, 3), now=BEFORE)
    autumn = book(room, local(AUTUMN, 0), local(AUTUMN, 3), now=BEFORE)
    assert spring.ends_at - spring.starts_at == timedelta(hours=2)
    assert autumn.ends_at - autumn.starts_at == timedelta(hours=4)


def test_max_duration_counts_real_time_so_midnight_to_three_on_the_autumn_night_is_too_long_for_a_three_hour_limit(
    book, night_venue, nothing_written
):
    room = SpaceFactory(venue=night_venue, name="Quiet room", max_duration=timedelta(hours=3))
    with pytest.raises(BookingError) as caught:
        book(room, local(AUTUMN, 0), local(AUTUMN, 3), now=BEFORE)
    assert_readable(caught.value.message)
    assert caught.value.message == (
        "Quiet room can be booked for at most 3 h at a time. The clocks change during that time, so it lasts 4 h."
    )
    nothing_written()


def test_max_duration_counts_real_time_so_midnight_to_four_on_the_spring_night_fits_a_three_hour_limit(
    book, night_venue
):
    room = SpaceFactory(venue=night_venue, max_duration=timedelta(hours=3))
    booking = book(room, local(SPRING, 0), local(SPRING, 4), now=BEFORE)
    assert booking.ends_at - booking.starts_at == timedelta(hours=3)


def test_min_duration_counts_real_time_so_midnight_to_two_local_on_the_spring_night_is_one_hour(
    book, night_venue
):
    room = SpaceFactory(
        venue=night_venue, min_duration=timedelta(hours=2), slot_step=timedelta(hours=1)
    )
    with pytest.raises(BookingError) as caught:
        book(
            room, local(SPRING, 0), local(SPRING, 2), now=BEFORE
        )  # 00:00 GMT – 02:00 BST: one hour
    assert "at least 2 h" in caught.value.message


# --- Slot steps ------------------------------------------------------------------------------


def test_slot_steps_are_counted_on_the_wall_clock_across_the_spring_gap(book, night_venue):
    room = SpaceFactory(venue=night_venue, slot_step=timedelta(minutes=30))
    booking = book(
        room, local(SPRING, 0, 30), local(SPRING, 2, 30), now=BEFORE
    )  # 00:30 GMT – 02:30 BST
    assert booking.ends_at - booking.starts_at == timedelta(hours=1)


def test_slot_steps_are_counted_on_the_wall_clock_in_the_repeated_autumn_hour(book, night_venue):
    room = SpaceFactory(
        venue=night_venue, slot_step=timedelta(hours=1), min_duration=timedelta(hours=1)
    )
    first = book(
        room, utc(2026, 10, 25, 0), utc(2026, 10, 25, 1), now=BEFORE
    )  # 01:00 BST – 01:00 GMT
    second = book(
        room, utc(2026, 10, 25, 1), utc(2026, 10, 25, 2), now=BEFORE
    )  # 01:00 GMT – 02:00 GMT
    assert second.starts_at == first.ends_at


def test_a_start_off_the_slot_step_is_refused_on_both_change_days(book, night_venue):
    room = SpaceFactory(
        venue=night_venue, slot_step=timedelta(hours=1), min_duration=timedelta(hours=1)
    )
    for day in (SPRING, AUTUMN):
        with pytest.raises(BookingError) as caught:
            book(room, local(day, 0, 30), local(day, 0, 30) + timedelta(hours=1), now=BEFORE)
        assert "1 h steps" in caught.value.message


# --- free_intervals ------------------------------------------------------------------------


def test_free_intervals_on_the_spring_day(book, venue, night_venue):
    room = SpaceFactory(venue=venue)
    book(room, local(SPRING, 12), local(SPRING, 13), now=BEFORE)
    assert free_intervals(room, local_day(SPRING), now=BEFORE) == [
        Interval(utc(2026, 3, 29, 8), utc(2026, 3, 29, 11)),
        Interval(utc(2026, 3, 29, 12), utc(2026, 3, 29, 16)),
    ]
    night = SpaceFactory(venue=night_venue)
    assert free_intervals(night, local_day(SPRING), now=BEFORE) == [
        Interval(utc(2026, 3, 29, 0), utc(2026, 3, 29, 3))
    ]


def test_free_intervals_on_the_autumn_day(book, venue, night_venue):
    room = SpaceFactory(venue=venue)
    book(room, local(AUTUMN, 12), local(AUTUMN, 13), now=BEFORE)
    assert free_intervals(room, local_day(AUTUMN), now=BEFORE) == [
        Interval(utc(2026, 10, 25, 9), utc(2026, 10, 25, 12)),
        Interval(utc(2026, 10, 25, 13), utc(2026, 10, 25, 17)),
    ]
    night = SpaceFactory(venue=night_venue)
    book(
        night, utc(2026, 10, 25, 0), utc(2026, 10, 25, 1), now=BEFORE
    )  # the first 01:00–02:00 (BST)
    assert free_intervals(night, local_day(AUTUMN), now=BEFORE) == [
        Interval(utc(2026, 10, 24, 23), utc(2026, 10, 25, 0)),
        Interval(utc(2026, 10, 25, 1), utc(2026, 10, 25, 4)),
    ]


# --- Other zones -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "opens_utc", "closes_utc"),
    [
        ("America/New_York", utc(2027, 1, 5, 14), utc(2027, 1, 5, 22)),  # EST, UTC-5
        ("Australia/Sydney", utc(2027, 1, 4, 22), utc(2027, 1, 5, 6)),  # AEDT, UTC+11
        ("Asia/Kolkata", utc(2027, 1, 5, 3, 30), utc(2027, 1, 5, 11, 30)),  # IST, UTC+5:30
    ],
)
def test_a_venue_in_another_zone_is_open_on_its_own_wall_clock(book, zone, opens_utc, closes_utc):
    venue = VenueFactory(time_zone=zone)
    room = SpaceFactory(venue=venue, max_duration=timedelta(hours=8))
    day = local_day(datetime(2027, 1, 5), ZoneInfo(zone))
    now = utc(2027, 1, 1)
    assert free_intervals(room, day, now=now) == [Interval(opens_utc, closes_utc)]
    booking = book(room, opens_utc, opens_utc + timedelta(hours=1), now=now)
    assert booking.local_starts_at.time() == time(9)
    with pytest.raises(BookingError):  # the hour after closing there
        book(room, closes_utc, closes_utc + timedelta(hours=1), now=now)
    assert room.bookings.count() == 1


def test_a_new_york_venue_follows_its_own_clock_change_not_londons(book):
    venue = VenueFactory(time_zone="America/New_York")
    room = SpaceFactory(venue=venue)
    # New York springs forward on 8 March 2026, three weeks before London.
    ny = ZoneInfo("America/New_York")
    assert opening_intervals(venue, local_day(datetime(2026, 3, 7), ny)) == [
        Interval(utc(2026, 3, 7, 14), utc(2026, 3, 7, 22))
    ]
    assert opening_intervals(venue, local_day(datetime(2026, 3, 9), ny)) == [
        Interval(utc(2026, 3, 9, 13), utc(2026, 3, 9, 21))
    ]
    booking = book(room, utc(2026, 3, 9, 13), utc(2026, 3, 9, 14), now=utc(2026, 3, 1))
    assert booking.local_starts_at.time() == time(9)
