"""Occupancy and impact figures of a venue (or one space) over a period; definitions in docs/occupancy.md.

How it is computed, and why this way:
- Open hours come from `spaces.availability.open_intervals` (opening hours in the venue's zone
  minus closures and unavailability), cut in Python into *segments*: pieces of open time that
  never cross a local hour, a UTC hour or a peak boundary. They are few (days x open hours x
  spaces), whatever the number of bookings.
- Bookings are clipped to the segments IN THE DATABASE: the segments travel as one JSON
  parameter, each confirmed booking is expanded into the UTC hours it touches, and an equi-join on
  (space, UTC hour) pairs it with the segments of that hour, so the overlap is
  LEAST(ends) - GREATEST(starts) summed by an aggregate. The same SQL runs on PostgreSQL and
  SQLite except for how JSON is read, how instants become seconds and how hours are expanded.
- The number of queries is fixed (a few per space for open hours, four for the figures): it does
  not grow with the number of bookings.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, Count, Max, Min, Q, Sum, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bookings.models import Booking
from members.models import Organisation
from spaces.availability import closed_times, opening_intervals
from spaces.intervals import Interval, subtract
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc

from .periods import Period

INDIVIDUAL = "individual"
# Monday first, as date.weekday() counts; translated where shown.
WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)
EPOCH = date(1970, 1, 1)


class Segment(NamedTuple):
    """A piece of open time of one space inside one local hour (and one UTC hour), peak or not.

    `start` and `end` are POSIX seconds (UTC): segments are many (a venue's year has tens of
    thousands), so they are light tuples, and the database reads numbers.
    """

    space_id: int
    day: date
    weekday: int
    hour: int
    peak: bool
    start: float
    end: float
    hours: float


@dataclass
class Use:
    """Open, capacity (seats x open) and booked (seat-)hours, with the peak part of each."""

    open_hours: float = 0.0
    capacity_hours: float = 0.0
    booked_hours: float = 0.0
    peak_capacity_hours: float = 0.0
    peak_booked_hours: float = 0.0

    def add_open(self, hours: float, seats: int, peak: bool) -> None:
        self.open_hours += hours
        self.capacity_hours += hours * seats
        if peak:
            self.peak_capacity_hours += hours * seats

    def add_booked(self, hours: float, peak: bool) -> None:
        self.booked_hours += hours
        if peak:
            self.peak_booked_hours += hours

    def __iadd__(self, other: "Use") -> "Use":
        self.open_hours += other.open_hours
        self.capacity_hours += other.capacity_hours
        self.booked_hours += other.booked_hours
        self.peak_capacity_hours += other.peak_capacity_hours
        self.peak_booked_hours += other.peak_booked_hours
        return self

    @property
    def spare_hours(self) -> float:
        return max(0.0, self.capacity_hours - self.booked_hours)

    @property
    def occupancy(self) -> float:
        return percent(self.booked_hours, self.capacity_hours)

    @property
    def offpeak_capacity_hours(self) -> float:
        return self.capacity_hours - self.peak_capacity_hours

    @property
    def offpeak_booked_hours(self) -> float:
        return self.booked_hours - self.peak_booked_hours

    @property
    def peak_occupancy(self) -> float:
        return percent(self.peak_booked_hours, self.peak_capacity_hours)

    @property
    def offpeak_occupancy(self) -> float:
        return percent(self.offpeak_booked_hours, self.offpeak_capacity_hours)

    @property
    def peak_spare_hours(self) -> float:
        return max(0.0, self.peak_capacity_hours - self.peak_booked_hours)

    @property
    def offpeak_spare_hours(self) -> float:
        return max(0.0, self.offpeak_capacity_hours - self.offpeak_booked_hours)


def percent(part: float, whole: float) -> float:
    """part / whole as a percentage in 0–100; 0 when there is nothing to divide by."""
    if whole <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * part / whole))


@dataclass
class Mix:
    """Hours and hirings of one kind of hirer, or of one activity."""

    key: str
    label: str
    hours: float = 0.0
    hirings: int = 0
    participant_visits: int = 0


@dataclass
class Stats:
    venue: Venue
    period: Period
    spaces: list[Space]
    total: Use = field(default_factory=Use)
    by_space: dict[int, Use] = field(default_factory=dict)
    daily: dict[tuple[date, int], Use] = field(default_factory=dict)
    monthly: dict[tuple[date, int], Use] = field(default_factory=dict)
    heatmap: dict[tuple[int, int], Use] = field(default_factory=dict)
    by_kind: dict[str, Mix] = field(default_factory=dict)
    kind_by_month: dict[tuple[date, str], float] = field(default_factory=dict)
    by_activity: dict[str, Mix] = field(default_factory=dict)
    hirings: int = 0
    participant_visits: int = 0
    pending: int = 0
    declined: int = 0
    cancelled: int = 0
    hirers: int = 0
    new_hirers: int = 0
    returning_hirers: int = 0
    hirers_by_district: dict[str, int] = field(default_factory=dict)
    hirings_by_space: dict[int, int] = field(default_factory=dict)
    # Use recorded in Commonshare before the venue opened for sharing (see recorded_before).
    before: "Stats | None" = None

    @property
    def cancellation_rate(self) -> float:
        """Cancelled as a share of confirmed plus cancelled bookings starting in the period."""
        return percent(self.cancelled, self.cancelled + self.hirings)

    @property
    def weekly_booked_hours(self) -> float:
        return self.total.booked_hours * 7 / self.period.days

    @property
    def baseline_weekly_hours(self) -> Decimal | None:
        return self.venue.baseline_weekly_hours

    @property
    def months(self) -> list[date]:
        return sorted({month for month, _space in self.monthly})


def kind_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in Organisation.Kind.choices}
    labels[INDIVIDUAL] = _("Individual member (no organisation)")
    return labels


def activity_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in Booking.Activity.choices}
    labels[""] = _("Not given")
    return labels


def split_open_time(space: Space, intervals: list[Interval], venue: Venue) -> list[Segment]:
    """Cut open intervals at local hours, UTC hours and the venue's daily peak start and end."""
    zone, space_id = venue.zone, space.pk
    days: dict[int, tuple[date, int, float, float]] = {}
    segments = []
    for interval in intervals:
        start, end = interval.start.timestamp(), interval.end.timestamp()
        offset = interval.start.astimezone(zone).utcoffset().total_seconds()
        # Within an interval that does not cross a clock change the local time is plain
        # arithmetic; across one (a night opening on the DST days) each step asks the zone.
        last = (interval.end - timedelta(microseconds=1)).astimezone(zone)
        steady = offset == last.utcoffset().total_seconds()
        while start < end:
            if not steady:
                local_time = datetime.fromtimestamp(start, UTC).astimezone(zone)
                offset = local_time.utcoffset().total_seconds()
            local = start + offset
            day_number = int(local // 86400)
            if day_number not in days:
                day = EPOCH + timedelta(days=day_number)
                days[day_number] = (
                    day,
                    day.weekday(),
                    wall_time_to_utc(day, venue.peak_starts, zone).timestamp(),
                    wall_time_to_utc(day, venue.peak_ends, zone).timestamp(),
                )
            day, weekday, peak_starts, peak_ends = days[day_number]
            stop = min(end, start - local % 3600 + 3600, start - start % 3600 + 3600)
            if start < peak_starts < stop:
                stop = peak_starts
            elif start < peak_ends < stop:
                stop = peak_ends
            hour = int(local % 86400 // 3600)
            peak = peak_starts <= start < peak_ends
            segments.append(
                Segment(space_id, day, weekday, hour, peak, start, stop, (stop - start) / 3600)
            )
            start = stop
    return segments


def _epoch(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::double precision"
    # Django stores SQLite datetimes as UTC text; julianday reads it. Rounded to whole seconds.
    return f"ROUND((julianday({column}) - 2440587.5) * 86400.0)"


def _pieces_sql(
    space_ids: list[int], window: Interval, segments: list[Segment]
) -> tuple[str, list]:
    """CTEs ending in `pieces(idx, kind, activity, secs)`: each confirmed booking clipped to each segment.

    The segments travel as parameters: five typed arrays on PostgreSQL, one JSON text on SQLite.
    """
    booking = connection.ops.quote_name(Booking._meta.db_table)
    organisation = connection.ops.quote_name(Organisation._meta.db_table)
    placeholders = ", ".join(["%s"] * len(space_ids))
    if connection.vendor == "postgresql":
        # Array literals built here: psycopg's list adapter inspects every element, which costs
        # more than the whole query for a year of segments.
        columns = [
            (segment.space_id for segment in segments),
            (repr(segment.start) for segment in segments),
            (repr(segment.end) for segment in segments),
        ]
        segment_params = ["{" + ",".join(map(str, column)) + "}" for column in columns]
        # Typed arrays: unnest is far cheaper than pulling fields out of JSON for every row.
        segments_sql = (
            "SELECT idx - 1 AS idx, space_id, st, en, floor(st / 3600)::bigint AS bucket"
            " FROM unnest(%s::bigint[], %s::double precision[], %s::double precision[])"
            " WITH ORDINALITY AS s(space_id, st, en, idx)"
        )
        hours = (
            "SELECT bk.*, generate_series(floor(bk.bs / 3600)::bigint, ceil(bk.be / 3600)::bigint - 1) AS bucket"
            " FROM bk"
        )
        recursive = ""
    else:
        segment_params = [
            json.dumps(
                [
                    [n, segment.space_id, segment.start, segment.end, int(segment.start // 3600)]
                    for n, segment in enumerate(segments)
                ]
            )
        ]
        segments_sql = (
            "SELECT json_extract(value, '$[0]') AS idx, json_extract(value, '$[1]') AS space_id,"
            " json_extract(value, '$[2]') AS st, json_extract(value, '$[3]') AS en,"
            " json_extract(value, '$[4]') AS bucket"
            " FROM json_each(%s)"
        )
        hours = (
            "SELECT bk.*, CAST(bk.bs / 3600 AS INTEGER) AS bucket FROM bk"
            " UNION ALL SELECT id, space_id, bs, be, kind, activity, bucket + 1 FROM bh"
            " WHERE (bucket + 1) * 3600 < be"
        )
        recursive = "RECURSIVE "
    sql = f"""
        WITH {recursive}seg AS ({segments_sql}),
        bk AS (
            SELECT b.id, b.space_id, {_epoch("b.starts_at")} AS bs, {_epoch("b.ends_at")} AS be,
                   COALESCE(o.kind, '{INDIVIDUAL}') AS kind, b.activity AS activity
            FROM {booking} b LEFT JOIN {organisation} o ON o.id = b.organisation_id
            WHERE b.status = %s AND b.space_id IN ({placeholders})
              AND b.starts_at < %s AND b.ends_at > %s
        ),
        bh AS ({hours}),
        pieces AS (
            SELECT seg.idx AS idx, bh.kind AS kind, bh.activity AS activity,
                   CASE WHEN bh.be < seg.en THEN bh.be ELSE seg.en END
                   - CASE WHEN bh.bs > seg.st THEN bh.bs ELSE seg.st END AS secs
            FROM bh JOIN seg ON seg.space_id = bh.space_id AND seg.bucket = bh.bucket
            WHERE bh.bs < seg.en AND bh.be > seg.st
        )
    """
    params = [
        *segment_params,
        Booking.Status.CONFIRMED,
        *space_ids,
        connection.ops.adapt_datetimefield_value(window.end),
        connection.ops.adapt_datetimefield_value(window.start),
    ]
    return sql, params


def _month(day: date) -> date:
    return day.replace(day=1)


def compute_stats(
    venue: Venue, period: Period, *, space: Space | None = None, with_before: bool = False
) -> Stats:
    """Every figure of docs/occupancy.md for `venue` (or only `space`) over `period`.

    `with_before` also computes `stats.before`, the use recorded before the venue opened for
    sharing (see recorded_before), for the before-and-after comparison of the stats pages.
    """
    if with_before:
        stats = compute_stats(venue, period, space=space)
        stats.before = recorded_before(venue, period, space=space)
        return stats
    spaces = (
        [space] if space is not None else list(venue.spaces.filter(is_active=True).order_by("name"))
    )
    stats = Stats(venue=venue, period=period, spaces=spaces)
    window = period.window(venue.zone)
    seats = {s.pk: s.seats for s in spaces}
    for s in spaces:
        stats.by_space[s.pk] = Use()
    if not spaces:
        return stats

    # open_intervals(space, window), with the venue's weekly hours expanded once for all spaces.
    opening = opening_intervals(venue, window)
    segments: list[Segment] = []
    shared: list[Segment] | None = None  # the venue's own open time, cut once for every space
    for s in spaces:
        closed = [blocked.interval for blocked in closed_times(s, window)]
        if closed:
            segments += split_open_time(s, subtract(opening, closed), venue)
            continue
        if shared is None:
            shared = split_open_time(s, opening, venue)
        segments += [Segment(s.pk, *segment[1:]) for segment in shared]

    # Open and booked hours go to the daily and heatmap cells of each segment; spaces, months and
    # the total are sums of the daily cells.
    # (The hottest loop of a stats page: one pass per segment, kept plain.)
    cells: list[tuple[Use, Use]] = []
    daily, heatmap = stats.daily, stats.heatmap
    for space_id, day, weekday, hour, peak, _start, _end, hours in segments:
        day_use = daily.get((day, space_id))
        if day_use is None:
            day_use = daily[(day, space_id)] = Use()
        heat_use = heatmap.get((weekday, hour))
        if heat_use is None:
            heat_use = heatmap[(weekday, hour)] = Use()
        capacity = hours * seats[space_id]
        day_use.open_hours += hours
        day_use.capacity_hours += capacity
        heat_use.open_hours += hours
        heat_use.capacity_hours += capacity
        if peak:
            day_use.peak_capacity_hours += capacity
            heat_use.peak_capacity_hours += capacity
        cells.append((day_use, heat_use))

    with connection.cursor() as cursor:
        pieces, params = _pieces_sql(list(seats), window, segments)
        cursor.execute(
            pieces
            + " SELECT idx, kind, activity, SUM(secs) FROM pieces GROUP BY idx, kind, activity",
            params,
        )
        booked = cursor.fetchall()

    kinds, activities = kind_labels(), activity_labels()
    for idx, kind, activity, seconds in booked:
        segment = segments[int(idx)]
        hours = float(seconds) / 3600
        day_use, heat_use = cells[int(idx)]
        day_use.add_booked(hours, segment.peak)
        heat_use.add_booked(hours, segment.peak)
        stats.by_kind.setdefault(kind, Mix(kind, kinds.get(kind, kind))).hours += hours
        stats.by_activity.setdefault(
            activity, Mix(activity, activities.get(activity, activity))
        ).hours += hours
        key = (_month(segment.day), kind)
        stats.kind_by_month[key] = stats.kind_by_month.get(key, 0.0) + hours

    for (day, space_id), use in sorted(stats.daily.items()):
        stats.total += use
        space_use = stats.by_space[space_id]
        space_use += use
        month_use = stats.monthly.setdefault((_month(day), space_id), Use())
        month_use += use

    starting = Booking.objects.filter(
        space__in=spaces, starts_at__gte=window.start, starts_at__lt=window.end
    )
    counts = starting.values("status", "space_id", "organisation__kind", "activity").annotate(
        n=Count("id"), people=Sum("attendees")
    )
    for row in counts:
        status = row["status"]
        if status == Booking.Status.CONFIRMED:
            kind = row["organisation__kind"] or INDIVIDUAL
            activity = row["activity"]
            stats.hirings += row["n"]
            space_id = row["space_id"]
            stats.hirings_by_space[space_id] = stats.hirings_by_space.get(space_id, 0) + row["n"]
            stats.participant_visits += row["people"] or 0
            for table, key, labels in (
                (stats.by_kind, kind, kinds),
                (stats.by_activity, activity, activities),
            ):
                mix = table.setdefault(key, Mix(key, labels.get(key, key)))
                mix.hirings += row["n"]
                mix.participant_visits += row["people"] or 0
        elif status == Booking.Status.PENDING:
            stats.pending += row["n"]
        elif status == Booking.Status.DECLINED:
            stats.declined += row["n"]
        elif status == Booking.Status.CANCELLED:
            stats.cancelled += row["n"]

    # One row per hirer (an organisation, or a member booking for no organisation) who had a
    # confirmed booking starting in the period; `first` tells new from returning.
    hirers = (
        Booking.objects.filter(
            space__in=spaces, status=Booking.Status.CONFIRMED, starts_at__lt=window.end
        )
        .annotate(solo_booker=Case(When(organisation__isnull=True, then="booker_id")))
        .values("organisation_id", "solo_booker", "organisation__postcode_district")
        .annotate(first=Min("starts_at"), last=Max("starts_at"))
        .filter(Q(last__gte=window.start))
    )
    districts: dict[str, int] = defaultdict(int)
    for row in hirers:
        stats.hirers += 1
        if row["first"] >= window.start:
            stats.new_hirers += 1
        else:
            stats.returning_hirers += 1
        districts[(row["organisation__postcode_district"] or "").upper() or _("Not given")] += 1
    stats.hirers_by_district = dict(sorted(districts.items()))
    return stats


def recorded_before(venue: Venue, period: Period, *, space: Space | None = None) -> Stats | None:
    """The stats of the time before the venue opened for sharing, from bookings recorded then.

    Only when `period` starts on or after the opening day and confirmed bookings starting before
    it exist: then over as many days as `period` (at most a year) just before the opening day,
    starting no earlier than the first recorded booking, so the weeks before any record do not
    dilute the average. One existence query otherwise.
    """
    opened = venue.opened_for_sharing_on
    if opened is None or period.first < opened:
        return None
    opening_instant = Period(opened, opened).window(venue.zone).start
    recorded = Booking.objects.filter(
        space__venue=venue, status=Booking.Status.CONFIRMED, starts_at__lt=opening_instant
    )
    if space is not None:
        recorded = recorded.filter(space=space)
    first_recorded = recorded.aggregate(first=Min("starts_at"))["first"]
    if first_recorded is None:
        return None
    first = max(
        opened - timedelta(days=min(period.days, 366)),
        first_recorded.astimezone(venue.zone).date(),
    )
    return compute_stats(venue, Period(first, opened - timedelta(days=1)), space=space)


def daily_rows(stats: Stats) -> list[dict]:
    """Daily open and booked hours per space, for CSV and JSON (no hirer identities)."""
    names = {s.pk: s for s in stats.spaces}
    rows = []
    for day in stats.period.dates():
        for s in stats.spaces:
            use = stats.daily.get((day, s.pk), Use())
            rows.append(
                {
                    "date": day.isoformat(),
                    "space": names[s.pk].slug,
                    "space_name": names[s.pk].name,
                    "seats": s.seats,
                    "open_hours": round(use.open_hours, 2),
                    "booked_hours": round(use.booked_hours, 2),
                    "peak_booked_hours": round(use.peak_booked_hours, 2),
                    "occupancy_percent": round(use.occupancy, 1),
                }
            )
    return rows


def utc_now() -> datetime:
    return datetime.now(UTC)
