"""A series' rule: written as a django-scheduler Rule and Event, its dates read back in the venue's zone."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil import rrule

from bookings import mirror, recurrence
from bookings.models import Series
from bookings.rules import BookingError
from bookings.series import new_series

LONDON = ZoneInfo("Europe/London")


def _series(room, member, **kwargs) -> Series:
    kwargs.setdefault("starts_on", dt.date(2027, 3, 2))
    kwargs.setdefault("start_time", time(18))
    kwargs.setdefault("duration", timedelta(hours=2))
    kwargs.setdefault("frequency", Series.Frequency.WEEKLY)
    kwargs.setdefault("count", 10)
    return new_series(space=room, booker=member, title="Choir practice", **kwargs)


def _local(series: Series) -> list[datetime]:
    return [date.local_start.replace(tzinfo=None) for date in recurrence.planned_dates(series)]


def test_a_weekly_18_00_stays_18_00_across_the_spring_clock_change(room, member):
    dates = recurrence.planned_dates(_series(room, member, count=6))
    assert [d.local_start.time() for d in dates] == [time(18)] * 6
    utc = [d.starts_at.astimezone(UTC).hour for d in dates]
    # 2, 9, 16, 23 March on GMT; 30 March and 6 April on BST (clocks went forward on the 28th).
    assert utc == [18, 18, 18, 18, 17, 17]


def test_a_weekly_18_00_stays_18_00_across_the_autumn_clock_change(room, member):
    # The clocks go back on Sunday 31 October 2027.
    series = _series(room, member, starts_on=dt.date(2027, 10, 26), count=3)
    dates = recurrence.planned_dates(series)
    assert [d.local_start.date() for d in dates] == [
        dt.date(2027, 10, 26),
        dt.date(2027, 11, 2),
        dt.date(2027, 11, 9),
    ]
    assert [d.local_start.hour for d in dates] == [18, 18, 18]
    assert [d.starts_at.astimezone(UTC).hour for d in dates] == [17, 18, 18]
    assert all(d.ends_at - d.starts_at == timedelta(hours=2) for d in dates)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"frequency": Series.Frequency.DAILY, "count": 3},
            [datetime(2027, 3, 2, 18), datetime(2027, 3, 3, 18), datetime(2027, 3, 4, 18)],
        ),
        (
            {"frequency": Series.Frequency.WEEKLY, "interval": 2, "count": 3},
            [datetime(2027, 3, 2, 18), datetime(2027, 3, 16, 18), datetime(2027, 3, 30, 18)],
        ),
        (
            {"frequency": Series.Frequency.WEEKLY, "until": dt.date(2027, 3, 16), "count": None},
            [datetime(2027, 3, 2, 18), datetime(2027, 3, 9, 18), datetime(2027, 3, 16, 18)],
        ),
        (
            # The 2nd Tuesday of each month.
            {"starts_on": dt.date(2027, 3, 9), "frequency": Series.Frequency.MONTHLY_WEEKDAY},
            [datetime(2027, m, d, 18) for m, d in ((3, 9), (4, 13), (5, 11))],
        ),
        (
            # The last Friday of each month.
            {
                "starts_on": dt.date(2027, 1, 29),
                "frequency": Series.Frequency.MONTHLY_WEEKDAY,
                "week_of_month": -1,
            },
            [datetime(2027, m, d, 18) for m, d in ((1, 29), (2, 26), (3, 26))],
        ),
        (
            {"starts_on": dt.date(2027, 3, 15), "frequency": Series.Frequency.MONTHLY_DATE},
            [datetime(2027, m, 15, 18) for m in (3, 4, 5)],
        ),
    ],
)
def test_each_kind_of_rule_gives_its_dates(room, member, kwargs, expected):
    kwargs.setdefault("count", 3)
    assert _local(_series(room, member, **kwargs)) == expected


def test_monthly_on_the_31st_skips_the_months_without_one_and_says_which(room, member):
    series = _series(
        room, member, starts_on=dt.date(2027, 1, 31), frequency=Series.Frequency.MONTHLY_DATE
    )
    planned = recurrence.planned_dates(series)
    assert [d.local_start.date() for d in planned] == [
        dt.date(2027, 1, 31),
        dt.date(2027, 3, 31),
        dt.date(2027, 5, 31),
        dt.date(2027, 7, 31),
        dt.date(2027, 8, 31),
        dt.date(2027, 10, 31),
        dt.date(2027, 12, 31),
        dt.date(2028, 1, 31),
        dt.date(2028, 3, 31),
        dt.date(2028, 5, 31),
    ]
    assert recurrence.skipped_months(series, planned)[:3] == [
        dt.date(2027, 2, 1),
        dt.date(2027, 4, 1),
        dt.date(2027, 6, 1),
    ]


def test_the_saved_scheduler_event_and_plain_dateutil_give_the_same_dates(db, room, member):
    series = _series(room, member, count=30)
    series.save()
    mirror.add_series_event(series)
    series.save()
    event = series.event
    event.refresh_from_db()
    assert event.rule.params == "interval:1;count:30"
    ours = [d.starts_at for d in recurrence.planned_dates(series, event)]
    # django-scheduler's own occurrences, asked for in the venue's zone.
    window = (datetime(2027, 3, 1, tzinfo=LONDON), datetime(2027, 12, 31, tzinfo=LONDON))
    theirs = [occurrence.start for occurrence in event.get_occurrences(*window)]
    # dateutil, given the same parameters, over wall-clock times.
    plain = [
        naive.replace(tzinfo=LONDON)
        for naive in rrule.rrule(rrule.WEEKLY, dtstart=datetime(2027, 3, 2, 18), count=30)
    ]
    assert ours == theirs == plain
    assert {o.astimezone(LONDON).hour for o in ours} == {18}


def test_a_time_that_does_not_exist_that_day_is_refused_for_that_date_alone(room, member):
    # 01:30 on Sunday 28 March 2027 does not exist in London (01:00 -> 02:00).
    series = _series(room, member, starts_on=dt.date(2027, 3, 21), start_time=time(1, 30), count=3)
    dates = recurrence.planned_dates(series)
    assert [d.starts_at is None for d in dates] == [False, True, False]
    assert "does not exist" in dates[1].reason


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"count": None}, "ends"),
        ({"count": 5, "until": dt.date(2027, 5, 1)}, "ends"),
        ({"interval": 0}, "interval"),
        ({"count": 201}, "count"),
        ({"count": None, "until": dt.date(2027, 3, 1)}, "until"),
        ({"duration": timedelta(0)}, "ends_at"),
    ],
)
def test_a_bad_rule_is_refused_with_the_field_it_is_about(room, member, kwargs, field):
    with pytest.raises(BookingError) as refused:
        _series(room, member, **kwargs)
    assert refused.value.field == field


def test_a_rule_of_more_than_200_dates_is_refused(room, member):
    series = _series(
        room, member, frequency=Series.Frequency.DAILY, count=None, until=dt.date(2027, 12, 31)
    )
    with pytest.raises(BookingError, match="more than 200 dates"):
        recurrence.planned_dates(series)
