"""Reporting periods: whole local days [first, last] in a venue's zone, and the picker that chooses them."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaces.intervals import Interval
from spaces.timezones import wall_time_to_utc

# Years outside this range are refused: they are typing mistakes, and date arithmetic near
# year 9999 overflows.
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A stats page covers at most about three years; open data at most 366 days.
MAX_PAGE_DAYS = 3 * 366
MAX_OPEN_DATA_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`, both included, in the venue's zone."""

    first: date
    last: date

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("A period ends before it starts")

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def window(self, zone: ZoneInfo) -> Interval:
        """The UTC instants from local midnight of `first` to local midnight after `last`."""
        return Interval(
            wall_time_to_utc(self.first, time(0), zone),
            wall_time_to_utc(self.last + timedelta(days=1), time(0), zone),
        )

    def dates(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.days)]


def period_containing(kind: str, day: date) -> Period:
    """The week (Monday first), month, quarter or year that contains `day`."""
    if kind == "week":
        first = day - timedelta(days=day.weekday())
        return Period(first, first + timedelta(days=6))
    if kind == "month":
        first = day.replace(day=1)
    elif kind == "quarter":
        first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == "year":
        return Period(date(day.year, 1, 1), date(day.year, 12, 31))
    else:
        raise ValueError(f"Unknown period kind {kind!r}")
    months = 1 if kind == "month" else 3
    following = date(
        first.year + (first.month - 1 + months) // 12, (first.month - 1 + months) % 12 + 1, 1
    )
    return Period(first, following - timedelta(days=1))


def _add_months(first: date, months: int) -> date:
    """The first of the month `months` after (or before, if negative) the month of `first`."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_complete_months(today: date, months: int = 3) -> Period:
    """The `months` whole calendar months before the month of `today`."""
    this_month = today.replace(day=1)
    return Period(_add_months(this_month, -months), this_month - timedelta(days=1))


@dataclass(frozen=True)
class DefaultPeriod:
    """The period a stats page opens on when none is asked for, and why (`reason`).

    Reasons: "months" (the last three complete months), "since_opening" / "since_first_booking"
    (every complete day since then, when that is shorter), "nothing_recorded" (no complete day
    with records yet: the last three complete months, which show opening hours only).
    """

    period: Period
    reason: str
    since: date | None = None


def default_period(
    *, today: date, opened_on: date | None, first_booking_on: date | None
) -> DefaultPeriod:
    """The most recent complete period with data: never today or later (not yet recorded), and
    never the days before the first booking or the opening day (nothing was recorded then)."""
    months = last_complete_months(today)
    if first_booking_on is None:
        return DefaultPeriod(months, "nothing_recorded")
    # Bookings recorded before the opening day are the "before" of before-and-after, not the
    # period itself.
    if opened_on is not None and opened_on > first_booking_on:
        since, reason = opened_on, "since_opening"
    else:
        since, reason = first_booking_on, "since_first_booking"
    yesterday = today - timedelta(days=1)
    if since <= months.first:
        return DefaultPeriod(months, "months")
    if since > yesterday:
        return DefaultPeriod(months, "nothing_recorded")
    return DefaultPeriod(Period(since, yesterday), reason, since)


def check_year(value: date) -> None:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise forms.ValidationError(
            _("Choose a date between the years %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )


class PeriodForm(forms.Form):
    """The period picker (a GET form). `period` is valid only after `is_valid()`."""

    KINDS = [
        ("week", gettext_lazy("Week")),
        ("month", gettext_lazy("Month")),
        ("quarter", gettext_lazy("Quarter")),
        ("year", gettext_lazy("Year")),
        ("custom", gettext_lazy("Custom dates")),
    ]

    kind = forms.ChoiceField(label=gettext_lazy("Period"), choices=KINDS, initial="month")
    on = forms.DateField(
        label=gettext_lazy("Containing the day"),
        required=False,
        validators=[check_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("For a week, month, quarter or year: any day inside it."),
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        validators=[check_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=gettext_lazy("To (included)"),
        required=False,
        validators=[check_year],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, today: date, max_days: int = MAX_PAGE_DAYS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.max_days = max_days
        self.period: Period | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        kind = data["kind"]  # a required field, and the form has no errors
        if kind == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(
                    _("For custom dates, give both the first and the last day.")
                )
            if end < start:
                self.add_error("end", _("The period must end on or after the day it starts."))
                return data
            if (end - start).days + 1 > self.max_days:
                self.add_error(
                    "end", _("Choose a period of at most %(days)d days.") % {"days": self.max_days}
                )
                return data
            self.period = Period(start, end)
        else:
            self.period = period_containing(kind, data.get("on") or self.today)
        return data


def parse_open_data_range(start: str | None, end: str | None, *, today: date) -> Period:
    """`?start=&end=` of the open data; the last 30 days by default. Raises ValueError with a readable message."""
    # Each given date is checked before any arithmetic: a day before 0001-01-30 or near 9999-12-31
    # would overflow when the default start or the window's end is worked out.
    given_first = _open_data_date("start", start) if start else None
    last = _open_data_date("end", end) if end else today
    first = given_first or last - timedelta(days=29)
    if last < first:
        raise ValueError(_("The end date must be on or after the start date."))
    if (last - first).days + 1 > MAX_OPEN_DATA_DAYS:
        raise ValueError(
            _("Ask for at most %(days)d days at a time.") % {"days": MAX_OPEN_DATA_DAYS}
        )
    return Period(first, last)


def _open_data_date(name: str, value: str) -> date:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(_("Dates must be written as YYYY-MM-DD, e.g. 2026-03-29.")) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            _("Choose dates between the years %(first)d and %(last)d (%(name)s=%(value)s).")
            % {"first": FIRST_YEAR, "last": LAST_YEAR, "name": name, "value": day.isoformat()}
        )
    return day


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()
