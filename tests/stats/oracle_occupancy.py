"""The stats' clipping, open-time cutting and adding up as they were before they were made fast:
the oracle the faster ones are held to (tests/stats/test_fast_equals_oracle.py). Not used by the
app. `old_compute_stats` is `compute_stats` with the cutting, clipping and the passes over the
segments of before: one copy of the segments per space, a pass over every segment for the open
hours, the clipping summed by the database."""

import json
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from bookings.models import Booking
from members.models import Organisation
from spaces.intervals import Interval, subtract
from spaces.models import Space, Venue
from spaces.open_hours import closed_times, prefetch_open, venue_opening
from spaces.timezones import wall_time_to_utc
from stats import occupancy, prices
from stats.figures import INDIVIDUAL, Mix, Stats, Use, activity_labels, is_desk_pool, kind_labels
from stats.periods import Period
from stats.segments import EPOCH, Segment, _offset_seconds


def old_split_open_time(space: Space, intervals: list[Interval], venue: Venue) -> list[Segment]:
    """Cut open intervals at local hours, UTC hours and the venue's daily peak start and end."""
    zone, space_id = venue.zone, space.pk
    # Local day number (days since 1970-01-01) -> (date, weekday, peak start, peak end).
    local_days: dict[int, tuple[date, int, float, float]] = {}
    segments = []
    for interval in intervals:
        start, end = interval.start.timestamp(), interval.end.timestamp()
        offset = _offset_seconds(interval.start.astimezone(zone))
        # Within an interval that does not cross a clock change the local time is plain
        # arithmetic; across one (a night opening on the DST days) each step asks the zone.
        last = (interval.end - timedelta(microseconds=1)).astimezone(zone)
        steady = offset == _offset_seconds(last)
        while start < end:
            if not steady:
                local_time = datetime.fromtimestamp(start, UTC).astimezone(zone)
                offset = _offset_seconds(local_time)
            local_seconds = start + offset
            day_number = int(local_seconds // 86400)
            if day_number not in local_days:
                day = EPOCH + timedelta(days=day_number)
                local_days[day_number] = (
                    day,
                    day.weekday(),
                    wall_time_to_utc(day, venue.peak_starts, zone).timestamp(),
                    wall_time_to_utc(day, venue.peak_ends, zone).timestamp(),
                )
            day, weekday, peak_starts, peak_ends = local_days[day_number]
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


def _epoch_seconds(column: str) -> str:
    """SQL for the POSIX seconds of a datetime column."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})::double precision"
    # Django stores SQLite datetimes as UTC text; julianday reads it. Rounded to whole seconds.
    return f"ROUND((julianday({column}) - 2440587.5) * 86400.0)"


def _pieces_sql(
    space_ids: list[int], window: Interval, segments: list[Segment]
) -> tuple[str, list]:
    """CTEs ending in `pieces(idx, kind, activity, priced, funded, secs)`: each confirmed booking
    clipped to each segment.

    The segments travel as parameters: three typed arrays on PostgreSQL, one JSON text on SQLite.
    """
    booking_table = connection.ops.quote_name(Booking._meta.db_table)
    organisation_table = connection.ops.quote_name(Organisation._meta.db_table)
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
        booking_hours_sql = (
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
        booking_hours_sql = (
            "SELECT bk.*, CAST(bk.bs / 3600 AS INTEGER) AS bucket FROM bk"
            " UNION ALL SELECT id, space_id, bs, be, kind, activity, priced, funded, bucket + 1"
            " FROM bh WHERE (bucket + 1) * 3600 < be"
        )
        recursive = "RECURSIVE "
    sql = f"""
        WITH {recursive}seg AS ({segments_sql}),
        bk AS (
            SELECT b.id, b.space_id, {_epoch_seconds("b.starts_at")} AS bs,
                   {_epoch_seconds("b.ends_at")} AS be,
                   COALESCE(o.kind, '{INDIVIDUAL}') AS kind, b.activity AS activity,
                   {prices.PRICED_SQL} AS priced, {prices.FUNDED_SQL} AS funded
            FROM {booking_table} b LEFT JOIN {organisation_table} o ON o.id = b.organisation_id
            WHERE b.status = %s AND b.space_id IN ({placeholders})
              AND b.starts_at < %s AND b.ends_at > %s
        ),
        bh AS ({booking_hours_sql}),
        pieces AS (
            SELECT seg.idx AS idx, bh.kind AS kind, bh.activity AS activity,
                   bh.priced AS priced, bh.funded AS funded,
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


def old_booked_seconds(
    space_ids: list[int], window: Interval, segments: list[Segment]
) -> list[tuple]:
    """Rows (segment index, kind of hirer, activity, way of pricing, draws a fund, seconds): the
    confirmed bookings of the spaces clipped to each segment and summed by the database, in one
    query."""
    pieces_sql, params = _pieces_sql(space_ids, window, segments)
    with connection.cursor() as cursor:
        cursor.execute(
            pieces_sql + " SELECT idx, kind, activity, priced, funded, SUM(secs) FROM pieces"
            " GROUP BY idx, kind, activity, priced, funded",
            params,
        )
        return cursor.fetchall()


def old_open_segments(venue: Venue, spaces: list[Space], window: Interval) -> list[Segment]:
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
            segments += old_split_open_time(each, subtract(venue_open, closed), venue)
            continue
        if venue_segments is None:
            venue_segments = old_split_open_time(each, venue_open, venue)
        space_id = (each.pk,)
        segments += [new(Segment, space_id + segment[1:]) for segment in venue_segments]
    return segments


def old_add_open_hours(stats: Stats, segments: list[Segment]) -> list[tuple[Use, Use]]:
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


def old_add_booked_hours(
    stats: Stats,
    segments: list[Segment],
    cells_of_segments: list[tuple[Use, Use]],
    booked_rows: list[tuple],
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
            month = months[segment.day] = occupancy._first_of_month(segment.day)
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


def old_compute_stats(venue: Venue, period: Period, *, space: Space | None = None) -> Stats:
    """compute_stats as it was: the same counts of bookings and hirers, the passes of before."""
    spaces = (
        [space] if space is not None else list(venue.spaces.filter(is_active=True).order_by("name"))
    )
    stats = Stats(venue=venue, period=period, spaces=spaces, whole_venue=space is None)
    for each in spaces:
        stats.by_space[each.pk] = Use()
    window = period.window(venue.zone)
    segments = old_open_segments(venue, spaces, window)
    cells_of_segments = old_add_open_hours(stats, segments)
    ids = [each.pk for each in spaces]
    booked_rows = sorted(tuple(row) for row in old_booked_seconds(ids, window, segments))
    old_add_booked_hours(stats, segments, cells_of_segments, booked_rows)
    occupancy.prices.add_priced_hours(
        stats, [segments[row[0]].space_id for row in booked_rows], booked_rows
    )
    occupancy._add_up_days(stats)
    occupancy._count_bookings(stats, window)
    occupancy._count_hirers(stats, window)
    return stats
