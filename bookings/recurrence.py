"""A series' rule as django-scheduler writes it (`Rule` + `Event`), and its dates read back from it.

The dates come from the scheduler event's own recurrence (`Event.get_rrule_object`) expanded in
the **venue's zone**, never in UTC: the rule runs over wall-clock times, so a weekly 18:00 stays
18:00 after the clocks change (DEPENDENCIES.md: expanding with UTC drifts an hour). Each wall
time is then made an instant with `spaces.timezones.resolve_local`: a time that does not exist
that day (the spring-forward hour) is refused for that date alone; one that happens twice is its
first run.

`Rule.params` is django-scheduler's home-made `key:value;...` string, which silently drops what it
cannot read, so only this module writes it, from validated fields, and never gives both a count
and an end date.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from schedule.models import Event, Rule

from spaces.timezones import NonexistentLocalTime, resolve_local

from .models import Series
from .rules import BookingError

# The most dates one series may have: a bigger rule is refused (say an earlier end).
MAX_OCCURRENCES = 200
MAX_INTERVAL = 52
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
FREQUENCIES = {
    Series.Frequency.DAILY: "DAILY",
    Series.Frequency.WEEKLY: "WEEKLY",
    Series.Frequency.MONTHLY_DATE: "MONTHLY",
    Series.Frequency.MONTHLY_WEEKDAY: "MONTHLY",
}


@dataclass(frozen=True)
class Planned:
    """One date of a series: its wall-clock start, and the instants it holds (None when the
    wall time does not exist that day, with `reason` saying so)."""

    local_start: dt.datetime
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    reason: str = ""


def week_of_month(day: dt.date) -> int:
    """1 to 4 for the first to fourth such weekday of its month; -1 when it is the last (a 5th)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth == 5 else nth


def validate(series: Series) -> None:
    """Raise BookingError (naming the field) unless the rule can be written and expanded safely."""
    if series.frequency not in FREQUENCIES:
        raise BookingError(_("Choose how often it repeats."), field="frequency")
    if not 1 <= series.interval <= MAX_INTERVAL:
        raise BookingError(
            _("Repeat every 1 to %(most)d days, weeks or months.") % {"most": MAX_INTERVAL},
            field="interval",
        )
    if (series.until is None) == (series.count is None):
        raise BookingError(
            _("Say when the series ends: on a date, or after a number of times (not both)."),
            field="ends",
        )
    if series.count is not None and not 1 <= series.count <= MAX_OCCURRENCES:
        raise BookingError(
            _("A series has at most %(most)d dates.") % {"most": MAX_OCCURRENCES}, field="count"
        )
    if series.until is not None and series.until < series.starts_on:
        raise BookingError(_("The last date must be on or after the first."), field="until")
    if series.frequency == Series.Frequency.MONTHLY_WEEKDAY and series.week_of_month not in (
        1,
        2,
        3,
        4,
        -1,
    ):
        raise BookingError(_("Choose which weekday of the month."), field="frequency")


def _params(series: Series) -> str:
    parts = [f"interval:{series.interval}"]
    if series.frequency == Series.Frequency.MONTHLY_DATE:
        parts.append(f"bymonthday:{series.starts_on.day}")
    elif series.frequency == Series.Frequency.MONTHLY_WEEKDAY:
        parts.append(f"byweekday:{WEEKDAYS[series.starts_on.weekday()]}")
        parts.append(f"bysetpos:{series.week_of_month}")
    if series.count is not None:
        parts.append(f"count:{series.count}")
    return ";".join(parts)


def _first_instant(series: Series) -> dt.datetime:
    naive = dt.datetime.combine(series.starts_on, series.start_time)
    zone = series.space.venue.zone
    try:
        return resolve_local(naive, zone).instant
    except NonexistentLocalTime:
        # The event only anchors the wall clock; a skipped first hour still names its wall time.
        return naive.replace(tzinfo=zone)


def scheduler_rule(series: Series) -> Rule:
    """The django-scheduler Rule of `series` (unsaved)."""
    validate(series)
    return Rule(
        name=f"series {series.frequency}"[:32],
        description=str(series.get_frequency_display()),
        frequency=FREQUENCIES[Series.Frequency(series.frequency)],
        params=_params(series),
    )


def scheduler_event(series: Series, rule: Rule | None = None) -> Event:
    """The django-scheduler Event of `series` (unsaved; no calendar yet): its first occurrence and
    rule, ending on `until` (`end_recurring_period`) or after `count` dates (in the rule)."""
    start = _first_instant(series)
    until = None
    if series.until is not None:
        # Inclusive: the last date's occurrence starts at start_time, before the day's end.
        until = dt.datetime.combine(
            series.until + dt.timedelta(days=1), dt.time(0), tzinfo=series.space.venue.zone
        )
    return Event(
        title=series.title[:255],
        description=series.purpose,
        start=start,
        end=start + series.duration,
        rule=rule or scheduler_rule(series),
        end_recurring_period=until,
    )


def planned_dates(series: Series, event: Event | None = None) -> list[Planned]:
    """Every date of `series`, from its scheduler event (`series.event`, or one built for it),
    expanded in the venue's zone. Refuses (BookingError) a rule of more than MAX_OCCURRENCES dates."""
    event = event or series.event or scheduler_event(series)
    zone = series.space.venue.zone
    rrule = event.get_rrule_object(zone)
    planned: list[Planned] = []
    for naive in rrule:
        if len(planned) == MAX_OCCURRENCES:
            raise BookingError(
                _(
                    "That rule gives more than %(most)d dates. Choose an earlier last date, "
                    "or a number of times."
                )
                % {"most": MAX_OCCURRENCES},
                field="until",
            )
        try:
            starts_at = resolve_local(naive, zone).instant
        except NonexistentLocalTime as exc:
            planned.append(Planned(naive.replace(tzinfo=zone), None, None, str(exc)))
            continue
        planned.append(Planned(starts_at.astimezone(zone), starts_at, starts_at + series.duration))
    return planned


def skipped_months(series: Series, planned: list[Planned]) -> list[dt.date]:
    """Monthly on a date the shorter months lack (the 31st, the 30th, 29 February): the months
    between the first and last dates that have no such day and so no occurrence."""
    if series.frequency != Series.Frequency.MONTHLY_DATE or series.starts_on.day <= 28:
        return []
    last = planned[-1].local_start.date() if planned else series.starts_on
    months = []
    year, month = series.starts_on.year, series.starts_on.month
    while (year, month) <= (last.year, last.month):
        if calendar.monthrange(year, month)[1] < series.starts_on.day:
            months.append(dt.date(year, month, 1))
        month += series.interval
        year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return months
