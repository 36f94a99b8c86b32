"""When is a space free? One answer, used by the booking rules, the week grid, and (later) the API and feeds.

Everything here works in UTC instants; opening hours are expanded day by day in the venue's own
zone, so a 09:00–17:00 day stays 09:00–17:00 on the wall clock across daylight-saving changes.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext

from .intervals import Interval, clip, merge, saturated, subtract
from .models import Closure, OpeningHours, Space, Unavailability, Venue
from .timezones import local_dates, wall_time_to_utc


@dataclass(frozen=True)
class Blocked:
    """Why some time cannot be booked, for showing on the grid."""

    interval: Interval
    reason: str
    imported: bool = False  # from another calendar (Unavailability), not a closure the venue set


def opening_intervals(
    venue: Venue, window: Interval, hours: list[OpeningHours] | None = None
) -> list[Interval]:
    """The venue's weekly opening hours as instants inside `window` (closures not removed)."""
    if hours is None:
        hours = list(venue.opening_hours.all())
    by_weekday: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in hours:
        by_weekday[row.weekday].append(row)
    intervals = []
    for day in local_dates(window.start, window.end, venue.zone):
        for row in by_weekday.get(day.weekday(), []):
            start = wall_time_to_utc(day, row.opens, venue.zone)
            end = wall_time_to_utc(day, row.closes, venue.zone)
            if end > start:
                intervals.append(Interval(start, end))
    return clip(merge(intervals), window)


@dataclass(frozen=True)
class Known:
    """What the availability functions read from the database, fetched once for many spaces.

    `prefetch` fills it for a set of spaces over a span; each function then picks its own part in
    Python with the same tests its query would make, instead of querying per space.
    """

    span: Interval  # closures and unavailability meeting this span were fetched
    holds_span: Interval  # active holds meeting this (the span widened by the largest buffer)
    hours: dict[int, list[OpeningHours]]  # by venue id
    blocked: dict[int, list[Blocked]]  # by space id: its own and its venue's
    holds: dict[
        int, list[tuple[datetime, datetime]]
    ]  # by space id: active [starts_at, blocked_until)

    def covers(self, window: Interval) -> bool:
        return self.span.start <= window.start and window.end <= self.span.end


def prefetch(spaces: list[Space], span: Interval) -> Known:
    """Opening hours, closures, unavailability and active holds of `spaces` around `span`: 4 queries."""
    from bookings.models import Booking

    widest = max((space.buffer_after for space in spaces), default=timedelta(0))
    wide = Interval(span.start - widest, span.end + widest)
    venue_ids = {space.venue_id for space in spaces}
    hours: dict[int, list[OpeningHours]] = defaultdict(list)
    for row in OpeningHours.objects.filter(venue_id__in=venue_ids):
        hours[row.venue_id].append(row)
    meets = Q(venue_id__in=venue_ids, starts_at__lt=span.end, ends_at__gt=span.start)
    blocked: dict[int, list[Blocked]] = {space.pk: [] for space in spaces}
    by_venue: dict[int, list[Space]] = defaultdict(list)
    for space in spaces:
        by_venue[space.venue_id].append(space)
    found = [
        (c.venue_id, c.space_id, Blocked(Interval(c.starts_at, c.ends_at), c.reason))
        for c in Closure.objects.filter(meets)
    ] + [(u.venue_id, u.space_id, _imported(u)) for u in Unavailability.objects.filter(meets)]
    for venue_id, space_id, block in found:
        for space in by_venue[venue_id]:
            if space_id is None or space_id == space.pk:
                blocked[space.pk].append(block)
    holds: dict[int, list[tuple[datetime, datetime]]] = {space.pk: [] for space in spaces}
    for space_id, start, end in (
        Booking.objects.active()
        .filter(space__in=spaces, starts_at__lt=wide.end, blocked_until__gt=wide.start)
        .values_list("space_id", "starts_at", "blocked_until")
    ):
        holds[space_id].append((start, end))
    return Known(span, wide, dict(hours), blocked, holds)


def _imported(u: Unavailability) -> Blocked:
    return Blocked(
        Interval(u.starts_at, u.ends_at), u.summary or gettext("Unavailable"), imported=True
    )


def closed_times(space: Space, window: Interval, known: Known | None = None) -> list[Blocked]:
    """Closures and imported unavailability of the space or its whole venue that meet `window`."""
    if known is not None and known.covers(window):
        return [block for block in known.blocked[space.pk] if block.interval.overlaps(window)]
    venue_or_space = Q(venue_id=space.venue_id) & (Q(space__isnull=True) | Q(space_id=space.pk))
    meets = Q(starts_at__lt=window.end, ends_at__gt=window.start)
    blocked = [
        Blocked(Interval(c.starts_at, c.ends_at), c.reason)
        for c in Closure.objects.filter(venue_or_space & meets).only(
            "starts_at", "ends_at", "reason"
        )
    ]
    blocked += [
        _imported(u)
        for u in Unavailability.objects.filter(venue_or_space & meets).only(
            "starts_at", "ends_at", "summary"
        )
    ]
    return blocked


def open_intervals(space: Space, window: Interval, known: Known | None = None) -> list[Interval]:
    """Opening hours minus closures and unavailability: the space's open hours inside `window`."""
    hours = known.hours.get(space.venue_id, []) if known is not None else None
    return subtract(
        opening_intervals(space.venue, window, hours),
        [b.interval for b in closed_times(space, window, known)],
    )


def full_intervals(
    space: Space,
    window: Interval,
    *,
    buffer: timedelta = timedelta(0),
    exclude_booking_id: int | None = None,
    known: Known | None = None,
) -> list[Interval]:
    """Times in `window` when a new booking cannot run because the space (or every seat) is taken.

    Each active booking holds [starts_at, blocked_until); a new booking with its own `buffer`
    also may not run into a full stretch, so the full stretches are widened backwards by it.
    Widening after counting matters for desk pools: two holds that never run at once must not
    count as two seats just because the new booking's buffer would touch both.
    """
    from bookings.models import Booking  # bookings depends on spaces, not the other way round

    reach = Interval(window.start - buffer, window.end + buffer)
    if (
        known is not None
        and exclude_booking_id is None
        and known.holds_span.start <= reach.start
        and reach.end <= known.holds_span.end
    ):
        holds = [
            (start, end)
            for start, end in known.holds[space.pk]
            if start < reach.end and end > reach.start  # as BookingQuerySet.overlapping
        ]
    else:
        holds = (
            Booking.objects.active()
            .overlapping(space, reach.start, reach.end)
            .exclude(pk=exclude_booking_id)
            .values_list("starts_at", "blocked_until")
        )
    full = saturated((Interval(start, end) for start, end in holds), space.seats)
    return merge(Interval(interval.start - buffer, interval.end) for interval in full)


def bookable_window(space: Space, *, now: datetime) -> Interval:
    """From now plus the minimum notice to now plus the horizon."""
    return Interval(now + space.min_notice, max(now + space.min_notice, now + space.horizon))


def free_intervals(
    space: Space, window: Interval, *, now: datetime, known: Known | None = None
) -> list[Interval]:
    """When a new booking of `space` could run inside `window`.

    Honours opening hours, closures, imported unavailability, active bookings and buffers, seats
    of a desk pool, minimum notice and how far ahead bookings may be made. Duration limits and
    the slot step are the booking's own shape, checked by the rules, not here.
    """
    bookable = bookable_window(space, now=now)
    start, end = max(window.start, bookable.start), min(window.end, bookable.end)
    if end <= start:
        return []
    window = Interval(start, end)
    return subtract(
        open_intervals(space, window, known),
        full_intervals(space, window, buffer=space.buffer_after, known=known),
    )


def venue_free_intervals(
    venue: Venue, window: Interval, *, now: datetime
) -> dict[Space, list[Interval]]:
    """`free_intervals` for every bookable space of a venue (a fixed number of queries)."""
    spaces = list(venue.spaces.filter(is_active=True).select_related("venue"))
    known = prefetch(spaces, window)
    return {space: free_intervals(space, window, now=now, known=known) for space in spaces}


def seats_taken(space: Space, window: Interval) -> list[tuple[Interval, int]]:
    """For a desk pool: (interval, number of seats held) pieces covering the bookings inside `window`."""
    from bookings.models import Booking

    holds = (
        Booking.objects.active()
        .overlapping(space, window.start, window.end)
        .values_list("starts_at", "blocked_until")
    )
    edges: dict[datetime, int] = defaultdict(int)
    for start, end in holds:
        edges[max(start, window.start)] += 1
        edges[min(end, window.end)] -= 1
    pieces = []
    running = 0
    instants = sorted(edges)
    for here, there in zip(instants, instants[1:], strict=False):
        running += edges[here]
        if running:
            pieces.append((Interval(here, there), running))
    return pieces
