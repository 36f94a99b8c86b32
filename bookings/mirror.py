"""The django-scheduler mirror: each active booking as an `Event` on its space's `Calendar`.

Written only by the booking services (one writer), inside their transaction, so it always
matches the bookings: an active booking has an event with its times and title; a cancelled or
declined one has none. Nothing edits these rows around the services (the admin shows them read
only).

A series' rule is mirrored too, as a repeating `Event` with its `Rule`, on a calendar of the
space's own for series (`series-space-<pk>`): the space's calendar then holds exactly the active
bookings, occurrences of a series included (each has its own event like any booking), and the
series calendar the rules their dates were expanded from (bookings/recurrence.py reads them back).
"""

from schedule.models import Calendar, Event, Rule

from spaces.models import Space

from . import recurrence
from .models import Booking, Series


def calendar_for(space: Space) -> Calendar:
    """The space's django-scheduler calendar, created the first time it is needed."""
    if space.calendar_id is None:
        calendar, _created = Calendar.objects.get_or_create(
            slug=f"space-{space.pk}", defaults={"name": f"{space.name} ({space.venue.name})"[:200]}
        )
        space.calendar = calendar
        Space.objects.filter(pk=space.pk).update(calendar=calendar)
    return space.calendar


def calendar_id_for(space: Space) -> int:
    """The id of the space's calendar (calendar_for), without reading the calendar's row."""
    return space.calendar_id if space.calendar_id is not None else calendar_for(space).pk


def new_event(booking: Booking) -> Event:
    """The event of a booking that has none yet, unsaved: a new booking's is written with it
    (bookings.saving.save_new)."""
    return Event(
        calendar_id=calendar_id_for(booking.space),
        start=booking.starts_at,
        end=booking.ends_at,
        title=booking.title[:255],
        description=booking.purpose,
        creator=booking.booker,
    )


def add_event(booking: Booking) -> None:
    """A new event, written now, for a saved booking that has none (update_event)."""
    event = new_event(booking)
    event.save()
    booking.event = event


def drop_event(booking: Booking) -> None:
    if booking.event_id:
        Event.objects.filter(pk=booking.event_id).delete()
        booking.event = None


def drop_events(bookings: list[Booking]) -> None:
    """drop_event for many bookings at once (a series' declined dates)."""
    ids = [booking.event_id for booking in bookings if booking.event_id]
    if ids:
        Event.objects.filter(pk__in=ids).delete()
    for booking in bookings:
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


def series_calendar_for(space: Space) -> Calendar:
    """The calendar holding the rules of `space`'s series, created the first time it is needed."""
    calendar, _created = Calendar.objects.get_or_create(
        slug=f"series-space-{space.pk}",
        defaults={"name": f"Series: {space.name} ({space.venue.name})"[:200]},
    )
    return calendar


def add_series_event(series: Series) -> Event:
    """Write the series' rule as a django-scheduler Rule and repeating Event (a new series)."""
    rule = recurrence.scheduler_rule(series)
    rule.save()
    event = recurrence.scheduler_event(series, rule)
    event.calendar = series_calendar_for(series.space)
    event.creator = series.booker
    event.save()
    series.event = event
    return event


def replace_series_event(series: Series) -> Event:
    """Write the rule of an edited series again (its time, end or space changed): a new Rule and
    Event in place of the old ones."""
    old = series.event
    event = add_series_event(series)
    series.save(update_fields=["event"])
    if old is not None:
        rule_id = old.rule_id
        old.delete()
        Rule.objects.filter(pk=rule_id).delete()
    return event
