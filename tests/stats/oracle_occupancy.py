"""The stats' clipping and open-time cutting as they were before they were made fast: the oracle
the faster ones are held to (tests/stats/test_fast_equals_oracle.py). Not used by the app."""

import json
from datetime import UTC, date, datetime, timedelta

from django.db import connection

from bookings.models import Booking
from members.models import Organisation
from spaces.intervals import Interval
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc
from stats import prices
from stats.figures import INDIVIDUAL
from stats.occupancy import EPOCH, Segment, _offset_seconds


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
