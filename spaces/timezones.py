"""Turning a venue's wall-clock times into instants, honestly, across daylight-saving changes."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class NonexistentLocalTime(ValueError):
    """A wall-clock time skipped by the clocks going forward (e.g. 01:30 on 29 March 2026 in London)."""


@dataclass(frozen=True)
class LocalInstant:
    instant: datetime  # aware, in UTC
    ambiguous: bool  # the wall time happened twice; `instant` is the first of the two


def resolve_local(naive: datetime, zone: ZoneInfo, *, fold: int = 0) -> LocalInstant:
    """The UTC instant of a wall-clock time in `zone`.

    A time that does not exist raises NonexistentLocalTime; a time that happens twice (the autumn
    hour) resolves to its first occurrence, or its second with fold=1, and says it was ambiguous,
    so the caller can tell the member or let them choose.
    """
    if naive.tzinfo is not None:
        raise ValueError("resolve_local takes a naive wall-clock time")
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    round_trip = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise NonexistentLocalTime(
            _("%(time)s does not exist on %(date)s in %(zone)s: the clocks go forward then.")
            % {
                "time": naive.strftime("%H:%M"),
                "date": date_format(naive.date(), "j F Y"),
                "zone": zone.key,
            }
        )
    ambiguous = first.utcoffset() != second.utcoffset()
    chosen = second if ambiguous and fold else first
    return LocalInstant(chosen.astimezone(UTC), ambiguous=ambiguous)


def wall_time_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Lenient conversion for opening hours: a skipped time moves forward by the gap, a repeated one takes the first."""
    return datetime.combine(day, at).replace(tzinfo=zone, fold=0).astimezone(UTC)


def local_dates(start: datetime, end: datetime, zone: ZoneInfo) -> list[date]:
    """Every local date in `zone` that the instants [start, end) touch."""
    first = start.astimezone(zone).date()
    last = (end - timedelta(microseconds=1)).astimezone(zone).date() if end > start else first
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def db_instant(value: datetime | str) -> datetime:
    """A timestamp as a raw cursor gives it, as the ORM would: aware on PostgreSQL, naive UTC or
    text on SQLite (raw SQL on the hot paths: opening hours, holds, feed polls)."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    assert parsed is not None, f"not a timestamp: {value!r}"
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def validate_time_zone(value: str) -> None:
    """A venue's time zone must be an IANA name this machine knows (Europe/London)."""
    if value not in available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as Europe/London."), params={"value": value}
        )
