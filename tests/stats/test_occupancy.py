"""Hand-computed occupancy figures. The factory venue is open 09:00–17:00 every day in Europe/London;
in January London is on UTC, so the UTC times below are also the wall-clock times."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bookings.models import Booking
from members.models import Organisation
from stats.figures import INDIVIDUAL
from stats.occupancy import compute_stats
from stats.periods import Period
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    DeskPoolFactory,
    MemberFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 1, 5)
ONE_DAY = Period(TUESDAY, TUESDAY)


def at(hour: int, minute: int = 0, day: date = TUESDAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def book(space, start: datetime, end: datetime, **extra) -> Booking:
    return BookingFactory(space=space, starts_at=start, ends_at=end, **extra)


def test_a_booking_running_past_closing_time_counts_only_until_closing(venue, room):
    book(room, at(15), at(18))

    stats = compute_stats(venue, ONE_DAY)

    use = stats.by_space[room.pk]
    assert use.open_hours == pytest.approx(8)
    assert use.booked_hours == pytest.approx(2)
    assert use.spare_hours == pytest.approx(6)
    assert use.occupancy == pytest.approx(25)


def test_a_closure_in_the_middle_of_the_day_removes_that_time_from_open_and_booked_hours(
    venue, room
):
    ClosureFactory(venue=venue, starts_at=at(12), ends_at=at(14))
    book(room, at(11), at(15))

    use = compute_stats(venue, ONE_DAY).by_space[room.pk]

    assert use.open_hours == pytest.approx(6)
    assert use.booked_hours == pytest.approx(2)  # 11–12 and 14–15
    assert use.occupancy == pytest.approx(100 * 2 / 6)


def test_a_closure_of_another_space_does_not_touch_this_one(venue, room):
    other = SpaceFactory(venue=venue, name="Hall", slug="hall")
    ClosureFactory(venue=venue, space=other, starts_at=at(9), ends_at=at(17))

    stats = compute_stats(venue, ONE_DAY)

    assert stats.by_space[room.pk].open_hours == pytest.approx(8)
    assert stats.by_space[other.pk].open_hours == 0
    assert stats.by_space[other.pk].occupancy == 0


def test_spaces_sharing_the_venues_open_time_keep_their_own_bookings(venue, room):
    """Spaces with no closure of their own share one cut of the venue's open time (a speed-up)."""
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    ClosureFactory(venue=venue, space=hall, starts_at=at(9), ends_at=at(13))
    book(room, at(9), at(10))
    book(hall, at(12), at(15))  # 12–13 falls in the hall's closure
    book(studio, at(10), at(12))

    stats = compute_stats(venue, ONE_DAY)

    assert stats.by_space[room.pk].booked_hours == pytest.approx(1)
    assert stats.by_space[hall.pk].booked_hours == pytest.approx(2)
    assert stats.by_space[hall.pk].open_hours == pytest.approx(4)
    assert stats.by_space[studio.pk].booked_hours == pytest.approx(2)
    assert stats.by_space[studio.pk].open_hours == pytest.approx(8)
    assert stats.heatmap[(1, 10)].booked_hours == pytest.approx(1)  # Tuesday 10:00: the studio


def test_a_desk_pool_with_three_of_five_seats_taken_half_the_day_is_thirty_percent_occupied(venue):
    pool = DeskPoolFactory(venue=venue, seats=5)
    for _ in range(3):
        book(pool, at(9), at(13))

    use = compute_stats(venue, ONE_DAY).by_space[pool.pk]

    assert use.open_hours == pytest.approx(8)
    assert use.capacity_hours == pytest.approx(40)
    assert use.booked_hours == pytest.approx(12)
    assert use.spare_hours == pytest.approx(28)
    assert use.occupancy == pytest.approx(30)


def test_venue_occupancy_weighs_a_desk_pool_by_its_seats(venue, room):
    pool = DeskPoolFactory(venue=venue, seats=5)
    for _ in range(3):
        book(pool, at(9), at(13))
    book(room, at(9), at(17))

    total = compute_stats(venue, ONE_DAY).total

    assert total.capacity_hours == pytest.approx(48)  # 40 seat-hours + 8 room hours
    assert total.booked_hours == pytest.approx(20)
    assert total.occupancy == pytest.approx(100 * 20 / 48)


def _night_venue():
    """Open 00:00–04:00 every day: the hours the clocks change in."""
    venue = VenueFactory(name="Night Lab", slug="night-lab", open_every_day=False)
    for weekday in range(7):
        OpeningHoursFactory(venue=venue, weekday=weekday, opens=time(0), closes=time(4))
    return venue


def test_the_spring_forward_day_has_three_open_hours_and_can_be_fully_booked():
    venue = _night_venue()
    room = SpaceFactory(venue=venue)
    day = date(2026, 3, 29)
    # 00:00 GMT is 00:00 UTC; 04:00 BST is 03:00 UTC.
    book(room, datetime(2026, 3, 29, 0, tzinfo=UTC), datetime(2026, 3, 29, 3, tzinfo=UTC))

    stats = compute_stats(venue, Period(day, day))

    use = stats.by_space[room.pk]
    assert use.open_hours == pytest.approx(3)
    assert use.booked_hours == pytest.approx(3)
    assert use.occupancy == pytest.approx(100)
    assert sorted(hour for _weekday, hour in stats.heatmap) == [0, 2, 3]  # 01:00 does not exist


def test_the_fall_back_day_has_five_open_hours_and_the_repeated_hour_counts_twice():
    venue = _night_venue()
    room = SpaceFactory(venue=venue)
    day = date(2026, 10, 25)
    # 00:00 BST is 23:00 UTC the day before; 04:00 GMT is 04:00 UTC.
    book(room, datetime(2026, 10, 24, 23, tzinfo=UTC), datetime(2026, 10, 25, 2, tzinfo=UTC))

    stats = compute_stats(venue, Period(day, day))

    use = stats.by_space[room.pk]
    assert use.open_hours == pytest.approx(5)
    assert use.booked_hours == pytest.approx(3)
    assert use.occupancy == pytest.approx(60)
    assert stats.daily[(day, room.pk)].open_hours == pytest.approx(5)
    assert stats.heatmap[(6, 1)].open_hours == pytest.approx(2)  # Sunday 01:00 happened twice
    assert stats.heatmap[(6, 1)].booked_hours == pytest.approx(2)


def test_cancelled_declined_and_pending_bookings_are_not_use_but_are_counted_beside_it(venue, room):
    book(room, at(9), at(10))
    book(room, at(10), at(11), status=Booking.Status.PENDING)
    book(room, at(11), at(12), status=Booking.Status.CANCELLED)
    book(room, at(12), at(13), status=Booking.Status.DECLINED)

    stats = compute_stats(venue, ONE_DAY)

    assert stats.total.booked_hours == pytest.approx(1)
    assert stats.hirings == 1
    assert stats.pending == 1
    assert stats.cancelled == 1
    assert stats.declined == 1
    assert stats.cancellation_rate == pytest.approx(50)  # 1 cancelled of 1 confirmed + 1 cancelled


def test_each_occurrence_of_a_weekly_series_is_one_hiring(venue, room):
    for week in range(3):
        day = TUESDAY + timedelta(weeks=week)
        book(room, at(10, day=day), at(12, day=day), attendees=8)

    stats = compute_stats(venue, Period(TUESDAY, TUESDAY + timedelta(days=20)))

    assert stats.hirings == 3
    assert stats.participant_visits == 24
    assert stats.total.booked_hours == pytest.approx(6)
    assert stats.total.open_hours == pytest.approx(21 * 8)


def test_a_venue_without_spaces_or_bookings_reports_zero_without_dividing_by_zero():
    empty = VenueFactory(name="Empty", slug="empty")
    stats = compute_stats(empty, ONE_DAY)
    assert stats.total.occupancy == 0
    assert stats.cancellation_rate == 0

    room = SpaceFactory(venue=empty)
    stats = compute_stats(empty, ONE_DAY)
    assert stats.total.open_hours == pytest.approx(8)
    assert stats.total.booked_hours == 0
    assert stats.by_space[room.pk].occupancy == 0
    assert stats.total.peak_occupancy == 0


def test_a_closed_venue_has_zero_open_hours_and_zero_occupancy(room, venue):
    ClosureFactory(venue=venue, starts_at=at(0), ends_at=at(0) + timedelta(days=1))
    book(room, at(10), at(11))

    use = compute_stats(venue, ONE_DAY).total

    assert use.open_hours == 0
    assert use.booked_hours == 0
    assert use.occupancy == 0


def test_peak_and_off_peak_are_split_at_the_venues_peak_hours(venue, room):
    venue.peak_starts, venue.peak_ends = time(12), time(14)
    venue.save()
    book(room, at(11), at(15))

    total = compute_stats(venue, ONE_DAY).total

    assert total.peak_capacity_hours == pytest.approx(2)
    assert total.peak_booked_hours == pytest.approx(2)
    assert total.offpeak_capacity_hours == pytest.approx(6)
    assert total.offpeak_booked_hours == pytest.approx(2)
    assert total.peak_occupancy == pytest.approx(100)
    assert total.offpeak_occupancy == pytest.approx(100 * 2 / 6)
    assert total.peak_spare_hours == 0
    assert total.offpeak_spare_hours == pytest.approx(4)


def test_peak_hours_that_start_on_the_half_hour_split_a_booking_correctly(venue, room):
    venue.peak_starts, venue.peak_ends = time(9, 30), time(16, 30)
    venue.save()
    book(room, at(9), at(10))

    total = compute_stats(venue, ONE_DAY).total

    assert total.peak_booked_hours == pytest.approx(0.5)
    assert total.offpeak_booked_hours == pytest.approx(0.5)


def test_hirers_are_told_apart_new_from_returning_with_their_kind_activity_and_district(
    venue, room
):
    charity = OrganisationFactory(kind=Organisation.Kind.CHARITY, postcode_district="b16")
    business = OrganisationFactory(kind=Organisation.Kind.BUSINESS, postcode_district="B1")
    freelancer = MemberFactory()
    book(room, at(10, day=date(2026, 12, 1)), at(11, day=date(2026, 12, 1)), organisation=charity)
    book(room, at(9), at(11), organisation=charity, activity=Booking.Activity.HEALTH, attendees=12)
    book(room, at(11), at(12), organisation=charity, activity=Booking.Activity.HEALTH, attendees=10)
    book(
        room,
        at(12),
        at(15),
        organisation=business,
        activity=Booking.Activity.ENTERPRISE,
        attendees=4,
    )
    book(room, at(15), at(17), booker=freelancer)
    book(room, at(8), at(9), booker=freelancer)  # before opening: a hiring, but no booked hours

    stats = compute_stats(venue, ONE_DAY)

    assert stats.hirings == 5
    assert stats.hirers == 3
    assert stats.returning_hirers == 1
    assert stats.new_hirers == 2
    assert stats.participant_visits == 12 + 10 + 4 + 1 + 1
    assert stats.by_kind["charity"].room_hours == pytest.approx(3)
    assert stats.by_kind["charity"].hirings == 2
    assert stats.by_kind["business"].room_hours == pytest.approx(3)
    assert stats.by_kind[INDIVIDUAL].room_hours == pytest.approx(2)
    assert stats.by_kind[INDIVIDUAL].hirings == 2
    assert stats.by_activity["health"].room_hours == pytest.approx(3)
    assert stats.by_activity["health"].participant_visits == 22
    assert stats.by_activity[""].room_hours == pytest.approx(2)
    assert stats.hirers_by_district == {"B1": 1, "B16": 1, "Not given": 1}
    assert stats.kind_by_month[(date(2027, 1, 1), "charity")] == pytest.approx(3)


def test_a_booking_across_local_midnight_is_split_between_the_days():
    venue = VenueFactory(name="All hours", slug="all-hours", open_every_day=False)
    for weekday in range(7):
        OpeningHoursFactory(venue=venue, weekday=weekday, opens=time(0), closes=time(23, 59))
    room = SpaceFactory(venue=venue)
    book(room, at(22), at(2, day=TUESDAY + timedelta(days=1)))

    stats = compute_stats(venue, Period(TUESDAY, TUESDAY + timedelta(days=1)))

    assert stats.daily[(TUESDAY, room.pk)].booked_hours == pytest.approx(1 + 59 / 60)
    assert stats.daily[(TUESDAY + timedelta(days=1), room.pk)].booked_hours == pytest.approx(2)


def test_the_average_week_is_compared_with_the_managers_baseline(venue, room):
    venue.baseline_weekly_hours = Decimal("6.0")
    venue.save()
    for day in range(14):
        book(
            room,
            at(9, day=TUESDAY + timedelta(days=day)),
            at(12, day=TUESDAY + timedelta(days=day)),
        )

    stats = compute_stats(venue, Period(TUESDAY, TUESDAY + timedelta(days=13)))

    assert stats.weekly_room_hours == pytest.approx(21)
    assert stats.baseline_weekly_hours == Decimal("6.0")


def test_the_stats_of_one_space_leave_the_others_out(venue, room):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    book(room, at(9), at(10))
    book(hall, at(9), at(17))

    stats = compute_stats(venue, ONE_DAY, space=room)

    assert stats.total.booked_hours == pytest.approx(1)
    assert stats.hirings == 1
    assert list(stats.by_space) == [room.pk]


def test_a_venue_in_a_half_hour_zone_counts_whole_local_hours():
    venue = VenueFactory(name="Pune", slug="pune", time_zone="Asia/Kolkata")
    room = SpaceFactory(venue=venue)
    # 10:00–11:30 in Kolkata (UTC+05:30) is 04:30–06:00 UTC.
    book(room, at(4, 30), at(6))

    stats = compute_stats(venue, ONE_DAY)

    assert stats.total.open_hours == pytest.approx(8)
    assert stats.total.booked_hours == pytest.approx(1.5)
    assert sorted(hour for _weekday, hour in stats.heatmap) == list(range(9, 17))
    assert stats.heatmap[(1, 10)].booked_hours == pytest.approx(1)
    assert stats.heatmap[(1, 11)].booked_hours == pytest.approx(0.5)


# Before and after: use recorded before the venue opened for sharing -------------------------

OPENED = date(2027, 3, 1)
MARCH = Period(OPENED, date(2027, 3, 31))


@pytest.fixture
def weekly_before_opening(venue, room):
    """Opened for sharing on 1 March 2027; a 2-hour booking every Tuesday from 5 January before that."""
    venue.opened_for_sharing_on = OPENED
    venue.save()
    for week in range(8):  # 5 Jan ... 23 Feb
        day = TUESDAY + timedelta(weeks=week)
        book(room, at(10, day=day), at(12, day=day))
    cancelled_day = date(2027, 2, 24)
    book(
        room, at(10, day=cancelled_day), at(16, day=cancelled_day), status=Booking.Status.CANCELLED
    )


def test_use_before_sharing_is_measured_over_as_many_days_just_before_opening(
    venue, weekly_before_opening
):
    stats = compute_stats(venue, MARCH, with_before=True)

    # 31 days before 1 March: 29 Jan to 28 Feb, with the Tuesdays of 2, 9, 16 and 23 Feb.
    assert stats.before.period == Period(date(2027, 1, 29), date(2027, 2, 28))
    assert stats.before.total.booked_hours == pytest.approx(8)  # the cancelled 6 hours are not use
    assert stats.before.weekly_room_hours == pytest.approx(8 * 7 / 31)


def test_a_long_period_looks_back_no_further_than_the_first_recorded_booking(
    venue, weekly_before_opening
):
    stats = compute_stats(venue, Period(OPENED, date(2028, 2, 29)), with_before=True)

    # A year back would reach March 2026; the record starts on 5 January 2027.
    assert stats.before.period == Period(TUESDAY, date(2027, 2, 28))
    assert stats.before.weekly_room_hours == pytest.approx(16 * 7 / 55)


def test_nothing_is_compared_for_a_period_before_opening_or_without_records(venue, room):
    venue.opened_for_sharing_on = OPENED
    venue.save()
    book(room, at(10, day=date(2027, 3, 2)), at(12, day=date(2027, 3, 2)))  # after opening only
    assert compute_stats(venue, MARCH, with_before=True).before is None
    book(room, at(10), at(12))  # recorded before opening
    assert (
        compute_stats(venue, Period(date(2027, 2, 1), date(2027, 3, 31)), with_before=True).before
        is None
    )
    assert compute_stats(venue, MARCH).before is None  # only asked for by the stats pages
    venue.opened_for_sharing_on = None
    venue.save()
    assert compute_stats(venue, MARCH, with_before=True).before is None


def test_the_before_and_after_chart_shows_the_estimate_the_record_and_the_period(
    venue, weekly_before_opening
):
    from stats.charts import before_and_after

    venue.baseline_weekly_hours = Decimal("6.0")
    venue.save()
    for day in (2, 9):  # two 3-hour bookings in March
        book(venue.spaces.get(), at(9, day=date(2027, 3, day)), at(12, day=date(2027, 3, day)))

    chart = before_and_after(compute_stats(venue, MARCH, with_before=True))

    assert "Recorded before sharing (29 Jan 2027 – 28 Feb 2027)" in chart.svg
    assert chart.summary == (
        "In this period the rooms were booked 1.4 hours in an average week; the managers estimate"
        " their rooms' use before sharing at about 6.0 hours a week; room bookings recorded before"
        " sharing come to 1.8 hours a week."
    )
