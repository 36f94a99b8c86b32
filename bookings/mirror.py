"""The django-scheduler mirror: each active booking as an `Event` on its space's `Calendar`.

Written only by the booking services (one writer), inside their transaction, so it always
matches the bookings: an active booking has an event with its times and title; a cancelled or
declined one has none. Nothing edits these rows around the services (the admin shows them read
only). Repeating bookings will keep their `Rule` here too.
"""

from schedule.models import Calendar, Event

from spaces.models import Space

from .models import Booking


def calendar_for(space: Space) -> Calendar:
    """The space's django-scheduler calendar, created the first time it is needed."""
    if space.calendar_id is None:
        calendar, _created = Calendar.objects.get_or_create(
            slug=f"space-{space.pk}", defaults={"name": f"{space.name} ({space.venue.name})"[:200]}
        )
        space.calendar = calendar
        Space.objects.filter(pk=space.pk).update(calendar=calendar)
    return space.calendar


def add_event(booking: Booking) -> None:
    """A new event for a booking that has none yet (a new booking)."""
    event = Event.objects.create(
        calendar=calendar_for(booking.space),
        start=booking.starts_at,
        end=booking.ends_at,
        title=booking.title[:255],
        description=booking.purpose,
        creator=booking.booker,
    )
    booking.event = event


def drop_event(booking: Booking) -> None:
    if booking.event_id:
        Event.objects.filter(pk=booking.event_id).delete()
        booking.event = None


def update_event(booking: Booking) -> None:
    """Bring an active booking's event in step after a move or an edit (its space may have changed)."""
    if booking.event_id is None:
        add_event(booking)
        return
    Event.objects.filter(pk=booking.event_id).update(
        calendar=calendar_for(booking.space),
        start=booking.starts_at,
        end=booking.ends_at,
        title=booking.title[:255],
        description=booking.purpose,
    )
