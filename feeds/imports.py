"""Importing a venue's other calendar (an uploaded .ics or an https URL) as unavailability.

Everything an outsider controls is treated as hostile: the address (https only, public
addresses only, checked again on every redirect and pinned for the connection so DNS cannot
change its answer in between: feeds/outbound.py), the size, the time taken, the nesting, the
number of events and how often they repeat. A failure records a sentence on the source and
changes nothing else: the last good copy and the rows it produced stay.
"""

import http.client
import re
import ssl
import time
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dtime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import recurring_ical_events
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from bookings import notifications
from bookings.models import Booking
from spaces.models import CalendarImport, Unavailability

from . import outbound

MAX_BYTES = 2 * 1024 * 1024
MAX_COMPONENTS = 5_000  # BEGIN: lines in the file
MAX_NESTING = 8
MAX_OCCURRENCES = 10_000  # blocks written per source
MAX_REDIRECTS = 3
TIMEOUT_SECONDS = 15  # for the whole fetch, not per read
# Frequencies that could make millions of instances inside a year.
REFUSED_FREQUENCIES = {"SECONDLY", "MINUTELY"}
PERIODS_IN_WINDOW = {"HOURLY": 24 * 400, "DAILY": 400, "WEEKLY": 60, "MONTHLY": 14, "YEARLY": 2}
EXPANDING_PARTS = (
    "BYSECOND",
    "BYMINUTE",
    "BYHOUR",
    "BYDAY",
    "BYMONTHDAY",
    "BYYEARDAY",
    "BYWEEKNO",
    "BYMONTH",
    "BYSETPOS",
)


class ImportFailed(Exception):
    """Why an import was refused, in a sentence a venue manager can act on."""


@dataclass(frozen=True)
class ImportResult:
    ok: bool
    blocks: int = 0
    error: str = ""
    clashes: int = 0  # active bookings this import newly covers (their bookers and managers told)


def import_window(now: datetime) -> tuple[datetime, datetime]:
    back = int(getattr(settings, "CALENDAR_IMPORT_DAYS_BACK", 30))
    ahead = int(getattr(settings, "CALENDAR_IMPORT_DAYS_AHEAD", 365))
    return now - timedelta(days=back), now + timedelta(days=ahead)


# --- Fetching -------------------------------------------------------------------------------


def _public_addresses(host: str, port: int) -> list[str]:
    """The host's addresses, provided every one of them is a public unicast address."""
    try:
        return outbound.public_addresses(host, port)
    except outbound.Refused as exc:
        raise ImportFailed(str(exc)) from exc


def check_url(url: str) -> tuple[str, int, str]:
    """(host, port, path) of an https URL that may be fetched, or ImportFailed."""
    try:
        target = outbound.check_url(url)
    except outbound.Refused as exc:
        raise ImportFailed(str(exc)) from exc
    return target.host, target.port, target.path


def _get(host: str, port: int, path: str, address: str, timeout: float) -> http.client.HTTPResponse:
    """One GET, no redirects followed. Returns the http.client response (tests replace this)."""
    connection = outbound.PinnedHTTPSConnection(host, port, address, timeout)
    connection.request(
        "GET",
        path,
        headers={
            "User-Agent": "Commonshare calendar import",
            "Accept": "text/calendar",
            "Accept-Encoding": "identity",
        },
    )
    return connection.getresponse()


def fetch_ics(url: str) -> str:
    """The text of the calendar at an https URL, within the size and time limits."""
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        host, port, path = check_url(url)
        address = _public_addresses(host, port)[0]
        try:
            response = _get(
                host, port, path, address, timeout=max(1.0, deadline - time.monotonic())
            )
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ImportFailed(_("The server sent a redirect without an address."))
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise ImportFailed(
                    _("The server answered %(status)s instead of the calendar.")
                    % {"status": response.status}
                )
            if (response.getheader("Content-Encoding") or "identity").lower() != "identity":
                raise ImportFailed(
                    _("The server sent a compressed answer; it must send plain text.")
                )
            declared = response.getheader("Content-Length")
            if declared and declared.isdigit() and int(declared) > MAX_BYTES:
                raise ImportFailed(
                    _("The calendar is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
                )
            body = bytearray()
            while chunk := response.read(64 * 1024):
                body += chunk
                if len(body) > MAX_BYTES:
                    raise ImportFailed(
                        _("The calendar is larger than %(mb)d MB.")
                        % {"mb": MAX_BYTES // (1024 * 1024)}
                    )
                if time.monotonic() > deadline:
                    raise ImportFailed(
                        _("The server took longer than %(s)d seconds.") % {"s": TIMEOUT_SECONDS}
                    )
        except ImportFailed:
            raise
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            raise ImportFailed(
                _("Could not fetch the calendar: %(error)s") % {"error": exc.__class__.__name__}
            ) from exc
        return _decode(bytes(body))
    raise ImportFailed(_("The address redirects too many times."))


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            _("The calendar is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailed(_("The calendar is not UTF-8 text.")) from exc


# --- Parsing and expanding ----------------------------------------------------------------------

_RRULE_LINE = re.compile(r"^RRULE[;:](.*)$", re.IGNORECASE)


def _check_shape(text: str) -> None:
    """Cheap checks on the raw text before any parser sees it: size, nesting, counts, frequencies."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise ImportFailed(
            _("The calendar is larger than %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if "\x00" in text:
        # No calendar holds one, and PostgreSQL cannot store one: refuse before anything is kept.
        raise ImportFailed(_("The calendar holds a NUL character, so it is not a text calendar."))
    if "BEGIN:VCALENDAR" not in text.upper():
        raise ImportFailed(_("This is not an iCalendar file (no BEGIN:VCALENDAR)."))
    depth = components = 0
    # Unfold continuation lines first so a folded RRULE is read whole.
    for line in re.sub(r"\r?\n[ \t]", "", text).splitlines():
        upper = line.strip().upper()
        if upper.startswith("BEGIN:"):
            depth += 1
            components += 1
            if depth > MAX_NESTING:
                raise ImportFailed(_("The calendar is nested too deeply to be a real calendar."))
            if components > MAX_COMPONENTS:
                raise ImportFailed(
                    _("The calendar has more than %(n)d entries.") % {"n": MAX_COMPONENTS}
                )
        elif upper.startswith("END:"):
            depth -= 1
        elif match := _RRULE_LINE.match(upper):
            _check_rrule(match.group(1).split(":", 1)[-1])


def _check_rrule(value: str) -> None:
    parts = dict(part.split("=", 1) for part in value.split(";") if "=" in part)
    freq = parts.get("FREQ", "")
    if freq in REFUSED_FREQUENCIES:
        raise ImportFailed(
            _("An event repeats every second or minute; such calendars cannot be imported.")
        )
    bound = PERIODS_IN_WINDOW.get(freq, 400)
    for name in EXPANDING_PARTS:
        if name in parts:
            bound *= max(1, len(parts[name].split(",")))
    if bound > MAX_OCCURRENCES * 2:
        raise ImportFailed(_("An event repeats too often to be imported."))


def _to_utc(value: date | datetime, zone: ZoneInfo) -> datetime:
    """Instants from an event's start or end. Dates (all-day) and floating times are the venue's."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, dtime(0))
    if value.tzinfo is None:
        # Lenient like opening hours: a skipped time moves forward, a repeated one takes the first.
        value = value.replace(tzinfo=zone, fold=0)
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Block:
    starts_at: datetime
    ends_at: datetime
    # The event's own SUMMARY, one line: told to the venue's managers about a clash, never stored
    # (the rows, and so the busy feeds and the booking pages, show only the source's name).
    summary: str = field(default="", compare=False)


def expand(text: str, *, zone: ZoneInfo, now: datetime) -> list[Block]:
    """The busy times of an iCalendar text inside the import window, recurring events expanded.

    Cancelled and transparent (free) events do not block. Overlapping blocks are kept as they are.
    """
    _check_shape(text)
    start, end = import_window(now)
    try:
        calendar = Calendar.from_ical(text)
        if isinstance(calendar, list):  # several VCALENDARs in one file
            raise ImportFailed(_("The file holds several calendars; upload one at a time."))
        blocks: list[Block] = []
        for occurrence in _occurrences(calendar, start, end):
            if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
                continue
            if str(occurrence.get("TRANSP", "")).upper() == "TRANSPARENT":
                continue
            begins = _to_utc(occurrence.start, zone)
            try:
                finishes = _to_utc(occurrence.end, zone)
            except Exception:
                finishes = begins
            if (
                isinstance(occurrence.start, date)
                and not isinstance(occurrence.start, datetime)
                and finishes <= begins
            ):
                finishes = _to_utc(occurrence.start + timedelta(days=1), zone)
            if finishes <= begins:
                continue  # a moment, not a span: nothing to block
            summary = " ".join(str(occurrence.get("SUMMARY", "")).split())[:200]
            blocks.append(Block(begins, finishes, summary))
            if len(blocks) > MAX_OCCURRENCES:
                raise ImportFailed(
                    _("The calendar has more than %(n)d events in the coming year.")
                    % {"n": MAX_OCCURRENCES}
                )
    except ImportFailed:
        raise
    except RecursionError as exc:
        raise ImportFailed(_("The calendar is nested too deeply to be a real calendar.")) from exc
    except Exception as exc:  # the parsers raise many kinds of errors on bad input
        raise ImportFailed(
            _("The calendar could not be read (%(error)s). Check it opens in a calendar app.")
            % {"error": _short(exc)}
        ) from exc
    return sorted(blocks, key=lambda b: (b.starts_at, b.ends_at))


def _occurrences(calendar: Calendar, start: datetime, end: datetime) -> Iterator[Event]:
    """Each occurrence in [start, end), one series at a time, so the cap in `expand` stops a
    hostile file after at most one series' worth of work (query.between builds them all first)."""
    query = recurring_ical_events.of(calendar)
    for series in query.series:
        for occurrence in series.between(start, end):
            yield occurrence.as_component(False)


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__
    return text[:200]


# --- Importing ----------------------------------------------------------------------------------


def _record_failure(source: CalendarImport, message: str, now: datetime) -> ImportResult:
    CalendarImport.objects.filter(pk=source.pk).update(last_error=message, last_fetched_at=now)
    source.last_error, source.last_fetched_at = message, now
    return ImportResult(ok=False, error=message)


def import_calendar(
    source: CalendarImport,
    *,
    uploaded_text: str | None = None,
    refetch: bool = True,
    now: datetime | None = None,
) -> ImportResult:
    """Import a source: an uploaded text if given, else its URL (fetched if `refetch`), else its stored copy.

    On success the source's unavailability rows are replaced in one transaction; on failure a
    clear error is recorded on the source and its last good copy and rows are kept. Never raises
    for bad input: callers (the manager page, the admin, `fetch_calendars`) read the result.
    """
    now = now or timezone.now()
    zone = source.venue.zone
    try:
        if uploaded_text is not None:
            text = uploaded_text
        elif source.url and refetch:
            text = fetch_ics(source.url)
        else:
            text = source.last_good_ics or source.uploaded_ics
            if not text:
                raise ImportFailed(
                    _("There is nothing to import: upload a file or give an https address.")
                )
        blocks = expand(text, zone=zone, now=now)
    except ImportFailed as exc:
        return _record_failure(source, str(exc), now)

    summary = source.name[:200]
    with transaction.atomic():
        clashing_before = _clashing_bookings(source, now=now)
        Unavailability.objects.filter(source=source).delete()
        Unavailability.objects.bulk_create(
            Unavailability(
                source=source,
                venue_id=source.venue_id,
                space_id=source.space_id,
                starts_at=block.starts_at,
                ends_at=block.ends_at,
                summary=summary,
            )
            for block in blocks
        )
        fields = {
            "last_good_ics": text,
            "last_fetched_at": now,
            "last_success_at": now,
            "last_error": "",
        }
        if uploaded_text is not None:
            fields["uploaded_ics"] = text
        CalendarImport.objects.filter(pk=source.pk).update(**fields)
        for name, value in fields.items():
            setattr(source, name, value)
        clashes = _new_clashes(source, blocks, before=clashing_before, now=now)
        notifications.imported_calendar_clashes(
            venue=source.venue, calendar_name=source.name, clashes=clashes
        )
    return ImportResult(ok=True, blocks=len(blocks), clashes=len(clashes))


def _clashing_bookings(source: CalendarImport, *, now: datetime) -> set[int]:
    """Ids of the active bookings yet to start that one of the source's rows now covers."""
    busy = Unavailability.objects.filter(
        source=source, starts_at__lt=OuterRef("ends_at"), ends_at__gt=OuterRef("starts_at")
    )
    bookings = Booking.objects.active().filter(space__venue_id=source.venue_id, starts_at__gt=now)
    if source.space_id:
        bookings = bookings.filter(space_id=source.space_id)
    return set(bookings.filter(Exists(busy)).values_list("pk", flat=True))


def _new_clashes(
    source: CalendarImport, blocks: list[Block], *, before: set[int], now: datetime
) -> list[notifications.Clash]:
    """The clashes this import makes that the rows it replaced did not: a re-import of the same
    calendar finds none, so nobody is emailed twice. Each with the names of the events over it."""
    new = _clashing_bookings(source, now=now) - before
    if not new:
        return []
    starts = [block.starts_at for block in blocks]  # `expand` sorts the blocks by start
    longest = max(block.ends_at - block.starts_at for block in blocks)
    clashes = []
    bookings = (
        Booking.objects.filter(pk__in=new)
        .select_related("space__venue", "booker", "organisation")
        .order_by("starts_at", "space__name", "pk")
    )
    for booking in bookings:
        # Only blocks starting within `longest` before the booking can reach into it.
        first = bisect_left(starts, booking.starts_at - longest)
        last = bisect_left(starts, booking.ends_at)
        events = dict.fromkeys(
            block.summary
            for block in blocks[first:last]
            if block.ends_at > booking.starts_at and block.summary
        )
        clashes.append(notifications.Clash(booking=booking, events=tuple(events)))
    return clashes


def import_upload(
    source: CalendarImport, data: bytes, *, now: datetime | None = None
) -> ImportResult:
    """Import an uploaded file's bytes (size and encoding checked first)."""
    try:
        text = _decode(data)
    except ImportFailed as exc:
        return _record_failure(source, str(exc), now or timezone.now())
    return import_calendar(source, uploaded_text=text, now=now)
