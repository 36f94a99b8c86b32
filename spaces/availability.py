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


def closed_times(space: Space, window: Interval) -> list[Blocked]:
    """Closures and imported unavailability of the space or its whole venue that meet `window`."""
    venue_or_space = Q(venue_id=space.venue_id) & (Q(space__isnull=True) | Q(space_id=space.pk))
    meets = Q(starts_at__lt=window.end, ends_at__gt=window.start)
    blocked = [
        Blocked(Interval(c.starts_at, c.ends_at), c.reason)
        for c in Closure.objects.filter(venue_or_space & meets).only(
            "starts_at", "ends_at", "reason"
        )
    ]
    blocked += [
        Blocked(
            Interval(u.starts_at, u.ends_at), u.summary or gettext("Unavailable"), imported=True
        )
        for u in Unavailability.objects.filter(venue_or_space & meets).only(
            "starts_at", "ends_at", "summary"
        )
    ]
    return blocked


def open_intervals(space: Space, window: Interval) -> list[Interval]:
    """Opening hours minus closures and unavailability: the space's open hours inside `window`."""
    return subtract(
        opening_intervals(space.venue, window), [b.interval for b in closed_times(space, window)]
    )


def full_intervals(
    space: Space,
    window: Interval,
    *,
    buffer: timedelta = timedelta(0),
    exclude_booking_id: int | None = None,
) -> list[Interval]:
    """Times in `window` when a new booking cannot run because the space (or every seat) is taken.

    Each active booking holds [starts_at, blocked_until); a new booking with its own `buffer`
    also may not run into a full stretch, so the full stretches are widened backwards by it.
    Widening after counting matters for desk pools: two holds that never run at once must not
    count as two seats just because the new booking's buffer would touch both.
    """
    from bookings.models import Booking  # bookings depends on spaces, not the other way round

    holds = (
        Booking.objects.active()
        .overlapping(space, window.start - buffer, window.end + buffer)
        .exclude(pk=exclude_booking_id)
        .values_list("starts_at", "blocked_until")
    )
    full = saturated((Interval(start, end) for start, end in holds), space.seats)
    return merge(Interval(interval.start - buffer, interval.end) for interval in full)


def bookable_window(space: Space, *, now: datetime) -> Interval:
    """From now plus the minimum notice to now plus the horizon."""
    return Interval(now + space.min_notice, max(now + space.min_notice, now + space.horizon))


def free_intervals(space: Space, window: Interval, *, now: datetime) -> list[Interval]:
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
        open_intervals(space, window), full_intervals(space, window, buffer=space.buffer_after)
    )


def venue_free_intervals(
    venue: Venue, window: Interval, *, now: datetime
) -> dict[Space, list[Interval]]:
    """`free_intervals` for every bookable space of a venue."""
    return {
        space: free_intervals(space, window, now=now)
        for space in venue.spaces.filter(is_active=True)
    }


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
