"""Occupancy and impact figures of a venue (or one space) over a period; definitions in
docs/occupancy.md, the `Stats` they are held in in stats/figures.py.

`compute_stats` runs in phases, and why this way:
1. `_open_segments`: open hours are the venue's opening hours in its zone minus the closures and
   unavailability of each space (`spaces.open_hours`), cut in Python into *segments*: pieces
   of open time that never cross a local hour, a UTC hour or a peak boundary
   (stats/segments.py). They are few (days x open hours x spaces), whatever the number of
   bookings; each shape of open day is cut once and its pieces shifted to the other days, and
   the spaces with no closure of their own share one `Cut` (no copy per space).
2. `_add_open_hours`: each cut's days and heatmap cells are added up segment after segment, a
   day once for all the spaces with its seats that share the cut.
3. `_booked_seconds`: the confirmed bookings meeting the period are read as plain rows (one
   indexed query; on PostgreSQL their times as epoch seconds, straight from the cursor) and
   clipped to the segments in one pass: each booking finds its space's first segment by
   bisection and walks on only while they overlap. No hour-by-hour expansion in SQL:
   `generate_series` over columns made PostgreSQL expect 1,000 rows a booking, and the inflated
   estimate switched on JIT compilation, which cost more than the query.
4. `_add_booked_hours` puts those seconds into the same cells and the hirer and activity mix;
   `_add_up_days` sums the daily cells into spaces, months and the total.
5. `_count_bookings` and `_count_hirers`: hirings, statuses and hirers, one aggregate each.
Every sum is made in the same order as before these shortcuts, so the figures are exactly the
same (tests/stats/test_fast_equals_oracle.py). The number of queries is fixed (three for open
hours, three for the figures): it does not grow with the number of bookings.
"""

from bisect import bisect_right
from collections import defaultdict
from datetime import date, timedelta

from django.db import connection
from django.db.models import Case, Count, FloatField, Func, Max, Min, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from bookings.models import Booking
from spaces.intervals import Interval, subtract
from spaces.models import Space, Venue
from spaces.open_hours import closed_times, prefetch_open, venue_opening

from . import prices
from .figures import INDIVIDUAL, Mix, Stats, Use, activity_labels, is_desk_pool, kind_labels
from .periods import Period
from .segments import EPOCH, Cut, OpenSegments, Segment, split_open_time

__all__ = ["EPOCH", "Segment", "compute_stats", "daily_rows", "split_open_time"]

# A row of the clipping query: segment index, kind of hirer, activity, way of pricing, whether
# the booking draws a community fund (0 or 1), booked seconds.
BookedRow = tuple[int, str, str, str, int, float]


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
    _add_open_hours(stats, segments)
    booked_rows = _booked_seconds([each.pk for each in spaces], window, segments)
    located = segments.locate_all([row[0] for row in booked_rows])
    _add_booked_hours(stats, located, booked_rows)
    prices.add_priced_hours(stats, [space_id for space_id, _segment in located], booked_rows)
    _add_up_days(stats)
    _count_bookings(stats, window)
    _count_hirers(stats, window)
    return stats


def _open_segments(venue: Venue, spaces: list[Space], window: Interval) -> OpenSegments:
    """The open time of each space in `window` (as `open_intervals` gives it), cut into segments,
    space after space in the order given.

    The venue's weekly hours are expanded once; spaces with no closure or unavailability of their
    own share one cut of them.
    """
    known = prefetch_open(spaces, window)  # hours, exceptions, closures: 3 queries in all
    venue_open = venue_opening(venue, window, known)
    cuts: list[tuple[int, Cut]] = []
    venue_cut: Cut | None = None  # the venue's open time, cut once for all spaces
    for each in spaces:
        closed = [blocked.interval for blocked in closed_times(each, window, known)]
        if closed:
            cuts.append((each.pk, Cut(split_open_time(each, subtract(venue_open, closed), venue))))
            continue
        if venue_cut is None:
            venue_cut = Cut(split_open_time(each, venue_open, venue))
        cuts.append((each.pk, venue_cut))
    return OpenSegments(cuts)


def _add_open_hours(stats: Stats, segments: OpenSegments) -> None:
    """Add each segment's open and capacity hours to its (day, space) cell of `stats.daily` and
    its (weekday, hour) cell of `stats.heatmap` (a room) or `stats.desk_heatmap` (a desk pool).

    Each cut's days and cells are added up hour after hour in segment order, space after space,
    so every sum is exactly what a pass over the segments gives; but a day of a cut is added up
    once for all the spaces with its number of seats that share the cut.
    """
    seats_of_space = {each.pk: each.seats for each in stats.spaces}
    heatmap_of_space = {
        each.pk: stats.desk_heatmap if is_desk_pool(each) else stats.heatmap
        for each in stats.spaces
    }
    daily: dict[tuple[date, int], Use] = {}
    stats.daily = daily
    days_of_cut: dict[tuple[int, int], list[tuple[date, float, float, float]]] = {}
    for space_id, _first, cut in segments.runs:
        seats = seats_of_space[space_id]
        days = days_of_cut.get((id(cut), seats))
        if days is None:
            days = days_of_cut[(id(cut), seats)] = []
            for day, (hours_list, peaks) in cut.days.items():
                open_hours = capacity_hours = peak_capacity_hours = 0.0
                for hours, peak in zip(hours_list, peaks, strict=True):
                    capacity = hours * seats
                    open_hours += hours
                    capacity_hours += capacity
                    if peak:
                        peak_capacity_hours += capacity
                days.append((day, open_hours, capacity_hours, peak_capacity_hours))
        for day, open_hours, capacity_hours, peak_capacity_hours in days:
            daily[(day, space_id)] = Use(open_hours, capacity_hours, 0.0, peak_capacity_hours)
        heatmap = heatmap_of_space[space_id]
        for key, (hours_list, peaks) in cut.cells.items():
            heat_use = heatmap.get(key)
            if heat_use is None:
                heat_use = heatmap[key] = Use()
            open_hours = heat_use.open_hours
            capacity_hours = heat_use.capacity_hours
            peak_capacity_hours = heat_use.peak_capacity_hours
            for hours, peak in zip(hours_list, peaks, strict=True):
                capacity = hours * seats
                open_hours += hours
                capacity_hours += capacity
                if peak:
                    peak_capacity_hours += capacity
            heat_use.open_hours = open_hours
            heat_use.capacity_hours = capacity_hours
            heat_use.peak_capacity_hours = peak_capacity_hours


class _Seconds(Func):
    """The POSIX seconds of a datetime column as a float (PostgreSQL): the clipping reads numbers,
    not a datetime made per row. The same float as `datetime.timestamp()`: both round the exact
    microseconds once."""

    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"
    output_field = FloatField()


def _booked_seconds(
    space_ids: list[int], window: Interval, segments: OpenSegments
) -> list[BookedRow]:
    """Rows (segment index, kind of hirer, activity, way of pricing, draws a fund, seconds): the
    confirmed bookings of the spaces clipped to each segment and summed, in one query and one
    pass: each booking, read as a plain row, walks only the segments of its space that it meets.
    """
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
        # In time order, so that a space's rows below meet its segments in order and the sums
        # come out almost sorted (sorting them is then one quick pass).
        .order_by("starts_at", "id")
    )
    rows: list[tuple]
    if connection.vendor == "postgresql":
        # Plain rows from the cursor: the times as numbers, no ORM converters per row.
        query = bookings.annotate(
            booked_start=_Seconds("starts_at"), booked_end=_Seconds("ends_at")
        ).values_list(
            "space_id", "booked_start", "booked_end", "kind", "activity", "priced", "funded"
        )
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        rows = [
            (space_id, starts_at.timestamp(), ends_at.timestamp(), *rest)
            for space_id, starts_at, ends_at, *rest in bookings.values_list(
                "space_id", "starts_at", "ends_at", "kind", "activity", "priced", "funded"
            )
        ]
    rows_of_space: dict[int, list[tuple]] = defaultdict(list)
    for row in rows:
        rows_of_space[row[0]].append(row)
    # Each booking's piece of each segment it meets; almost every segment meets one booking, so
    # the pieces are listed, sorted (almost in order already: each space's bookings come in
    # time order) and only the few of one segment and one kind of booking summed.
    pieces: list[BookedRow] = []
    add = pieces.append
    for space_id, first, cut in segments.runs:
        space_starts, space_ends, count = cut.starts, cut.ends, len(cut.ends)
        for _space, booked_start, booked_end, kind, activity, priced, funded in rows_of_space.get(
            space_id, ()
        ):
            # The first of the space's segments ending after the booking starts, then on while
            # they start before it ends.
            at = bisect_right(space_ends, booked_start)
            while at < count and space_starts[at] < booked_end:
                segment_end, segment_start = space_ends[at], space_starts[at]
                met = (booked_end if booked_end < segment_end else segment_end) - (
                    booked_start if booked_start > segment_start else segment_start
                )
                add((first + at, kind, activity, priced, funded, met))
                at += 1
    pieces.sort()
    summed: list[BookedRow] = []
    last: BookedRow | None = None
    for piece in pieces:
        if last is not None and piece[0] == last[0] and piece[1:5] == last[1:5]:
            last = summed[-1] = (*piece[:5], last[5] + piece[5])
        else:
            summed.append(piece)
            last = piece
    return summed


def _add_booked_hours(
    stats: Stats, located: list[tuple[int, Segment]], booked_rows: list[BookedRow]
) -> None:
    """Add each row's booked hours to its segment's daily and heatmap cells, to the hirer mix and
    the activities, and to the hours by month and kind of hirer, rooms (hours) and desk pools
    (seat-hours) apart. `located` is each row's space and segment (`OpenSegments.locate_all`)."""
    kinds, activities = kind_labels(), activity_labels()
    desk_pools = {each.pk for each in stats.desk_pools}
    heatmap_of_space = {
        each.pk: stats.desk_heatmap if is_desk_pool(each) else stats.heatmap
        for each in stats.spaces
    }
    daily = stats.daily
    months: dict[date, date] = {}
    for (space_id, segment), (_idx, kind, activity, _priced, _funded, seconds) in zip(
        located, booked_rows, strict=True
    ):
        hours = float(seconds) / 3600
        day = segment.day
        day_use = daily[(day, space_id)]
        heat_use = heatmap_of_space[space_id][(segment.weekday, segment.hour)]
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
        month = months.get(day)
        if month is None:
            month = months[day] = _first_of_month(day)
        key = (month, kind)
        if space_id in desk_pools:
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
    total, desks, rooms, by_space, monthly = (
        stats.total,
        stats.desks,
        stats.rooms,
        stats.by_space,
        stats.monthly,
    )
    months: dict[date, date] = {}
    for (day, space_id), use in sorted(stats.daily.items()):
        total += use
        if space_id in desk_pools:
            desks += use
        else:
            rooms += use
        space_use = by_space[space_id]
        space_use += use
        month = months.get(day)
        if month is None:
            month = months[day] = _first_of_month(day)
        month_use = monthly.get((month, space_id))
        if month_use is None:
            month_use = monthly[(month, space_id)] = Use()
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
                mix = table.get(key)
                if mix is None:
                    mix = table[key] = Mix(key, labels.get(key, key))
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
        # New or returning told in the query: a number per row, not a datetime made.
        .annotate(new=Case(When(first__gte=window.start, then=Value(1)), default=Value(0)))
    )
    districts: dict[str, int] = defaultdict(int)
    not_given = _("Not given")
    for new, district in hirer_rows.values_list("new", "organisation__postcode_district"):
        stats.hirers += 1
        if new:
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
