"""iCalendar (RFC 5545) documents built with icalendar 7: feeds, one-booking files and email invitations.

Times are written in UTC (`...Z`). A VTIMEZONE from `add_missing_timezones()` lists its transitions
as one multi-valued RDATE line that ical.js and vobject misread, so UTC is what every client reads
the same way; clients show the times in their own zone. No X-WR-TIMEZONE for the same reason.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Max, QuerySet
from django.db.models.functions import Greatest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from icalendar import STATUS, TRANSP, Calendar, Event, vCalAddress, vDuration, vText

from bookings.models import Booking
from spaces.intervals import Interval

from .scopes import Feed

PRODID = "-//Commonshare//Calendar feeds//EN"
# Bump when the shape of the output changes, so cached copies are refetched.
FORMAT_VERSION = "1"
REFRESH = timedelta(hours=1)
# The window filter also bounds starts_at from below so the database walks only the window's
# part of the (space|booker, starts_at) index; no booking is longer than this.
LONGEST_BOOKING = timedelta(days=31)

ICS_STATUS: dict[str, STATUS] = {
    Booking.Status.PENDING: STATUS.TENTATIVE,
    Booking.Status.CONFIRMED: STATUS.CONFIRMED,
    Booking.Status.DECLINED: STATUS.CANCELLED,
    Booking.Status.CANCELLED: STATUS.CANCELLED,
}


def days_back() -> int:
    return int(getattr(settings, "FEED_DAYS_BACK", 30))


def days_ahead() -> int:
    return int(getattr(settings, "FEED_DAYS_AHEAD", 365))


def feed_window(now: datetime) -> Interval:
    """From FEED_DAYS_BACK days before today to FEED_DAYS_AHEAD days after it, on UTC midnights.

    Whole days keep the window (and so the ETag) still for a day at a time.
    """
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Interval(today - timedelta(days=days_back()), today + timedelta(days=days_ahead() + 1))


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "commonshare.localhost"


def booking_uid(booking: Booking, *, busy: bool = False) -> str:
    """Stable for the life of the booking; busy-only feeds use their own so the two never merge."""
    return f"{booking.uid}{'-busy' if busy else ''}@{site_host()}"


def booking_url(booking: Booking) -> str:
    return _detail_url(booking.pk)


def _detail_url(pk: int) -> str:
    # reverse() costs ~0.1 ms; a feed of 5,000 bookings reverses one pattern and fills it in.
    prefix, suffix = _detail_url_parts(get_script_prefix(), get_urlconf())
    return f"{settings.SITE_URL}{prefix}{pk}{suffix}"


@lru_cache(maxsize=8)
def _detail_url_parts(script_prefix: str, urlconf: str | None) -> tuple[str, str]:
    marker = 987654321
    path = reverse("bookings:detail", kwargs={"pk": marker}, urlconf=urlconf)
    prefix, _marker, suffix = path.partition(str(marker))
    return prefix, suffix


def windowed(bookings: QuerySet[Booking], window: Interval) -> QuerySet[Booking]:
    return bookings.filter(
        starts_at__lt=window.end,
        ends_at__gt=window.start,
        starts_at__gte=window.start - LONGEST_BOOKING,
    )


@dataclass(frozen=True)
class Validators:
    etag: str
    last_modified: datetime


def feed_validators(feed: Feed, window: Interval) -> Validators:
    """ETag and Last-Modified from one aggregate query, without building the feed.

    Any change to a booking, or to its space or venue, bumps an updated_at; a booking leaving the
    feed changes the count; the day
    (window), the language and the feed's name are part of the tag too.
    """
    summary = (
        windowed(feed.bookings, window)
        .order_by()
        .aggregate(
            # A renamed or moved venue or space changes the events' titles and locations too.
            latest=Max(Greatest("updated_at", "space__updated_at", "space__venue__updated_at")),
            count=Count("pk"),
        )
    )
    latest = summary["latest"] or window.start
    parts = [
        FORMAT_VERSION,
        feed.key,
        feed.name,
        window.start.isoformat(),
        get_language() or "",
        settings.SITE_URL,
    ]
    parts += [latest.isoformat(), str(summary["count"])]
    etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    # The window moves at midnight UTC, which changes the content even if no booking changed.
    today = window.start + timedelta(days=days_back())
    return Validators(etag=f'"{etag}"', last_modified=max(latest, today).replace(microsecond=0))


def _location(booking: Booking, *, with_address: bool = True) -> str:
    venue = booking.space.venue
    parts = [booking.space.name, venue.name]
    if with_address:
        parts += [line.strip() for line in venue.address.splitlines() if line.strip()]
        if venue.postcode:
            parts.append(venue.postcode)
    return ", ".join(parts)


def _description(booking: Booking, *, show_booker: bool) -> str:
    lines = []
    if booking.status == Booking.Status.PENDING:
        lines.append(_("Awaiting approval by the venue."))
    elif booking.status == Booking.Status.DECLINED:
        lines.append(_("Declined by the venue."))
    elif booking.status == Booking.Status.CANCELLED:
        lines.append(_("Cancelled."))
    if show_booker:
        lines.append(_("Booked by: %(booker)s") % {"booker": str(booking.booker)})
    if booking.organisation is not None:
        lines.append(_("For: %(organisation)s") % {"organisation": booking.organisation.name})
    lines.append(_("Attendees: %(count)d") % {"count": booking.attendees})
    if booking.purpose:
        lines.append(booking.purpose)
    lines.append(booking_url(booking))
    return "\n".join(lines)


def _summary(booking: Booking, *, show_booker: bool) -> str:
    if show_booker:
        who = booking.organisation.name if booking.organisation is not None else str(booking.booker)
        return f"{booking.title} ({who})"
    return booking.title


def booking_event(booking: Booking, *, detail: bool = True, show_booker: bool = False) -> Event:
    """One VEVENT for a booking: UTC times, stable UID, SEQUENCE, STATUS; busy-only hides what and who."""
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
        event.add("SUMMARY", _summary(booking, show_booker=show_booker))
        event.add("LOCATION", _location(booking))
        event.add("DESCRIPTION", _description(booking, show_booker=show_booker))
        event.add("URL", booking_url(booking))
    else:
        event.add("SUMMARY", _("Booked"))
        event.add("LOCATION", _location(booking, with_address=False))
    return event


def _calendar(*, name: str, key: str, method: str, subscription: bool = True) -> Calendar:
    """A VCALENDAR; subscriptions also get a name and a refresh hint, iTIP messages do not need them."""
    calendar = Calendar.new(prodid=PRODID, calscale="GREGORIAN", method=method)
    if not subscription:
        del calendar[
            "UID"
        ]  # Calendar.new adds a random one; an invitation is identified by its VEVENT
        return calendar
    calendar.calendar_name = name  # NAME and X-WR-CALNAME
    calendar.uid = f"{key}@{site_host()}"
    # RFC 7986 requires VALUE=DURATION on REFRESH-INTERVAL; icalendar leaves it out.
    refresh = vDuration(REFRESH)
    refresh.params["VALUE"] = "DURATION"
    calendar["REFRESH-INTERVAL"] = refresh
    # Must be a vDuration: a plain timedelta here serialises as "1:00:00", which is invalid.
    calendar["X-PUBLISHED-TTL"] = vDuration(REFRESH)
    return calendar


def feed_bookings(feed: Feed, window: Interval) -> QuerySet[Booking]:
    """The feed's bookings inside `window`, with everything an event needs, in one query."""
    return (
        windowed(feed.bookings, window)
        .select_related("space__venue", "booker", "organisation")
        .order_by("starts_at", "pk")
    )


class _EventCache:
    """A bounded in-process LRU of serialised events. Keys are content hashes, so an entry is never
    stale, only unused; Django's local-memory cache would cull at 300 entries, too few for a feed."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            chunk = self._items.get(key)
            if chunk is not None:
                self._items.move_to_end(key)
            return chunk

    def put(self, key: str, chunk: bytes) -> None:
        with self._lock:
            self._items[key] = chunk
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# About 0.6 KB an event: 20,000 events is ~12 MB per process.
_event_cache = _EventCache(int(getattr(settings, "FEED_EVENT_CACHE_SIZE", 20_000)))


def _event_cache_key(booking: Booking, feed: Feed) -> str:
    """Everything an event's text depends on, hashed: a changed booking, venue or name is a new key."""
    venue = booking.space.venue
    inputs = (
        FORMAT_VERSION,
        settings.SITE_URL,
        get_language(),
        feed.detail,
        feed.show_booker,
        booking.pk,
        str(booking.uid),
        booking.sequence,
        booking.status,
        booking.starts_at,
        booking.ends_at,
        booking.created_at,
        booking.updated_at,
        booking.title,
        booking.purpose,
        booking.attendees,
        booking.space.name,
        venue.name,
        venue.address,
        venue.postcode,
        str(booking.booker),
        booking.organisation.name if booking.organisation is not None else "",
    )
    return hashlib.sha256(repr(inputs).encode()).hexdigest()


_END = b"END:VCALENDAR\r\n"


def build_feed(feed: Feed, window: Interval) -> bytes:
    """The whole feed as iCalendar bytes (CRLF, folded). Cancelled and declined bookings stay in it
    while inside the window, with STATUS:CANCELLED, so subscribed clients remove them.

    Serialising is the cost (icalendar takes ~0.2-0.5 ms an event), so each event's text is
    cached under a key made of everything it shows; after one booking changes, only that event
    is serialised again.
    """
    bookings = list(feed_bookings(feed, window))
    keys = [_event_cache_key(booking, feed) for booking in bookings]
    chunks = []
    for booking, key in zip(bookings, keys, strict=True):
        chunk = _event_cache.get(key)
        if chunk is None:
            chunk = booking_event(
                booking, detail=feed.detail, show_booker=feed.show_booker
            ).to_ical()
            _event_cache.put(key, chunk)
        chunks.append(chunk)
    head = _calendar(name=feed.name, key=feed.key, method="PUBLISH").to_ical()
    # A component's text is its own lines, then its subcomponents', then END: splice the events in.
    return head.removesuffix(_END) + b"".join(chunks) + _END


def build_booking_file(booking: Booking) -> bytes:
    """A one-event calendar for downloading a single booking."""
    calendar = _calendar(name=booking.title, key=f"booking-{booking.uid}", method="PUBLISH")
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
    calendar = _calendar(
        name=booking.title, key=f"booking-{booking.uid}", method=method, subscription=False
    )
    event = booking_event(booking)
    event.add("ORGANIZER", _organizer(booking))
    event.add("ATTENDEE", _attendee(booking))
    calendar.add_component(event)
    return calendar.to_ical()
