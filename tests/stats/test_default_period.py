from datetime import date

import pytest

from stats.periods import Period, default_period, last_complete_months

TODAY = date(2026, 12, 1)


def test_the_last_three_complete_months_end_before_this_month():
    assert last_complete_months(TODAY) == Period(date(2026, 9, 1), date(2026, 11, 30))
    assert last_complete_months(date(2027, 2, 15)) == Period(date(2026, 11, 1), date(2027, 1, 31))


@pytest.mark.parametrize(
    ("opened", "first_booking", "period", "reason"),
    [
        # Records older than three months: the last three complete months.
        (None, date(2025, 5, 1), Period(date(2026, 9, 1), date(2026, 11, 30)), "months"),
        (
            date(2026, 9, 1),
            date(2026, 8, 20),
            Period(date(2026, 9, 1), date(2026, 11, 30)),
            "months",
        ),
        # Records started three weeks ago: those three weeks, up to yesterday.
        (
            None,
            date(2026, 11, 10),
            Period(date(2026, 11, 10), date(2026, 11, 30)),
            "since_first_booking",
        ),
        # Bookings recorded before the opening day are the "before"; the period starts on opening.
        (
            date(2026, 10, 15),
            date(2026, 3, 1),
            Period(date(2026, 10, 15), date(2026, 11, 30)),
            "since_opening",
        ),
        # Opened long ago, but nothing recorded until recently: not-yet-recorded days are not empty.
        (
            date(2020, 1, 1),
            date(2026, 11, 20),
            Period(date(2026, 11, 20), date(2026, 11, 30)),
            "since_first_booking",
        ),
        # Nothing recorded before today.
        (None, None, Period(date(2026, 9, 1), date(2026, 11, 30)), "nothing_recorded"),
        (None, date(2026, 12, 1), Period(date(2026, 9, 1), date(2026, 11, 30)), "nothing_recorded"),
        (
            date(2027, 1, 1),
            date(2026, 3, 1),
            Period(date(2026, 9, 1), date(2026, 11, 30)),
            "nothing_recorded",
        ),
    ],
)
def test_the_default_period_is_the_most_recent_complete_period_with_records(
    opened, first_booking, period, reason
):
    default = default_period(today=TODAY, opened_on=opened, first_booking_on=first_booking)

    assert (default.period, default.reason) == (period, reason)
    assert default.period.last < TODAY
