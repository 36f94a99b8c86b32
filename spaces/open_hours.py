"""When is a venue open? Opening hours, closures and imported unavailability, nothing about bookings.

Everything here works in UTC instants; opening hours are expanded day by day in the venue's own
zone, so a 09:00–17:00 day stays 09:00–17:00 on the wall clock across daylight-saving changes.
Whether a space is *taken* is the bookings app's question (`bookings.availability`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, DateField, IntegerField, Q, Value
from django.utils.dateparse import parse_date, parse_time
from django.utils.translation import gettext

from .intervals import Interval, clip, merge, subtract
from .models import Closure, OpeningException, OpeningHours, Space, Unavailability, Venue
from .timezones import db_instant, local_dates, wall_time_to_utc


@dataclass(frozen=True)
class Blocked:
    """Why some time cannot be booked, for showing on the grid."""

    interval: Interval
    reason: str
    imported: bool = False  # from another calendar (Unavailability), not a closure the venue set


class _Weekly(NamedTuple):
    """An `OpeningHours` row as read by `_hours_and_exceptions`: the fields used, no instance."""

    weekday: int
    opens: time
    closes: time


class _Dated(NamedTuple):
    """An `OpeningException` row, likewise."""

    date: date
    opens: time | None
    closes: time | None


def _hours_and_exceptions(
    venue: Venue, first: date, last: date
) -> tuple[list[_Weekly], list[_Dated]]:
    """The venue's weekly hours and its exceptions dated `first` to `last`: one query (UNION ALL),
    rows rather than instances, unordered (`opening_intervals` merges what it expands)."""
    weekly = (
        OpeningHours.objects.filter(venue_id=venue.pk)
        .order_by()
        .values_list("weekday", Value(None, output_field=DateField()), "opens", "closes")
    )
    dated = (
        OpeningException.objects.filter(venue_id=venue.pk, date__gte=first, date__lte=last)
        .order_by()
        .values_list(Value(None, output_field=IntegerField()), "date", "opens", "closes")
    )
    hours: list[_Weekly] = []
    exceptions: list[_Dated] = []
    for weekday, day, opens, closes in weekly.union(dated, all=True).order_by():
        if weekday is None:
            exceptions.append(_Dated(day, opens, closes))
        else:
            hours.append(_Weekly(weekday, opens, closes))
    return hours, exceptions


def opening_intervals(
    venue: Venue,
    window: Interval,
    hours: Iterable[OpeningHours | _Weekly] | None = None,
    exceptions: Iterable[OpeningException | _Dated] = (),
) -> list[Interval]:
    """The venue's opening hours as instants inside `window` (closures not removed): the weekly
    hours, except on dates with exceptions, whose own intervals (none: closed) replace them.

    Without `hours`, both are read from the database in one query; callers that pass prefetched
    `hours` pass the venue's `exceptions` with them.
    """
    dates = local_dates(window.start, window.end, venue.zone)
    if hours is None:
        hours, exceptions = _hours_and_exceptions(venue, dates[0], dates[-1])
    by_weekday: dict[int, list[OpeningHours | _Weekly]] = defaultdict(list)
    for row in hours:
        by_weekday[row.weekday].append(row)
    by_date: dict[date, list[OpeningException | _Dated]] = defaultdict(list)
    for exception in exceptions:
        by_date[exception.date].append(exception)
    intervals = []
    for day in dates:
        rows: Iterable[OpeningHours | OpeningException | _Weekly | _Dated] = (
            by_date[day] if day in by_date else by_weekday.get(day.weekday(), [])
        )
        for entry in rows:
            if entry.opens is None or entry.closes is None:
                continue  # an exception that closes the whole day
            start = wall_time_to_utc(day, entry.opens, venue.zone)
            end = wall_time_to_utc(day, entry.closes, venue.zone)
            if end > start:
                intervals.append(Interval(start, end))
    return clip(merge(intervals), window)


@dataclass(frozen=True)
class KnownOpen:
    """Opening hours, closures and unavailability of many spaces, fetched once over `span`.

    Each function below picks its own part in Python with the same tests its query would make,
    instead of querying per space.
    """

    span: Interval  # closures, unavailability and exceptions meeting this span were fetched
    hours: dict[int, list[OpeningHours]] | dict[int, list[_Weekly]]  # by venue id
    blocked: dict[int, list[Blocked]]  # by space id: its own and its venue's
    exceptions: dict[int, list[OpeningException]] | dict[int, list[_Dated]]  # by venue id

    def covers(self, window: Interval) -> bool:
        return self.span.start <= window.start and window.end <= self.span.end


def prefetch_open(spaces: list[Space], span: Interval) -> KnownOpen:
    """Opening hours and their exceptions, closures and unavailability of `spaces` meeting
    `span`: 3 queries."""
    venue_ids = {space.venue_id for space in spaces}
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in OpeningHours.objects.filter(venue_id__in=venue_ids):
        hours[row.venue_id].append(row)
    # Local dates differ by zone; a day either side covers every venue's dates in the span.
    exceptions: dict[int, list[OpeningException]] = defaultdict(list)
    for exception in OpeningException.objects.filter(
        venue_id__in=venue_ids,
        date__gte=(span.start - timedelta(days=1)).date(),
        date__lte=(span.end + timedelta(days=1)).date(),
    ):
        exceptions[exception.venue_id].append(exception)
    meets = Q(venue_id__in=venue_ids, starts_at__lt=span.end, ends_at__gt=span.start)
    blocked: dict[int, list[Blocked]] = {space.pk: [] for space in spaces}
    by_venue: dict[int, list[Space]] = defaultdict(list)
    for space in spaces:
        by_venue[space.venue_id].append(space)
    for venue_id, space_id, block in _blocks(meets):
        for space in by_venue[venue_id]:
            if space_id is None or space_id == space.pk:
                blocked[space.pk].append(block)
    return KnownOpen(span, dict(hours), blocked, dict(exceptions))


def _blocks(where: Q) -> list[tuple[int, int | None, Blocked]]:
    """(venue id, space id or None for the whole venue, block) of the closures and imported
    unavailability matching `where`, in one query (UNION ALL), closures first: the grid shows the
    first block a slot meets."""
    shape = ("venue_id", "space_id", "starts_at", "ends_at")
    closures = Closure.objects.filter(where).order_by().values_list(*shape, "reason", _flag(False))
    imports = (
        Unavailability.objects.filter(where).order_by().values_list(*shape, "summary", _flag(True))
    )
    found = sorted(closures.union(imports, all=True), key=lambda row: row[5])
    return [
        (
            venue_id,
            space_id,
            Blocked(Interval(starts, ends), words or gettext("Unavailable"), imported=True)
            if imported
            else Blocked(Interval(starts, ends), words),
        )
        for venue_id, space_id, starts, ends, words, imported in found
    ]


def known_for(space: Space, window: Interval) -> KnownOpen:
    """What `open_intervals` reads for one space over `window`: its venue's weekly hours and
    exceptions, and the closures and unavailability of the space or venue meeting `window`
    (`prefetch_open([space], window)` in one query instead of three). The week grid, the
    booking rules (`bookings.rules.check_rules`) and `open_intervals` read it.

    One query, UNION ALL of the four tables with each row tagged by its kind, written as SQL: the
    same tests as `opening_intervals`' and `closed_times`' own queries (the prefetched answers
    are checked against these), but without the ORM building four filtered querysets per call,
    which cost three times the query itself on one space's week (docs/design.md, Speed).
    """
    sql, params = known_statement(space, window)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return known_from(space, window, cursor.fetchall())


def known_statement(space: Space, window: Interval) -> tuple[str, list]:
    """known_for's statement and its parameters, for a caller that sends it with others in one
    round trip (bookings.locking.lock_space_then); `known_from` reads its rows."""
    dates = local_dates(window.start, window.end, space.venue.zone)
    venue_id = space.venue_id
    meeting: list[int | datetime] = [venue_id, space.pk, window.end, window.start]
    params: list[int | date | datetime] = [venue_id, venue_id, dates[0], dates[-1], *meeting * 2]
    return _known_sql(connection.vendor), params


@cache
def _known_sql(vendor: str) -> str:
    """known_statement's text, written once (the names and types from the models' `_meta`)."""
    tables = {
        model.__name__: connection.ops.quote_name(model._meta.db_table)
        for model in (OpeningHours, OpeningException, Closure, Unavailability)
    }
    meets = (
        "venue_id = %s AND (space_id IS NULL OR space_id = %s) AND starts_at < %s AND ends_at > %s"
    )
    # The first branch's NULLs are typed: PostgreSQL types each column from the left.
    typed = ", ".join(
        f"CAST(NULL AS {model._meta.get_field(name).db_type(connection)})"
        for model, name in (
            (OpeningException, "date"),
            (Closure, "starts_at"),
            (Closure, "ends_at"),
            (Closure, "reason"),
        )
    )
    return (
        f"SELECT {_HOURS}, weekday, opens, closes, {typed}"
        f" FROM {tables['OpeningHours']} WHERE venue_id = %s"
        f" UNION ALL SELECT {_EXCEPTION}, NULL, opens, closes, date, NULL, NULL, NULL"
        f" FROM {tables['OpeningException']} WHERE venue_id = %s AND date >= %s AND date <= %s"
        f" UNION ALL SELECT {_CLOSURE}, NULL, NULL, NULL, NULL, starts_at, ends_at, reason"
        f" FROM {tables['Closure']} WHERE {meets}"
        f" UNION ALL SELECT {_IMPORTED}, NULL, NULL, NULL, NULL, starts_at, ends_at, summary"
        f" FROM {tables['Unavailability']} WHERE {meets}"
    )


def known_from(space: Space, window: Interval, found: Iterable[tuple]) -> KnownOpen:
    """The KnownOpen of `space` over `window` from the rows of its `known_statement`."""
    hours: list[_Weekly] = []
    exceptions: list[_Dated] = []
    blocks: list[tuple[int, Blocked]] = []
    for kind, weekday, opens, closes, day, starts, ends, words in found:
        if kind == _HOURS:
            hours.append(_Weekly(weekday, _clock(opens), _clock(closes)))
        elif kind == _EXCEPTION:
            exceptions.append(_Dated(_date(day), _time(opens), _time(closes)))
        else:
            interval = Interval(db_instant(starts), db_instant(ends))
            imported = kind == _IMPORTED
            if imported:
                words = words or gettext("Unavailable")
            blocks.append((kind, Blocked(interval, words, imported=imported)))
    # Closures before imported times, each by start, as the querysets ordered them.
    blocks.sort(key=lambda pair: (pair[0], pair[1].interval.start))
    return KnownOpen(
        window,
        {space.venue_id: hours},
        {space.pk: [block for _kind, block in blocks]},
        {space.venue_id: exceptions},
    )


_HOURS, _EXCEPTION, _CLOSURE, _IMPORTED = range(4)


# PostgreSQL returns typed values; SQLite returns a UNION's dates and times as text.
def _time(value: time | str | None) -> time | None:
    return parse_time(value) if isinstance(value, str) else value


def _clock(value: time | str) -> time:
    parsed = _time(value)
    assert parsed is not None
    return parsed


def _date(value: date | str) -> date:
    parsed = parse_date(value) if isinstance(value, str) else value
    assert parsed is not None
    return parsed


def _flag(imported: bool) -> Value:
    return Value(imported, output_field=BooleanField())


def closed_times(space: Space, window: Interval, known: KnownOpen | None = None) -> list[Blocked]:
    """Closures and imported unavailability of the space or its whole venue that meet `window`,
    closures first: one query, none when `known` covers `window`."""
    if known is not None and known.covers(window):
        return [block for block in known.blocked[space.pk] if block.interval.overlaps(window)]
    venue_or_space = Q(venue_id=space.venue_id) & (Q(space__isnull=True) | Q(space_id=space.pk))
    meets = Q(starts_at__lt=window.end, ends_at__gt=window.start)
    return [block for _venue, _space, block in _blocks(venue_or_space & meets)]


def venue_opening(venue: Venue, window: Interval, known: KnownOpen | None) -> list[Interval]:
    """`opening_intervals`, read from `known` when it covers `window`."""
    if known is not None and known.covers(window):
        return opening_intervals(
            venue, window, known.hours.get(venue.pk, []), known.exceptions.get(venue.pk, [])
        )
    return opening_intervals(venue, window)


def open_intervals(
    space: Space, window: Interval, known: KnownOpen | None = None
) -> list[Interval]:
    """Opening hours minus closures and unavailability: the space's open hours inside `window`.

    Without a `known` that covers `window`, one query reads what both need."""
    if known is None or not known.covers(window):
        known = known_for(space, window)
    return subtract(
        venue_opening(space.venue, window, known),
        [b.interval for b in closed_times(space, window, known)],
    )
