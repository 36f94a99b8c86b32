"""One booking in iCalendar (RFC 5545), built with icalendar 7: its VEVENT, the one-booking .ics
file and the email invitation. Feeds (the feeds app) put many of these events together.

Times are written in UTC (`...Z`). A VTIMEZONE from `add_missing_timezones()` lists its transitions
as one multi-valued RDATE line that ical.js and vobject misread, so UTC is what every client reads
the same way; clients show the times in their own zone. No X-WR-TIMEZONE for the same reason.
"""

from datetime import UTC, timedelta
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _
from icalendar import TRANSP, Calendar, Event, vCalAddress, vDuration, vText

from .ical_text import ICS_STATUS, EventFacts, description, location, summary
from .models import Booking

__all__ = ["ICS_STATUS"]  # re-exported: the status mapping lives with the text writer

PRODID = "-//Commonshare//Calendar feeds//EN"
REFRESH = timedelta(hours=1)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "commonshare.localhost"


def booking_uid(booking: Booking | EventFacts, *, busy: bool = False) -> str:
    """Stable for the life of the booking; busy-only feeds use their own so the two never merge."""
    return f"{booking.uid}{'-busy' if busy else ''}@{site_host()}"


def booking_url(booking: Booking) -> str:
    return detail_url(booking.pk)


def detail_url(pk: int) -> str:
    # reverse() costs ~0.1 ms; a feed of 5,000 bookings reverses one pattern and fills it in.
    prefix, suffix = _detail_url_parts(get_script_prefix(), get_urlconf())
    return f"{settings.SITE_URL}{prefix}{pk}{suffix}"


@lru_cache(maxsize=8)
def _detail_url_parts(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    marker = 987654321
    path = reverse("bookings:detail", kwargs={"pk": marker}, urlconf=urlconf)
    prefix, _marker, suffix = path.partition(str(marker))
    return prefix, suffix


def booking_event(booking: Booking, *, detail: bool = True, show_booker: bool = False) -> Event:
    """One VEVENT for a booking: UTC times, stable UID, SEQUENCE, STATUS; busy-only hides what and who."""
    facts = EventFacts.of(booking)
    event = Event.new(
        uid=booking_uid(booking, busy=not detail),
        start=booking.starts_at.astimezone(UTC),
        end=booking.ends_at.astimezone(UTC),
        stamp=booking.updated_at.astimezone(UTC),
        created=booking.created_at.astimezone(UTC),
        last_modified=booking.updated_at.astimezone(UTC),
        sequence=booking.sequence,
        status=ICS_STATUS[booking.status],
        transparency=TRANSP.OPAQUE if booking.is_active else TRANSP.TRANSPARENT,
    )
    if detail:
        url = booking_url(booking)
        event.add("SUMMARY", summary(facts, show_booker=show_booker))
        event.add("LOCATION", location(facts))
        event.add("DESCRIPTION", description(facts, show_booker=show_booker, url=url))
        event.add("URL", url)
    else:
        event.add("SUMMARY", _("Booked"))
        event.add("LOCATION", location(facts, with_address=False))
    return event


def new_calendar(*, name: str, key: str, method: str, subscription: bool = True) -> Calendar:
    """A VCALENDAR; subscriptions also get a name and a refresh hint, iTIP messages do not need them."""
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method=method)
    if not subscription:
        del calendar[
            "UID"
        ]  # Calendar.new adds a random one; an invitation is identified by its VEVENT
        return calendar
    # NAME (RFC 7986) and X-WR-CALNAME are TEXT, but icalendar 7 does not know them and would
    # write a plain str unescaped ("Hot desks, Hub" reads as two values, a newline breaks the
    # line). vText escapes `,` `;` `\` and newlines; VALUE=TEXT makes ical.js, which types
    # unknown properties as raw "unknown", unescape them too.
    for prop in ("NAME", "X-WR-CALNAME"):
        text = vText(name)
        text.params["VALUE"] = "TEXT"
        calendar[prop] = text
    calendar.uid = f"{key}@{site_host()}"
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; icalendar leaves it out.
    refresh = vDuration(REFRESH)
    refresh.params["VALUE"] = "DURATION"
    calendar["REFRESH-INTERVAL"] = refresh
    # Must be a vDuration: a plain timedelta here serialises as "1:00:00", which is invalid.
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH)
    return calendar


def build_booking_file(booking: Booking) -> bytes:
    """A one-event calendar for downloading a single booking."""
    calendar = new_calendar(name=booking.title, key=f"booking-{booking.uid}", method="PUBLISH")
    calendar.add_component(booking_event(booking))
    return calendar.to_ical()


def _organizer(booking: Booking) -> vCalAddress:
    _display, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address or 'bookings@' + site_host()}")
    organizer.params["CN"] = vText(booking.space.venue.name)
    return organizer


def _attendee(booking: Booking) -> vCalAddress:
    attendee = vCalAddress(f"mailto:{booking.booker.email}")
    attendee.params["CN"] = vText(str(booking.booker))
    attendee.params["ROLE"] = vText("REQ-PARTICIPANT")
    attendee.params["PARTSTAT"] = vText("ACCEPTED")
    attendee.params["RSVP"] = vText("FALSE")
    return attendee


def invitation_method(booking: Booking) -> str:
    return "REQUEST" if booking.is_active else "CANCEL"


def build_invitation(booking: Booking) -> bytes:
    """An iTIP message for the booker's mail client: REQUEST adds or updates the event, CANCEL removes it.

    The UID is the booking's (the same as in feeds), and SEQUENCE is the booking's, which rises on
    every change, so clients apply messages in order.
    """
    method = invitation_method(booking)
    calendar = new_calendar(
        name=booking.title, key=f"booking-{booking.uid}", method=method, subscription=False
    )
    event = booking_event(booking)
    event.add("ORGANIZER", _organizer(booking))
    event.add("ATTENDEE", _attendee(booking))
    calendar.add_component(event)
    return calendar.to_ical()
