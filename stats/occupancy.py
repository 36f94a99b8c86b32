"""Occupancy and impact figures of a venue (or one space) over a period; definitions in
docs/occupancy.md, the `Stats` they are held in in stats/figures.py.

`compute_stats` runs in phases, and why this way:
1. `_open_segments`: open hours are the venue's opening hours in its zone minus the closures and
   unavailability of each space (`spaces.open_hours`), cut in Python into *segments*: pieces
   of open time that never cross a local hour, a UTC hour or a peak boundary. They are few
   (days x open hours x spaces), whatever the number of bookings, and most days share a shape:
   each shape of open day is cut once and its pieces shifted to the other days.
2. `_add_open_hours`: each segment's open and capacity hours go to its daily and heatmap cells.
3. `_booked_seconds`: the confirmed bookings meeting the period are read as plain rows (one
   indexed query) and clipped to the segments in one pass: each booking finds its space's first
   segment by bisection and walks on only while they overlap. No hour-by-hour expansion in SQL:
   `generate_series` over columns made PostgreSQL expect 1,000 rows a booking, and the inflated
   estimate switched on JIT compilation, which cost more than the query.
4. `_add_booked_hours` puts those seconds into the same cells and the hirer and activity mix;
   `_add_up_days` sums the daily cells into spaces, months and the total.
5. `_count_bookings` and `_count_hirers`: hirings, statuses and hirers, one aggregate each.
The number of queries is fixed (a few per space for open hours, four for the figures): it does
not grow with the number of bookings.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.models import Booking
from spaces.intervals import Interval, subtract
from spaces.models import Space, Venue
from spaces.open_hours import closed_times, prefetch_open, venue_opening
from spaces.timezones import wall_time_to_utc

from . import prices
from .figures import INDIVIDUAL, Mix, Stats, Use, activity_labels, is_desk_pool, kind_labels
from .periods import Period

EPOCH = date(1970, 1, 1)
# A row of the clipping query: segment index, kind of hirer, activity, way of pricing, whether
# the booking draws a community fund (0 or 1), booked seconds.
BookedRow = tuple[int, str, str, str, int, float]


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


def _offset_seconds(local: datetime) -> float:
    """The UTC offset of a datetime in a zone, in seconds."""
    offset = local.utcoffset()
    assert offset is not None  # aware: made by astimezone
    return offset.total_seconds()


def split_open_time(space: Space, intervals: list[Interval], venue: Venue) -> list[Segment]:
    """Cut open intervals at local hours, UTC hours and the venue's daily peak start and end.

    Most intervals are one day's opening, the same shape as many other days'; each shape is cut
    once (`_cut`) and its pieces shifted to every day of that shape.
    """
    zone, space_id = venue.zone, space.pk
    # Local day number (days since 1970-01-01) -> (date, weekday, peak start, peak end).
    local_days: dict[int, tuple[date, int, float, float]] = {}

    def local_day(day_number: int) -> tuple[date, int, float, float]:
        if day_number not in local_days:
            day = EPOCH + timedelta(days=day_number)
            local_days[day_number] = (
                day,
                day.weekday(),
                wall_time_to_utc(day, venue.peak_starts, zone).timestamp(),
                wall_time_to_utc(day, venue.peak_ends, zone).timestamp(),
            )
        return local_days[day_number]

    shapes: dict[tuple[float, ...], list[tuple[int, bool, float, float, float]]] = {}
    segments = []
    for interval in intervals:
        start, end = interval.start.timestamp(), interval.end.timestamp()
        offset = _offset_seconds(interval.start.astimezone(zone))
        last = (interval.end - timedelta(microseconds=1)).astimezone(zone)
        day_number = int((start + offset) // 86400)
        if offset != _offset_seconds(last) or int((end - 1 + offset) // 86400) != day_number:
            # Across a clock change or a local midnight: cut step by step.
            segments += _cut(space_id, start, end, zone, local_day)
            continue
        day, weekday, peak_starts, peak_ends = local_day(day_number)
        shape = (start % 86400, end - start, offset, peak_starts - start, peak_ends - start)
        pieces = shapes.get(shape)
        if pieces is None:
            pieces = shapes[shape] = [
                (s.hour, s.peak, s.start - start, s.end - start, s.hours)
                for s in _cut(space_id, start, end, zone, local_day)
            ]
        segments += [
            Segment(space_id, day, weekday, hour, peak, start + rel_start, start + rel_end, hours)
            for hour, peak, rel_start, rel_end, hours in pieces
        ]
    return segments


def _cut(
    space_id: int,
    start: float,
    end: float,
    zone: ZoneInfo,
    local_day: Callable[[int], tuple[date, int, float, float]],
) -> list[Segment]:
    """[start, end) cut at local hours, UTC hours and each local day's peak start and end."""
    segments = []
    offset = _offset_seconds(datetime.fromtimestamp(start, UTC).astimezone(zone))
    last = datetime.fromtimestamp(end, UTC) - timedelta(microseconds=1)
    # Within an interval that does not cross a clock change the local time is plain
    # arithmetic; across one (a night opening on the DST days) each step asks the zone.
    steady = offset == _offset_seconds(last.astimezone(zone))
    while start < end:
        if not steady:
            offset = _offset_seconds(datetime.fromtimestamp(start, UTC).astimezone(zone))
        local_seconds = start + offset
        day, weekday, peak_starts, peak_ends = local_day(int(local_seconds // 86400))
        stop = min(end, start - local_seconds % 3600 + 3600, start - start % 3600 + 3600)
        if start < peak_starts < stop:
            stop = peak_starts
        elif start < peak_ends < stop:
            stop = peak_ends
        hour = int(local_seconds % 86400 // 3600)
        peak = peak_starts <= start < peak_ends
        segments.append(
            Segment(space_id, day, weekday, hour, peak, start, stop, (stop - start) / 3600)
        )
        start = stop
    return segments


def _first_of_month(day: date) -> date:
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
    stats = Stats(venue=venue, period=period, spaces=spaces, whole_venue=space is None)
    for each in spaces:
        stats.by_space[each.pk] = Use()
    if not spaces:
        return stats
    window = period.window(venue.zone)
    segments = _open_segments(venue, spaces, window)
    cells_of_segments = _add_open_hours(stats, segments)
    booked_rows = _booked_seconds([each.pk for each in spaces], window, segments)
    _add_booked_hours(stats, segments, cells_of_segments, booked_rows)
    prices.add_priced_hours(stats, segments, booked_rows)
    _add_up_days(stats)
    _count_bookings(stats, window)
    _count_hirers(stats, window)
    return stats


def _open_segments(venue: Venue, spaces: list[Space], window: Interval) -> list[Segment]:
    """The open time of each space in `window` (as `open_intervals` gives it), cut into segments,
    space after space in the order given.

    The venue's weekly hours are expanded once; spaces with no closure or unavailability of their
    own share one cut of them.
    """
    known = prefetch_open(spaces, window)  # hours, exceptions, closures: 3 queries in all
    venue_open = venue_opening(venue, window, known)
    segments: list[Segment] = []
    venue_segments: list[Segment] | None = None  # the venue's open time, cut once for all spaces
    new = tuple.__new__  # a copy for another space, without NamedTuple's slower constructor
    for each in spaces:
        closed = [blocked.interval for blocked in closed_times(each, window, known)]
        if closed:
            segments += split_open_time(each, subtract(venue_open, closed), venue)
            continue
        if venue_segments is None:
            venue_segments = split_open_time(each, venue_open, venue)
        space_id = (each.pk,)
        segments += [new(Segment, space_id + segment[1:]) for segment in venue_segments]
    return segments


def _add_open_hours(stats: Stats, segments: list[Segment]) -> list[tuple[Use, Use]]:
    """Add each segment's open and capacity hours to its (day, space) cell of `stats.daily` and
    its (weekday, hour) cell of `stats.heatmap` (a room) or `stats.desk_heatmap` (a desk pool);
    return those two cells of each segment, in order.
    """
    # The hottest loop of a stats page: one pass per segment, kept plain.
    seats_of_space = {each.pk: each.seats for each in stats.spaces}
    heatmap_of_space = {
        each.pk: stats.desk_heatmap if is_desk_pool(each) else stats.heatmap
        for each in stats.spaces
    }
    cells_of_segments: list[tuple[Use, Use]] = []
    append = cells_of_segments.append
    daily: dict[tuple[date, int], Use] = {}
    stats.daily = daily
    # A space's segments of one day come one after another: look its cell up once.
    last_day, last_space, day_use = None, None, Use()
    heatmap, seats = stats.heatmap, 1
    for space_id, day, weekday, hour, peak, _start, _end, hours in segments:
        if day is not last_day or space_id != last_space:
            if space_id != last_space:
                heatmap, seats = heatmap_of_space[space_id], seats_of_space[space_id]
            last_day, last_space = day, space_id
            found = daily.get((day, space_id))
            if found is None:
                found = daily[(day, space_id)] = Use()
            day_use = found
        heat_use = heatmap.get((weekday, hour))
        if heat_use is None:
            heat_use = heatmap[(weekday, hour)] = Use()
        capacity = hours * seats
        day_use.open_hours += hours
        day_use.capacity_hours += capacity
        heat_use.open_hours += hours
        heat_use.capacity_hours += capacity
        if peak:
            day_use.peak_capacity_hours += capacity
            heat_use.peak_capacity_hours += capacity
        append((day_use, heat_use))
    return cells_of_segments


def _booked_seconds(
    space_ids: list[int], window: Interval, segments: list[Segment]
) -> list[BookedRow]:
    """Rows (segment index, kind of hirer, activity, way of pricing, draws a fund, seconds): the
    confirmed bookings of the spaces clipped to each segment and summed, in one query and one
    pass: each booking, read as a plain row, walks only the segments of its space that it meets.
    """
    # Each space's segments are consecutive and in time order (`_open_segments`).
    first: dict[int, int] = {}
    starts: dict[int, list[float]] = defaultdict(list)
    ends: dict[int, list[float]] = defaultdict(list)
    for idx, segment in enumerate(segments):
        first.setdefault(segment.space_id, idx)
        starts[segment.space_id].append(segment.start)
        ends[segment.space_id].append(segment.end)
    bookings = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED,
            space_id__in=space_ids,
            starts_at__lt=window.end,
            ends_at__gt=window.start,
        )
        .annotate(
            kind=Coalesce("organisation__kind", Value(INDIVIDUAL)),
            priced=prices.price_class(),
            funded=Case(When(fund__isnull=True, then=Value(0)), default=Value(1)),
        )
        .order_by()
        .values_list("space_id", "starts_at", "ends_at", "kind", "activity", "priced", "funded")
    )
    seconds: dict[tuple[int, str, str, str, int], float] = defaultdict(float)
    for space_id, starts_at, ends_at, kind, activity, priced, funded in bookings:
        if space_id not in first:
            continue  # not open at all in the period
        booked_start, booked_end = starts_at.timestamp(), ends_at.timestamp()
        offset, space_starts, space_ends = first[space_id], starts[space_id], ends[space_id]
        # The first of the space's segments ending after the booking starts, then on while
        # they start before it ends.
        at, count = bisect_right(space_ends, booked_start), len(space_ends)
        while at < count and space_starts[at] < booked_end:
            met = min(booked_end, space_ends[at]) - max(booked_start, space_starts[at])
            seconds[(offset + at, kind, activity, priced, funded)] += met
            at += 1
    return [(*key, secs) for key, secs in sorted(seconds.items())]


def _add_booked_hours(
    stats: Stats,
    segments: list[Segment],
    cells_of_segments: list[tuple[Use, Use]],
    booked_rows: list[BookedRow],
) -> None:
    """Add each row's booked hours to its segment's daily and heatmap cells, to the hirer mix and
    the activities, and to the hours by month and kind of hirer, rooms (hours) and desk pools
    (seat-hours) apart."""
    kinds, activities = kind_labels(), activity_labels()
    desk_pools = {each.pk for each in stats.desk_pools}
    months: dict[date, date] = {}
    for idx, kind, activity, _priced, _funded, seconds in booked_rows:
        segment = segments[int(idx)]
        hours = float(seconds) / 3600
        day_use, heat_use = cells_of_segments[int(idx)]
        day_use.booked_hours += hours
        heat_use.booked_hours += hours
        if segment.peak:
            day_use.peak_booked_hours += hours
            heat_use.peak_booked_hours += hours
        by_kind = stats.by_kind.get(kind)
        if by_kind is None:
            by_kind = stats.by_kind[kind] = Mix(kind, kinds.get(kind, kind))
        by_activity = stats.by_activity.get(activity)
        if by_activity is None:
            by_activity = stats.by_activity[activity] = Mix(
                activity, activities.get(activity, activity)
            )
        month = months.get(segment.day)
        if month is None:
            month = months[segment.day] = _first_of_month(segment.day)
        key = (month, kind)
        if segment.space_id in desk_pools:
            by_kind.desk_seat_hours += hours
            by_activity.desk_seat_hours += hours
            by_month = stats.desk_kind_by_month
        else:
            by_kind.room_hours += hours
            by_activity.room_hours += hours
            by_month = stats.kind_by_month
        by_month[key] = by_month.get(key, 0.0) + hours


def _add_up_days(stats: Stats) -> None:
    """Sum the daily cells, in date order, into the total, rooms and desk pools, each space and
    each month of each space: run once every open and booked hour is in them."""
    desk_pools = {each.pk for each in stats.desk_pools}
    for (day, space_id), use in sorted(stats.daily.items()):
        stats.total += use
        if space_id in desk_pools:
            stats.desks += use
        else:
            stats.rooms += use
        space_use = stats.by_space[space_id]
        space_use += use
        month_use = stats.monthly.setdefault((_first_of_month(day), space_id), Use())
        month_use += use


def _count_bookings(stats: Stats, window: Interval) -> None:
    """Count the bookings starting in `window` by status; the confirmed ones also as hirings by
    space, kind of hirer and activity, with their declared participant visits, and their money
    by way of pricing (stats/prices.py). One query."""
    kinds, activities = kind_labels(), activity_labels()
    desk_pools = {each.pk for each in stats.desk_pools}
    starting = Booking.objects.filter(
        space__in=stats.spaces, starts_at__gte=window.start, starts_at__lt=window.end
    )
    status_rows = (
        starting.annotate(priced=prices.price_class(), fund_kind=prices.fund_kind())
        .values("status", "space_id", "organisation__kind", "activity", "priced", "fund_kind")
        .annotate(n=Count("id"), people=Sum("attendees"), **prices.MONEY)
    )
    for row in status_rows:
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
                if space_id in desk_pools:
                    mix.desk_hirings += row["n"]
                else:
                    mix.room_hirings += row["n"]
                mix.participant_visits += row["people"] or 0
            prices.add_hirings_money(
                stats, row, desk=space_id in desk_pools, by_kind=stats.by_kind[kind]
            )
        elif status == Booking.Status.PENDING:
            stats.pending += row["n"]
        elif status == Booking.Status.DECLINED:
            stats.declined += row["n"]
        elif status == Booking.Status.CANCELLED:
            stats.cancelled += row["n"]


def _count_hirers(stats: Stats, window: Interval) -> None:
    """Count the distinct hirers with a confirmed booking starting in `window`, new or returning,
    and by postcode district (upper case, sorted). One query."""
    # One row per hirer (an organisation, or a member booking for no organisation) who had a
    # confirmed booking starting in the period; `first` tells new from returning.
    hirer_rows = (
        Booking.objects.filter(
            space__in=stats.spaces, status=Booking.Status.CONFIRMED, starts_at__lt=window.end
        )
        .annotate(solo_booker=Case(When(organisation__isnull=True, then="booker_id")))
        .values("organisation_id", "solo_booker", "organisation__postcode_district")
        .annotate(first=Min("starts_at"), last=Max("starts_at"))
        .filter(Q(last__gte=window.start))
    )
    districts: dict[str, int] = defaultdict(int)
    not_given = _("Not given")
    for first, district in hirer_rows.values_list("first", "organisation__postcode_district"):
        stats.hirers += 1
        if first >= window.start:
            stats.new_hirers += 1
        else:
            stats.returning_hirers += 1
        districts[(district or "").upper() or not_given] += 1
    stats.hirers_by_district = dict(sorted(districts.items()))


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


def first_recorded_day(venue: Venue, *, space: Space | None = None) -> date | None:
    """The local day of the venue's (or the space's) first confirmed booking, or None: before it
    nothing was recorded, so a default period does not count those days as empty."""
    confirmed = Booking.objects.filter(space__venue=venue, status=Booking.Status.CONFIRMED)
    if space is not None:
        confirmed = confirmed.filter(space=space)
    first = confirmed.aggregate(first=Min("starts_at"))["first"]
    return first.astimezone(venue.zone).date() if first is not None else None


def daily_rows(stats: Stats) -> list[dict]:
    """Daily open and booked hours per space, for CSV and JSON (no hirer identities)."""
    rows = []
    for day in stats.period.dates():
        for each in stats.spaces:
            use = stats.daily.get((day, each.pk), Use())
            rows.append(
                {
                    "date": day.isoformat(),
                    "space": each.slug,
                    "space_name": each.name,
                    "seats": each.seats,
                    "open_hours": round(use.open_hours, 2),
                    "booked_hours": round(use.booked_hours, 2),
                    "peak_booked_hours": round(use.peak_booked_hours, 2),
                    "occupancy_percent": round(use.occupancy, 1),
                }
            )
    return rows
