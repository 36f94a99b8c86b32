"""Calendar feeds in iCalendar (RFC 5545): many bookings' events (bookings.ical) in one calendar,
windowed, cached and with the validators for conditional GET.

Times are written in UTC (`...Z`). A VTIMEZONE from `add_missing_timezones()` lists its transitions
as one multi-valued RDATE line that ical.js and vobject misread, so UTC is what every client reads
the same way; clients show the times in their own zone. No X-WR-TIMEZONE for the same reason.
"""

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import Count, F, Max, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import get_language

from bookings.ical import booking_uid, detail_url, new_calendar
from bookings.ical_text import FIELDS, EventFacts, event_text
from bookings.models import Booking
from spaces.intervals import Interval

from .scopes import Feed

# Bump when the shape of the output changes, so cached copies are refetched.
FORMAT_VERSION = "2"
# The window filter also bounds starts_at from below so the database walks only the window's
# part of the (space|booker, starts_at) index; no booking is longer than this.
LONGEST_BOOKING = timedelta(days=31)


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
    return seen_validators(feed, window)[0]


def seen_validators(feed: Feed, window: Interval) -> tuple[Validators, tuple[int, Any]]:
    """feed_validators, and the count and newest updated_at of every booking of the window that
    the aggregate saw (feeds.poll's print begins with the same two).

    ETag and Last-Modified from one aggregate query, without building the feed.

    The ETag follows the content: any change to a shown booking, or to its space, venue,
    organisation or (where the feed names bookers) booker, bumps an updated_at; a booking leaving the feed changes the count; the day (window), the language
    and the feed's name are part of it too. Last-Modified also counts the bookings of the scope
    the feed does not show: a booking cancelled out of a busy feed leaves it, and without its
    updated_at the newest remaining one could be older than the client's copy, which would then
    get a 304 to If-Modified-Since and keep the cancelled event. So it never goes backwards when
    a booking leaves, and it moves whenever the content does.
    """
    # A renamed or moved venue or space changes the events' titles and locations too, and so
    # does a renamed organisation (detailed feeds) or booker (feeds that say who booked).
    # A feed of one space or venue has its updated_at already (Feed.space, Feed.venue): it counts
    # wherever a booking does, without joining it to every booking.
    shared = [place.updated_at for place in (feed.space, feed.venue) if place is not None]
    shows: list[Any] = ["updated_at"]
    if feed.space is None:
        shows.append("space__updated_at")
    if feed.venue is None:
        shows.append("space__venue__updated_at")
    if feed.detail:
        # Coalesce: SQLite's GREATEST is NULL if any argument is (a booking for no organisation).
        shows.append(Coalesce("organisation__updated_at", "updated_at"))
    if feed.show_booker:
        shows.append("booker__updated_at")
    changed = Greatest(*shows) if len(shows) > 1 else F(shows[0])
    summary = (
        windowed(feed.bookings, window)
        .order_by()
        .aggregate(
            latest_shown=Max(changed, filter=feed.shown),
            count=Count("pk", filter=feed.shown),
            latest=Max(changed),
            every=Count("pk"),
            newest=Max("updated_at"),
        )
    )
    latest_shown = _latest(summary["latest_shown"], shared) or window.start
    latest = max(_latest(summary["latest"], shared) or window.start, latest_shown)
    parts = [
        FORMAT_VERSION,
        feed.key,
        feed.name,
        window.start.isoformat(),
        get_language() or "",
        settings.SITE_URL,
    ]
    parts += [latest_shown.isoformat(), str(summary["count"])]
    etag = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    # The window moves at midnight UTC, which changes the content even if no booking changed.
    today = window.start + timedelta(days=days_back())
    validators = Validators(
        etag=f'"{etag}"', last_modified=max(latest, today).replace(microsecond=0)
    )
    return validators, (summary["every"], summary["newest"])


def _latest(of_bookings: datetime | None, shared: list[datetime]) -> datetime | None:
    """The newest of the bookings' changes and the rows they all share; None if no booking."""
    return None if of_bookings is None else max([of_bookings, *shared])


def booking_validators(booking: Booking) -> Validators:
    """ETag and Last-Modified of one booking's .ics file (bookings.ical.build_booking_file), from
    the rows already loaded: everything the file shows, hashed; the newest of their updated_ats."""
    space, venue = booking.space, booking.space.venue
    inputs = (
        FORMAT_VERSION,
        settings.SITE_URL,
        get_language(),
        str(booking.uid),
        booking.sequence,
        booking.updated_at.isoformat(),
        space.updated_at.isoformat(),
        venue.updated_at.isoformat(),
        # The organisation's name is in the DESCRIPTION; it has no updated_at of its own.
        booking.organisation.name if booking.organisation is not None else "",
    )
    etag = hashlib.sha256(repr(inputs).encode()).hexdigest()[:32]
    latest = max(booking.updated_at, space.updated_at, venue.updated_at)
    return Validators(etag=f'"{etag}"', last_modified=latest.replace(microsecond=0))


def feed_rows(feed: Feed, window: Interval) -> QuerySet[Booking, tuple]:
    """The feed's bookings inside `window` as plain rows of everything an event shows (one
    query, no model instances): `bookings.ical_text.FIELDS`."""
    return (
        windowed(feed.bookings, window)
        .filter(feed.shown)
        .order_by("starts_at", "pk")
        .values_list(*FIELDS)
    )


class _LRU[K, V]:
    """A bounded in-process LRU, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            chunk = self._items.get(key)
            if chunk is not None:
                self._items.move_to_end(key)
            return chunk

    def put(self, key: K, chunk: V) -> None:
        with self._lock:
            self._items[key] = chunk
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# Serialised events. Keys are everything an event shows (the row, the feed's kind, the language
# and site), so an entry is never stale, only unused: a changed booking, space, venue, booker or
# organisation name is a new key. About 1.5 KB an event with its key: 20,000 events is ~30 MB
# per process.
_event_cache: _LRU[tuple, bytes] = _LRU(int(getattr(settings, "FEED_EVENT_CACHE_SIZE", 20_000)))


# --- The validators of a feed, kept with the print they were worked out under ----------------

# feeds.poll's print: the count and newest updated_at of the window's bookings of the feed's
# scope, then the newest updated_at of members, organisations, spaces and venues.
type Print = tuple[int | datetime | None, ...]

SUMMARY_SECONDS = 25 * 60 * 60  # a window lasts a day; its summaries are not needed after it


@dataclass(frozen=True)
class Summary:
    """A feed's validators and the print (feeds.poll) read just before they were worked out."""

    validators: Validators
    print: Print


# In front of the shared cache, so that a poll answered 304 costs no cache round trip. An entry
# is only used while the print read from the database on this very poll equals its own.
_summaries: _LRU[str, Summary] = _LRU(int(getattr(settings, "FEED_SUMMARY_CACHE_SIZE", 10_000)))


def summary_key(feed_key: str, window: Interval) -> str:
    """Everything the validators depend on besides the database: the feed, its window's day,
    the output's version, the language and the site."""
    site = hashlib.sha256(settings.SITE_URL.encode()).hexdigest()[:12]
    day = window.start.date().isoformat()
    return f"feeds:summary:{FORMAT_VERSION}:{feed_key}:{day}:{get_language() or ''}:{site}"


def feed_summary(feed_key: str, window: Interval, print_: Print) -> Validators | None:
    """The validators kept for this feed under this very print, or None: then work them out
    (feed_validators) and keep them (keep_feed_summary)."""
    key = summary_key(feed_key, window)
    summary = _summaries.get(key)
    if summary is None or summary.print != print_:
        summary = caches["default"].get(key)
        if not isinstance(summary, Summary) or summary.print != print_:
            return None
        _summaries.put(key, summary)
    return summary.validators


def keep_feed_summary(
    feed_key: str, window: Interval, print_: Print, validators: Validators, *, shared: bool = True
) -> None:
    """Keep `validators`, worked out after `print_` was read, in this process and (`shared`)
    for every app server. The caller checks that they saw the same bookings as the print
    (seen_validators)."""
    key = summary_key(feed_key, window)
    summary = Summary(validators=validators, print=print_)
    _summaries.put(key, summary)
    if shared:
        caches["default"].set(key, summary, SUMMARY_SECONDS)


def forget_feed_summaries() -> None:
    """Empty this process's copies (tests; the shared cache is emptied as a cache is)."""
    _summaries.clear()


_END = b"END:VCALENDAR\r\n"


def build_feed(feed: Feed, window: Interval) -> bytes:
    """The whole feed as iCalendar bytes (CRLF, folded). Cancelled and declined bookings stay in it
    while inside the window, with STATUS:CANCELLED, so subscribed clients remove them.

    Each event is written from its row (`bookings.ical_text`, the same bytes as icalendar's) and
    kept under everything it shows; after one booking changes, only that event is written again.
    """
    context = (FORMAT_VERSION, settings.SITE_URL, get_language(), feed.detail, feed.show_booker)
    chunks = []
    for row in feed_rows(feed, window):
        key = (context, row)
        chunk = _event_cache.get(key)
        if chunk is None:
            facts = EventFacts(*row)
            chunk = event_text(
                facts,
                detail=feed.detail,
                show_booker=feed.show_booker,
                uid=booking_uid(facts, busy=not feed.detail),
                url=detail_url(facts.pk),
            )
            _event_cache.put(key, chunk)
        chunks.append(chunk)
    head = new_calendar(name=feed.name, key=feed.key, method="PUBLISH").to_ical()
    # A component's text is its own lines, then its subcomponents', then END: splice the events in.
    return head.removesuffix(_END) + b"".join(chunks) + _END
