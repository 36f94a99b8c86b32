"""The bookings of the benchmark city on SQLite (the small variant): the same layout as seed_sql.py,
chosen in Python and written with bulk_create, through the same model constraints."""

import heapq
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone
from schedule.models import Event

from bookings.models import Booking
from members.models import Member, Organisation
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc

from . import layout
from .layout import Scale
from .seed import Progress, organisation_of

BATCH = 2_000
REDUCED = {Organisation.Kind.CHARITY, Organisation.Kind.SOCIAL_ENTERPRISE}


def _candidates(spaces: list[Space], first_day: date, last_day: date):
    """(key, space, lane, day, slot) for every slot a booking could take."""
    span = max(1, (last_day - first_day).days)
    by_venue: dict[int, dict[int, list[tuple]]] = {}
    for space in spaces:
        venue = space.venue
        if venue.pk not in by_venue:
            hours: dict[int, list[tuple]] = {}
            for opening in venue.opening_hours.all():
                hours.setdefault(opening.weekday, []).append((opening.opens, opening.closes))
            by_venue[venue.pk] = hours
    closed = {(e.venue_id, e.date) for e in _exceptions(spaces)}
    for space in spaces:
        slots = layout.POOL_SLOTS if space.seats > 1 else layout.ROOM_SLOTS
        hours = by_venue[space.venue_id]
        day = first_day
        while day <= last_day:
            if (space.venue_id, day) not in closed:
                growth = (
                    layout.GROWTH_FROM + (1 - layout.GROWTH_FROM) * (day - first_day).days / span
                )
                weight_of_day = layout.WEEKDAY_WEIGHTS[day.weekday()] * growth
                for n, (starts, ends, weight) in enumerate(slots):
                    if not any(o <= starts and ends <= c for o, c in hours.get(day.weekday(), [])):
                        continue
                    for lane in range(space.seats):
                        u = layout.unit(layout.space_key(space), lane, day, n)
                        yield layout.sample_key(u, weight * weight_of_day), space, lane, day, n
            day += timedelta(days=1)


def _exceptions(spaces: list[Space]):
    from spaces.models import OpeningException

    return OpeningException.objects.filter(venue__in={space.venue_id for space in spaces})


def seed_bookings(
    *,
    scale: Scale,
    venues: list[Venue],
    spaces: list[Space],
    members: list[Member],
    first_day: date,
    last_day: date,
    progress: Progress,
) -> None:
    """Insert exactly `scale.bookings` bookings (fewer only if the city has fewer free slots)."""
    now = timezone.now()
    spaces = list(Space.objects.filter(pk__in=[s.pk for s in spaces]).select_related("venue"))
    organisations = organisation_of(members)
    kinds = dict(Organisation.objects.values_list("pk", "kind"))
    chosen = heapq.nsmallest(scale.bookings, _candidates(spaces, first_day, last_day))
    chosen.sort(key=lambda row: row[0])
    activities = [value for value, _label in Booking.Activity.choices] + [""]
    bookings: list[Booking] = []
    for n, (_key, space, _lane, day, slot) in enumerate(chosen, start=1):
        starts_t, ends_t, _weight = (layout.POOL_SLOTS if space.seats > 1 else layout.ROOM_SLOTS)[
            slot
        ]
        zone = space.venue.zone
        starts = wall_time_to_utc(day, starts_t, zone)
        ends = wall_time_to_utc(day, ends_t, zone)
        key = layout.space_key(space)
        if layout.unit(key, "~", n) < 0.25 and ends - starts > timedelta(minutes=90):
            ends -= timedelta(minutes=30)
        u = int(layout.unit(key, "/", n) * 1000)
        booker = members[int(layout.unit(key, "@", n) * len(members))]
        u_org = int(layout.unit(key, "#", n) * 1000)
        organisation_id = organisations.get(booker.pk) if u_org < 650 else None
        full = _full_price(space, starts, ends)
        kind = kinds.get(organisation_id) if organisation_id else None
        price, basis = _price(full, kind)
        created = min(now, starts - timedelta(days=1 + u % 45))
        status = layout.status_for(u, past=starts < now)
        bookings.append(
            Booking(
                space=space,
                booker=booker,
                organisation_id=organisation_id,
                starts_at=starts,
                ends_at=ends,
                blocked_until=ends + space.buffer_after,
                exclusive=space.seats == 1,
                status=status,
                title=layout.TITLES[n % len(layout.TITLES)],
                purpose=layout.PURPOSE,
                activity=activities[u_org % len(activities)],
                attendees=1 + u % 25 if space.seats == 1 else 1,
                created_at=created,
                updated_at=created,
                price=price,
                full_price=full,
                price_basis=basis,
                cancelled_at=created if status == Booking.Status.CANCELLED else None,
            )
        )
    stamps = [booking.created_at for booking in bookings]
    active = [booking for booking in bookings if booking.is_active]
    for start in range(0, len(active), BATCH):
        part = active[start : start + BATCH]
        events = Event.objects.bulk_create(_event(booking) for booking in part)
        for booking, event in zip(part, events, strict=True):
            booking.event = event
    for start in range(0, len(bookings), BATCH):
        Booking.objects.bulk_create(bookings[start : start + BATCH])
        progress("bookings", min(len(bookings), start + BATCH), len(bookings))
    # auto_now(_add) stamped the rows with now: give them their history back.
    for booking, created in zip(bookings, stamps, strict=True):
        booking.created_at = booking.updated_at = created
    _restamp(bookings)


def _event(booking: Booking) -> Event:
    return Event(
        calendar_id=booking.space.calendar_id,
        start=booking.starts_at,
        end=booking.ends_at,
        title=booking.title,
        description=booking.purpose,
        creator=booking.booker,
    )


def _full_price(space: Space, starts: datetime, ends: datetime) -> Decimal:
    if space.seats > 1:
        return space.rate
    hours = Decimal((ends - starts).total_seconds()) / Decimal(3600)
    return (space.rate * hours).quantize(Decimal("0.01"))


def _price(full: Decimal, kind: str | None) -> tuple[Decimal, str]:
    if kind == Organisation.Kind.COMMUNITY_GROUP:
        return Decimal(0), Booking.PriceBasis.FREE
    if kind in REDUCED:
        return (full / 2).quantize(Decimal("0.01")), Booking.PriceBasis.REDUCED
    return full, Booking.PriceBasis.FULL


def _restamp(bookings: list[Booking]) -> None:
    # bulk_update writes the values as they are (no auto_now), in batches.
    Booking.objects.bulk_update(bookings, ["created_at", "updated_at"], batch_size=BATCH)
