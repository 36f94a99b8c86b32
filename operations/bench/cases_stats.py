"""A venue's year of stats: the stats pages' path (`cached_stats`: the validator query, then the
shared cache) against a straightforward Python loop and one SQL aggregate, all three giving the
booked (seat-)hours, which must agree; the cold path (`compute_stats`, every cache empty) timed
in the notes; and whether PostgreSQL's JIT fired on the stats' slowest query."""

import json
import statistics
import time as clock
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from spaces.models import OpeningException, OpeningHours, Venue
from spaces.timezones import wall_time_to_utc
from stats.cache import cached_stats, stats_key
from stats.occupancy import compute_stats
from stats.periods import Period

from .city import City
from .measure import Case, Runner

# The booked hours of the venue's confirmed bookings clipped to its open time, day by day: weekly
# hours, and none on a date with an all-day exception (the seeded city's only kind). Joined on the
# booking's local date: no seeded booking crosses local midnight (the runs check it agrees).
BOOKED_HOURS = """
WITH days AS (
    SELECT d::date AS day FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
),
open AS (
    SELECT days.day, (days.day + oh.opens) AT TIME ZONE v.time_zone AS os,
           (days.day + oh.closes) AT TIME ZONE v.time_zone AS oe
    FROM days
    JOIN spaces_openinghours oh ON oh.weekday = extract(isodow FROM days.day)::int - 1
    JOIN spaces_venue v ON v.id = oh.venue_id
    WHERE oh.venue_id = %(venue)s AND NOT EXISTS (
        SELECT 1 FROM spaces_openingexception e WHERE e.venue_id = v.id AND e.date = days.day)
)
SELECT COALESCE(sum(extract(epoch FROM least(b.ends_at, o.oe) - greatest(b.starts_at, o.os))), 0)
       / 3600.0
FROM bookings_booking b
JOIN spaces_space s ON s.id = b.space_id AND s.venue_id = %(venue)s AND s.is_active
JOIN spaces_venue v ON v.id = s.venue_id
JOIN open o ON o.day = (b.starts_at AT TIME ZONE v.time_zone)::date
    AND b.starts_at < o.oe AND b.ends_at > o.os
WHERE b.status = 'confirmed' AND b.starts_at < %(end)s AND b.ends_at > %(start)s
"""


def _floor_params(venue: Venue, period: Period) -> dict:
    window = period.window(venue.zone)
    return {
        "first": period.first,
        "last": period.last,
        "venue": venue.pk,
        "start": window.start,
        "end": window.end,
    }


def _sql_booked_hours(venue: Venue, period: Period) -> float:
    with connection.cursor() as cursor:
        cursor.execute(BOOKED_HOURS, _floor_params(venue, period))
        return float(cursor.fetchone()[0])


@dataclass
class LoopFigures:
    """What the loop works out: the headline figures of a stats page, kept plain."""

    booked: float = 0.0
    capacity: float = 0.0
    by_month: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    heatmap: dict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0.0]))
    hirings: Counter = field(default_factory=Counter)
    activities: Counter = field(default_factory=Counter)
    hirers: set = field(default_factory=set)


def _hours(start: datetime, end: datetime):
    """[start, end) cut at the hours: (start of the piece, hours). London's offsets are whole
    hours, so UTC hours are local hours."""
    here = start
    while here < end:
        there = min(end, here.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1))
        yield here, (there - here).total_seconds() / 3600
        here = there


def _loop_stats(venue: Venue, period: Period) -> LoopFigures:
    """The headline figures of a stats page the way one would first write them: each day's open
    intervals from the weekly hours, hour by hour into months and a weekday x hour heatmap
    (capacity in seat-hours), then every confirmed booking clipped to them the same way, and
    the hirings counted by kind of hirer, activity and hirer."""
    zone = venue.zone
    weekly = defaultdict(list)
    for hours in OpeningHours.objects.filter(venue=venue):
        weekly[hours.weekday].append((hours.opens, hours.closes))
    closed = set(
        OpeningException.objects.filter(
            venue=venue, date__gte=period.first, date__lte=period.last
        ).values_list("date", flat=True)
    )
    spaces = list(venue.spaces.filter(is_active=True))
    seats = sum(space.seats for space in spaces)
    figures = LoopFigures()
    open_by_day: dict[date, list] = {}
    day = period.first
    while day <= period.last:
        if day not in closed:
            open_by_day[day] = [
                (wall_time_to_utc(day, opens, zone), wall_time_to_utc(day, closes, zone))
                for opens, closes in weekly[day.weekday()]
            ]
            for start, end in open_by_day[day]:
                for at, hours in _hours(start, end):
                    local = at.astimezone(zone)
                    figures.capacity += hours * seats
                    figures.by_month[(local.year, local.month)][1] += hours * seats
                    figures.heatmap[(local.weekday(), local.hour)][1] += hours * seats
        day += timedelta(days=1)
    window = period.window(zone)
    rows = Booking.objects.filter(
        space__in=spaces,
        status=Booking.Status.CONFIRMED,
        starts_at__lt=window.end,
        ends_at__gt=window.start,
    ).values_list("starts_at", "ends_at", "organisation__kind", "activity", "booker_id")
    for starts, ends, kind, activity, booker_id in rows:
        figures.hirings[kind or "individual"] += 1
        figures.activities[activity] += 1
        figures.hirers.add(booker_id)
        first = starts.astimezone(zone).date()
        for day in (first - timedelta(days=1), first, first + timedelta(days=1)):
            for start, end in open_by_day.get(day, []):
                clipped = max(starts, start), min(ends, end)
                if clipped[0] >= clipped[1]:
                    continue
                for at, hours in _hours(*clipped):
                    local = at.astimezone(zone)
                    figures.booked += hours
                    figures.by_month[(local.year, local.month)][0] += hours
                    figures.heatmap[(local.weekday(), local.hour)][0] += hours
    return figures


def _jit(sql: str) -> str:
    """Whether PostgreSQL compiled `sql` (EXPLAIN ANALYZE's "JIT" entry), in words."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    top = plan[0]
    jit = top.get("JIT")
    total = top.get("Execution Time", 0.0)
    if not jit:
        return f"no JIT ({total:.0f} ms)"
    timing = jit.get("Timing", {}).get("Total", 0.0)
    timing = timing if isinstance(timing, (int, float)) else 0.0
    return f"JIT fired: {jit.get('Functions', '?')} functions, {timing:.0f} ms of {total:.0f} ms"


def venue_year(city: City) -> Case:
    period = Period(date(city.year, 1, 1), date(city.year, 12, 31))
    venue = city.venue

    def cold() -> tuple[float, float]:
        fresh = Venue.objects.get(pk=venue.pk)
        total = compute_stats(fresh, period).total
        return total.booked_hours, total.capacity_hours

    def contender() -> tuple[float, float]:
        fresh = Venue.objects.get(pk=venue.pk)
        total = cached_stats(fresh, period).total
        return total.booked_hours, total.capacity_hours

    booked, capacity = cold()
    if contender() != (booked, capacity):  # and the cache now holds the figures
        raise AssertionError("cached_stats differs from compute_stats")

    def agrees(answer: object) -> str:
        """Booked hours (and capacity, when the answer has it) against compute_stats'."""
        if isinstance(answer, LoopFigures):
            answer = (answer.booked, answer.capacity)
        hours, seat_hours = answer if isinstance(answer, tuple) else (answer, None)
        if not isinstance(hours, (int, float)):
            return "no answer"
        note = f"{hours:,.1f} booked hours"
        if abs(hours - booked) >= 0.01:
            note += f" (compute_stats: {booked:,.1f})"
        if isinstance(seat_hours, (int, float)):
            note += f" of {seat_hours:,.0f}"
            if abs(seat_hours - capacity) >= 0.01:
                note += f" (compute_stats: {capacity:,.0f})"
        return note

    def timed(run: Callable[[], object], prepare: Callable[[], None]) -> tuple[list[float], int]:
        seconds, queries = [], 0
        for _round in range(5):
            prepare()
            with CaptureQueriesContext(connection) as captured:
                started = clock.perf_counter()
                run()
                seconds.append(clock.perf_counter() - started)
            queries = len(captured.captured_queries)
        return seconds, queries

    def forget() -> None:
        """Only this case's entry leaves the shared cache (other entries are others')."""
        fresh = Venue.objects.get(pk=venue.pk)
        cache.delete(stats_key(fresh, period, space=None, with_before=False))

    def cold_times() -> str:
        """The cold path, timed apart: compute_stats alone, and a whole miss of cached_stats
        (the validator, the cache, compute_stats in one snapshot, the cache written)."""
        notes = []
        for label, run, prepare in (
            ("compute_stats", cold, lambda: None),
            ("a miss of cached_stats", contender, forget),
        ):
            seconds, queries = timed(run, prepare)
            notes.append(
                f"{label} {statistics.median(seconds) * 1000:.0f} ms "
                f"({min(seconds) * 1000:.0f}–{max(seconds) * 1000:.0f}), {queries} q"
            )
        return "cold, median of 5: " + ", ".join(notes)

    def jit_fired() -> str:
        if connection.vendor != "postgresql":
            return f"{cold_times()}; JIT: not PostgreSQL"
        with CaptureQueriesContext(connection) as queries:
            cold()
        slowest = max(queries.captured_queries, key=lambda q: float(q["time"]))
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            setting = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            floor_sql = cursor.mogrify(BOOKED_HOURS, _floor_params(venue, period))
        return (
            f"{cold_times()}; jit={setting}; stats' slowest query: {_jit(slowest['sql'])}; "
            f"the floor: {_jit(floor_sql if isinstance(floor_sql, str) else floor_sql.decode())}"
        )

    return Case(
        key="stats",
        title=f"A venue's year of stats ({city.year}, {venue.spaces.count()} spaces)",
        # What a stats page, export or API call runs: the validator query, then the shared cache
        # (the cold path, a miss, is timed in the notes).
        contender=Runner("cached_stats", contender, check=agrees),
        peer=Runner("Python loop", lambda: _loop_stats(venue, period), check=agrees),
        # The aggregate needs time zones in SQL (AT TIME ZONE): PostgreSQL only.
        floor=Runner("one SQL aggregate", lambda: _sql_booked_hours(venue, period), check=agrees)
        if connection.vendor == "postgresql"
        else None,
        goal="≥ 10× faster than the loop, ≤ 5× the floor",
        faster_than_peer=10,
        within_floor=5,
        extra=jit_fired,
    )
