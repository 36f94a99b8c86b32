"""When is a space taken, and when is it free? One answer, used by the booking rules, the week grid,
the venues' "free then" filter, and (later) the API and feeds.

"When is the venue open" (opening hours, closures, imported unavailability) is the inventory's
answer, in `spaces.open_hours`; this module takes the active bookings away from it. Everything
works in UTC instants.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import cache
from typing import NamedTuple

from django.db import connection
from django.db.models import Case, CharField, F, Value, When

from members import permissions
from spaces.intervals import Interval, merge, saturated, subtract
from spaces.models import Space, Venue
from spaces.open_hours import KnownOpen, known_for, open_intervals, prefetch_open
from spaces.timezones import db_instant, wall_time_to_utc

from .models import Booking


@dataclass(frozen=True)
class Known:
    """What the availability functions read from the database, fetched once for many spaces.

    `prefetch` fills it for a set of spaces over a span; each function then picks its own part in
    Python with the same tests its query would make, instead of querying per space.
    """

    open: KnownOpen  # opening hours, closures and unavailability
    holds_span: Interval  # active holds meeting this (the span widened by the largest buffer)
    holds: dict[
        int, list[tuple[datetime, datetime]]
    ]  # by space id: active [starts_at, blocked_until)

    def add(self, booking: Booking) -> None:
        """Count `booking`, written after the prefetch under its space's lock (a series' earlier
        date), as the holds query would have found it."""
        if booking.is_active and booking.space_id in self.holds:
            self.holds[booking.space_id].append((booking.starts_at, booking.blocked_until))

    def drop(self, booking: Booking) -> None:
        """`booking`, prefetched as a hold, no longer holds its time (declined under the lock)."""
        held = self.holds.get(booking.space_id)
        if held is not None and (booking.starts_at, booking.blocked_until) in held:
            held.remove((booking.starts_at, booking.blocked_until))

    def without(self, booking: Booking) -> "Known":
        """The same, but for `booking`'s own hold: to check it against everything else."""
        others = Known(
            self.open,
            self.holds_span,
            {**self.holds, booking.space_id: list(self.holds.get(booking.space_id, []))},
        )
        others.drop(booking)
        return others


def prefetch(spaces: list[Space], span: Interval) -> Known:
    """Opening hours, closures, unavailability and active holds of `spaces` around `span`: 4 queries."""
    widest = max((space.buffer_after for space in spaces), default=timedelta(0))
    wide = Interval(span.start - widest, span.end + widest)
    holds: dict[int, list[tuple[datetime, datetime]]] = {space.pk: [] for space in spaces}
    for space_id, start, end in (
        Booking.objects.active()
        .filter(space__in=spaces, starts_at__lt=wide.end, blocked_until__gt=wide.start)
        .values_list("space_id", "starts_at", "blocked_until")
    ):
        holds[space_id].append((start, end))
    return Known(prefetch_open(spaces, span), wide, holds)


class OwnBooking(NamedTuple):
    """One of a member's own active bookings, as the week grid shows it."""

    pk: int
    title: str
    starts_at: datetime
    ends_at: datetime


def prefetch_space(
    space: Space, span: Interval, *, member: permissions.Person = None
) -> tuple[Known, list[OwnBooking]]:
    """`prefetch([space], span)` for one space in two queries rather than four
    (`known_for`, then the holds), with `member`'s own active bookings of the space
    meeting `span`, by start, read by the same holds query: each of them holds time in `span`.
    Only the member's own bookings' titles are read."""
    wide = Interval(span.start - space.buffer_after, span.end + space.buffer_after)
    rows = Booking.objects.active().filter(
        space_id=space.pk, starts_at__lt=wide.end, blocked_until__gt=wide.start
    )
    signed_in = member is not None and member.is_authenticated
    own_title = (
        Case(When(booker_id=member.pk, then=F("title")), default=Value(""))
        if signed_in and member is not None
        else Value("", output_field=CharField())
    )
    holds: list[tuple[datetime, datetime]] = []
    own: list[OwnBooking] = []
    for pk, booker_id, starts_at, ends_at, blocked_until, title in rows.annotate(
        own_title=own_title
    ).values_list("pk", "booker_id", "starts_at", "ends_at", "blocked_until", "own_title"):
        holds.append((starts_at, blocked_until))
        if (
            permissions.is_booker_id(member, booker_id)
            and starts_at < span.end
            and ends_at > span.start
        ):
            own.append(OwnBooking(pk, title, starts_at, ends_at))
    own.sort(key=lambda booking: booking.starts_at)
    return Known(known_for(space, span), wide, {space.pk: holds}), own


def holds_reach(window: Interval, buffer: timedelta) -> Interval:
    """The holds `full_intervals` reads for `window`: those meeting it widened by `buffer` both
    ways (a hold just before delays the start; the new booking's buffer reaches past its end)."""
    return Interval(window.start - buffer, window.end + buffer)


def full_intervals(
    space: Space,
    window: Interval,
    *,
    buffer: timedelta = timedelta(0),
    exclude_booking_id: int | None = None,
    known: Known | None = None,
    also: Iterable[Interval] = (),
) -> list[Interval]:
    """Times in `window` when a new booking cannot run because the space (or every seat) is taken.

    `also`: holds that are not bookings, counted like them (the waiting lists' open offers).

    Each active booking holds [starts_at, blocked_until); a new booking with its own `buffer`
    also may not run into a full stretch, so the full stretches are widened backwards by it.
    Widening after counting matters for desk pools: two holds that never run at once must not
    count as two seats just because the new booking's buffer would touch both.
    """
    reach = holds_reach(window, buffer)
    holds: Iterable[tuple[datetime, datetime]]
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
        holds = held_around(space, reach, exclude_booking_id=exclude_booking_id)
    pieces = [Interval(start, end) for start, end in holds]
    pieces += [hold for hold in also if hold.start < reach.end and hold.end > reach.start]
    full = saturated(pieces, space.seats)
    return merge(Interval(interval.start - buffer, interval.end) for interval in full)


def held_around(
    space: Space, reach: Interval, *, exclude_booking_id: int | None = None
) -> list[tuple[datetime, datetime]]:
    """The active holds [starts_at, blocked_until) of `space` meeting `reach`: what
    `Booking.objects.active().overlapping(space, ...)` finds (less `exclude_booking_id`), as SQL
    written once. Every booking checks this under its space's lock, and building the queryset
    cost the ORM several times the indexed query itself (docs/design.md, Speed)."""
    sql, params = holds_statement(space, reach, exclude_booking_id=exclude_booking_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return holds_from(cursor.fetchall())


def holds_statement(
    space: Space, reach: Interval, *, exclude_booking_id: int | None = None
) -> tuple[str, list]:
    """held_around's statement and its parameters, for a caller that sends it with others in
    one round trip (bookings.locking.lock_space_then); `holds_from` reads its rows."""
    adapt = connection.ops.adapt_datetimefield_value  # as the ORM writes instants (SQLite: text)
    params: list = [space.pk, *Booking.ACTIVE_STATUSES, adapt(reach.end), adapt(reach.start)]
    if exclude_booking_id is not None:
        params.append(exclude_booking_id)
    return _holds_sql(connection.vendor, excluding=exclude_booking_id is not None), params


@cache
def _holds_sql(vendor: str, *, excluding: bool) -> str:
    statuses = ", ".join(["%s"] * len(Booking.ACTIVE_STATUSES))
    return (
        f"SELECT starts_at, blocked_until FROM {connection.ops.quote_name(Booking._meta.db_table)}"
        f" WHERE space_id = %s AND status IN ({statuses}) AND starts_at < %s AND blocked_until > %s"
        + (" AND id <> %s" if excluding else "")
    )


def holds_from(rows: Iterable[tuple]) -> list[tuple[datetime, datetime]]:
    return [(db_instant(starts), db_instant(ends)) for starts, ends in rows]


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
    return unbooked_intervals(space, Interval(start, end), known=known)


def unbooked_intervals(
    space: Space, window: Interval, *, known: Known | None = None
) -> list[Interval]:
    """When `space` is open inside `window` and not taken (a seat left in a desk pool, buffers
    kept), whatever the notice and horizon: the free time a manager sees on the venue's day."""
    return subtract(
        open_intervals(space, window, known.open if known else None),
        full_intervals(space, window, buffer=space.buffer_after, known=known),
    )


def venue_free_intervals(
    venue: Venue, window: Interval, *, now: datetime | None
) -> dict[Space, list[Interval]]:
    """`free_intervals` for every bookable space of a venue (a fixed number of queries); with
    `now=None`, `unbooked_intervals` (no notice or horizon)."""
    spaces = list(venue.spaces.filter(is_active=True).select_related("venue"))
    known = prefetch(spaces, window)
    if now is None:
        return {space: unbooked_intervals(space, window, known=known) for space in spaces}
    return {space: free_intervals(space, window, now=now, known=known) for space in spaces}


def seats_taken(
    space: Space, window: Interval, *, known: Known | None = None
) -> list[tuple[Interval, int]]:
    """For a desk pool: (interval, number of seats held) pieces covering the bookings inside `window`."""
    holds: Iterable[tuple[datetime, datetime]]
    if known is not None and known.holds_span.contains(window):
        holds = [
            (start, end)
            for start, end in known.holds[space.pk]
            if start < window.end and end > window.start  # as BookingQuerySet.overlapping
        ]
    else:
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


def alternatives(
    space: Space, starts_at: datetime, ends_at: datetime, *, now: datetime, limit: int = 3
) -> tuple[list[Interval], list[Space]]:
    """The nearest free times of the same length on the same local day in `space`, and the other
    spaces of its venue free for the whole of [starts_at, ends_at): what to offer when a wanted
    time is taken. Slots start on the space's steps from where each free stretch begins."""
    zone = space.venue.zone
    day = starts_at.astimezone(zone).date()
    window = Interval(
        wall_time_to_utc(day, time(0), zone),
        wall_time_to_utc(day + timedelta(days=1), time(0), zone),
    )
    length = ends_at - starts_at
    times = []
    for piece in free_intervals(space, window, now=now):
        here = piece.start
        while here + length <= piece.end:
            if here != starts_at:
                times.append(Interval(here, here + length))
            here += space.slot_step
    times.sort(key=lambda slot: (abs(slot.start - starts_at), slot.start))
    wanted = Interval(starts_at, ends_at)
    others = [
        other
        for other, free in venue_free_intervals(space.venue, wanted, now=now).items()
        if other.pk != space.pk and any(piece.contains(wanted) for piece in free)
    ]
    return sorted(times[:limit], key=lambda slot: slot.start), sorted(others, key=lambda s: s.name)[
        :limit
    ]


def free_throughout(spaces: list[Space], wanted: Interval, *, now: datetime) -> list[Space]:
    """Those of `spaces` in which a new booking could run for the whole of `wanted` (the API's
    "free between" filter; the venues page resolves its wall-clock time per venue first): a
    fixed number of queries however many spaces."""
    if not spaces:
        return []
    known = prefetch(spaces, wanted)
    return [
        space
        for space in spaces
        if any(
            free.contains(wanted) for free in free_intervals(space, wanted, now=now, known=known)
        )
    ]
