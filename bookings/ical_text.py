"""A booking's VEVENT written straight from plain values, for feeds of thousands of events.

icalendar builds an object per property and folds each line character by character: ~0.5 ms an
event, most of a cold feed. This writes the same bytes (`tests/bookings/test_ical_text.py` holds
it to `booking_event(...).to_ical()` for every status, both kinds of feed and awkward text) from
one `values()` row, with no model instance and no icalendar object: about 20 µs an event.

The content (what the summary, location and description say) is `bookings.ical`'s, shared with
the icalendar path; only the serialisation is here.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from django.utils.translation import gettext as _
from icalendar import STATUS

from .models import Booking

ICS_STATUS: dict[str, STATUS] = {
    Booking.Status.PENDING: STATUS.TENTATIVE,
    Booking.Status.CONFIRMED: STATUS.CONFIRMED,
    Booking.Status.DECLINED: STATUS.CANCELLED,
    Booking.Status.CANCELLED: STATUS.CANCELLED,
    # Released for not checking in: gone from the calendar like a cancelled booking.
    Booking.Status.NO_SHOW: STATUS.CANCELLED,
}

# The columns of a `values_list()` row, in EventFacts' order.
FIELDS = (
    "pk",
    "uid",
    "sequence",
    "status",
    "starts_at",
    "ends_at",
    "created_at",
    "updated_at",
    "title",
    "purpose",
    "attendees",
    "space__name",
    "space__venue__name",
    "space__venue__address",
    "space__venue__postcode",
    "booker__display_name",
    "booker__email",
    "organisation__name",
)


@dataclass(frozen=True, slots=True)
class EventFacts:
    """Everything a booking's VEVENT shows, as plain values."""

    pk: int
    uid: UUID
    sequence: int
    status: str
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    updated_at: datetime
    title: str
    purpose: str
    attendees: int
    space_name: str
    venue_name: str
    venue_address: str
    venue_postcode: str
    booker_display_name: str
    booker_email: str
    organisation: str | None  # the organisation's name

    @classmethod
    def of(cls, booking: Booking) -> "EventFacts":
        space, venue = booking.space, booking.space.venue
        return cls(
            booking.pk,
            booking.uid,
            booking.sequence,
            booking.status,
            booking.starts_at,
            booking.ends_at,
            booking.created_at,
            booking.updated_at,
            booking.title,
            booking.purpose,
            booking.attendees,
            space.name,
            venue.name,
            venue.address,
            venue.postcode,
            booking.booker.display_name,
            booking.booker.email,
            booking.organisation.name if booking.organisation is not None else None,
        )

    @property
    def booker(self) -> str:
        return self.booker_display_name or self.booker_email  # as Member.__str__

    @property
    def is_active(self) -> bool:
        return self.status in Booking.ACTIVE_STATUSES


def location(facts: EventFacts, *, with_address: bool = True) -> str:
    parts = [facts.space_name, facts.venue_name]
    if with_address:
        parts += [line.strip() for line in facts.venue_address.splitlines() if line.strip()]
        if facts.venue_postcode:
            parts.append(facts.venue_postcode)
    return ", ".join(parts)


def description(facts: EventFacts, *, show_booker: bool, url: str) -> str:
    lines = []
    if facts.status == Booking.Status.PENDING:
        lines.append(_("Awaiting approval by the venue."))
    elif facts.status == Booking.Status.DECLINED:
        lines.append(_("Declined by the venue."))
    elif facts.status == Booking.Status.CANCELLED:
        lines.append(_("Cancelled."))
    elif facts.status == Booking.Status.NO_SHOW:
        lines.append(_("Released: not checked in within the grace period."))
    if show_booker:
        lines.append(_("Booked by: %(booker)s") % {"booker": facts.booker})
    if facts.organisation is not None:
        lines.append(_("For: %(organisation)s") % {"organisation": facts.organisation})
    lines.append(_("Attendees: %(count)d") % {"count": facts.attendees})
    if facts.purpose:
        lines.append(facts.purpose)
    lines.append(url)
    return "\n".join(lines)


def summary(facts: EventFacts, *, show_booker: bool) -> str:
    if show_booker:
        who = facts.organisation if facts.organisation is not None else facts.booker
        return f"{facts.title} ({who})"
    return facts.title


def _escape(text: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar 7's order (a literal `\\N` is a newline too)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _fold(line: str) -> str:
    """Fold a content line as icalendar 7 does: pieces under 75 octets, never splitting a
    character, and never leaving an escape's backslash (or ^) at the end of a piece."""
    if line.isascii():
        if len(line) < 75:
            return line
        pieces = []
        start = 0
        while len(line) - start > 74:
            end = start + 74
            if line[end - 1] in "\\^":
                end -= 1
            pieces.append(line[start:end])
            start = end
        pieces.append(line[start:])
        return "\r\n ".join(pieces)
    pieces = []
    current: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode())
        if current and size + width >= 75:
            carried = current.pop() if len(current) > 1 and current[-1] in "\\^" else ""
            pieces.append("".join(current))
            current = [carried] if carried else []
            size = len(carried.encode())
        current.append(char)
        size += width
    if current:
        pieces.append("".join(current))
    return "\r\n ".join(pieces)


def _utc(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return (
        f"{moment.year:04}{moment.month:02}{moment.day:02}"
        f"T{moment.hour:02}{moment.minute:02}{moment.second:02}Z"
    )


def event_text(facts: EventFacts, *, detail: bool, show_booker: bool, uid: str, url: str) -> bytes:
    """The VEVENT of `bookings.ical.booking_event` for these facts, byte for byte: the canonical
    properties first, then the rest in alphabetical order, as icalendar sorts them."""
    stamp = _utc(facts.updated_at)
    lines = [
        "BEGIN:VEVENT",
        "SUMMARY:" + _escape(summary(facts, show_booker=show_booker) if detail else _("Booked")),
        "DTSTART:" + _utc(facts.starts_at),
        "DTEND:" + _utc(facts.ends_at),
        "DTSTAMP:" + stamp,
        "UID:" + _escape(uid),
        f"SEQUENCE:{facts.sequence}",
        "CREATED:" + _utc(facts.created_at),
    ]
    if detail:
        lines.append("DESCRIPTION:" + _escape(description(facts, show_booker=show_booker, url=url)))
    lines.append("LAST-MODIFIED:" + stamp)
    lines.append("LOCATION:" + _escape(location(facts, with_address=detail)))
    lines.append(f"STATUS:{ICS_STATUS[facts.status]}")
    lines.append("TRANSP:OPAQUE" if facts.is_active else "TRANSP:TRANSPARENT")
    if detail:
        lines.append("URL:" + url)
    lines.append("END:VEVENT")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode()
