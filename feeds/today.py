"""A venue's today page, for the screen in the hall: each space in use now (until when), its next
booking (from when) or free now, the free desks of each desk pool, and the venue's opening hours
today. Nothing personal: a booking reads "Booked" unless the venue shows public titles and its
booker marked it public (members.permissions.may_show_title_on_display).

A fixed number of queries whatever the number of spaces: the spaces, the prefetched opening
hours, exceptions, closures and unavailability (spaces.open_hours.prefetch_open), and the day's
active bookings.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from bookings.models import Booking
from members import permissions
from spaces.intervals import Interval
from spaces.models import Space, Venue
from spaces.open_hours import open_intervals, opening_intervals, prefetch_open
from spaces.timezones import wall_time_to_utc


@dataclass(frozen=True)
class Slot:
    """One booking as the screen may show it: local times and a title or "Booked"."""

    starts: dt.datetime
    ends: dt.datetime
    label: str


@dataclass(frozen=True)
class SpaceNow:
    space: Space
    is_pool: bool
    is_open: bool  # open now (opening hours, closures and unavailability)
    current: Slot | None  # an exclusive space's booking running now
    busy_until: dt.datetime | None  # when it is free again (back-to-back bookings joined)
    free_until: dt.datetime | None  # free now until the next booking or closing
    next: Slot | None  # the next booking later today
    seats_free: int  # a desk pool's free desks now (0 when closed)
    opens_later: dt.datetime | None  # closed now, but opens again today at


@dataclass(frozen=True)
class TodayBoard:
    venue: Venue
    now: dt.datetime  # local
    hours: list[tuple[dt.datetime, dt.datetime]]  # the venue's opening hours today, local
    spaces: list[SpaceNow]


def _label(booking: Booking, venue: Venue) -> str:
    if permissions.may_show_title_on_display(booking, venue):
        return booking.title
    return _("Booked")


def today_board(*, venue: Venue, now: dt.datetime) -> TodayBoard:
    zone = venue.zone
    today = now.astimezone(zone).date()
    day = Interval(
        wall_time_to_utc(today, dt.time(0), zone),
        wall_time_to_utc(today + dt.timedelta(days=1), dt.time(0), zone),
    )
    spaces = list(venue.spaces.filter(is_active=True).order_by("name"))
    for space in spaces:
        space.venue = venue  # no query per space for its venue
    known = prefetch_open(spaces, day)
    by_space: dict[int, list[Booking]] = {space.pk: [] for space in spaces}
    for booking in (
        Booking.objects.active()
        .filter(space__venue=venue, starts_at__lt=day.end, ends_at__gt=now)
        .only("space_id", "starts_at", "ends_at", "title", "public_title")
        .order_by("starts_at", "pk")
    ):
        by_space[booking.space_id].append(booking)
    hours = opening_intervals(
        venue, day, known.hours.get(venue.pk, []), known.exceptions.get(venue.pk, [])
    )
    rows = [_space_now(space, by_space[space.pk], day, now, known) for space in spaces]
    return TodayBoard(
        venue=venue,
        now=now.astimezone(zone),
        hours=[(piece.start.astimezone(zone), piece.end.astimezone(zone)) for piece in hours],
        spaces=rows,
    )


def _space_now(space, bookings, day, now, known) -> SpaceNow:
    zone = space.venue.zone
    opened = open_intervals(space, day, known)
    open_piece = next((piece for piece in opened if piece.start <= now < piece.end), None)
    opens_later = next((piece.start for piece in opened if piece.start > now), None)
    running = [b for b in bookings if b.starts_at <= now < b.ends_at]
    later = [b for b in bookings if b.starts_at > now]
    is_pool = space.seats > 1
    current = busy_until = free_until = None
    if running and not is_pool:
        first = running[0]
        current = Slot(
            first.starts_at.astimezone(zone),
            first.ends_at.astimezone(zone),
            _label(first, space.venue),
        )
        until = max(b.ends_at for b in running)
        for booking in later:  # back to back: still in use
            if booking.starts_at > until:
                break
            until = max(until, booking.ends_at)
        busy_until = until.astimezone(zone)
        later = [b for b in later if b.starts_at >= until]
    elif open_piece is not None and not is_pool:
        ends = open_piece.end
        if later and later[0].starts_at < ends:
            ends = later[0].starts_at
        free_until = ends.astimezone(zone)
    upcoming = later[0] if later else None
    return SpaceNow(
        space=space,
        is_pool=is_pool,
        is_open=open_piece is not None,
        current=current,
        busy_until=busy_until,
        free_until=free_until,
        next=Slot(
            upcoming.starts_at.astimezone(zone),
            upcoming.ends_at.astimezone(zone),
            _label(upcoming, space.venue),
        )
        if upcoming is not None and not is_pool
        else None,
        seats_free=max(space.seats - len(running), 0) if open_piece is not None else 0,
        opens_later=opens_later.astimezone(zone) if opens_later and open_piece is None else None,
    )
