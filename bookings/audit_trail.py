"""Bookings and series in the audit trail (members.audit): what each service records.

A service takes `state(booking)` after it locks the row and calls `booking_changed` once the
row is saved, in the same transaction; the entry holds the fields that differ. A new booking's
entry (`booking_entry`) is written with the booking itself (bookings.saving.save_new). The summary is a
sentence with the space and the local time, never the free text a booker typed (that is in the
changes, where the retention command can clear it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from members import audit
from members.audit import AuditEntry
from members.models import Member

from .models import Booking, Series

BOOKING_FIELDS = (
    "status",
    "space",
    "starts_at",
    "ends_at",
    "attendees",
    "organisation",
    "price",
    "fund_drawn",
    "title",
    "purpose",
    "activity",
    "decision_reason",
    "cancellation_reason",
    "checked_in_at",
)
SERIES_FIELDS = (
    "space",
    "title",
    "purpose",
    "activity",
    "attendees",
    "starts_on",
    "start_time",
    "duration",
    "frequency",
    "interval",
    "until",
    "count",
    "reconfirm_every",
    "confirmed_until",
)

BOOKING_ACTIONS = {
    "booking.created": _("Booked"),
    "booking.moved": _("Moved"),
    "booking.changed": _("Details changed"),
    "booking.cancelled": _("Cancelled"),
    "booking.approved": _("Approved"),
    "booking.declined": _("Declined"),
    "booking.expired": _("Request expired"),
    "booking.no_show": _("Released as a no-show"),
    "booking.checked_in": _("Checked in"),
}
SERIES_ACTIONS = {
    "series.created": _("Series booked"),
    "series.changed": _("Series changed"),
    "series.extended": _("Series extended"),
    "series.term_confirmed": _("Series term confirmed"),
    "series.term_released": _("Series term released"),
    "series.cancelled": _("Series cancelled"),
}


def state(booking: Booking) -> dict[str, Any]:
    """The tracked fields of `booking` now, to compare with after the change."""
    return audit.snapshot(booking, BOOKING_FIELDS)


def series_state(series: Series) -> dict[str, Any]:
    return audit.snapshot(series, SERIES_FIELDS)


def _when(booking: Booking) -> str:
    zone = booking.space.venue.zone
    starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    day = formats.date_format(starts, "D j M Y")
    return f"{day} {formats.time_format(starts, 'H:i')}–{formats.time_format(ends, 'H:i')}"


def _verb(action: str, booking: Booking) -> str:
    if action == "booking.created" and booking.status == Booking.Status.PENDING:
        return str(_("Requested"))  # held for a manager's decision, not booked yet
    return str(BOOKING_ACTIONS[action])


def booking_changed(
    booking: Booking,
    *,
    action: str,
    by: Member | None,
    before: dict[str, Any] | None,
    now: datetime | None = None,
    notes_before: dict[str, Any] | None = None,
) -> None:
    """Record `action` on `booking` by `by` (None: the system), with the fields that differ from
    `before` (None: a new booking, every field from nothing); `notes_before` instead: only the
    set-up notes and the public-title flag changed (bookings.notes)."""
    audit.write(
        booking_entry(
            booking, action=action, by=by, before=before, now=now, notes_before=notes_before
        )
    )


def booking_entry(
    booking: Booking,
    *,
    action: str,
    by: Member | None,
    before: dict[str, Any] | None,
    now: datetime | None = None,
    notes_before: dict[str, Any] | None = None,
) -> AuditEntry:
    """The entry booking_changed writes, unsaved: a new booking's, written with it in one
    statement (bookings.saving.save_new)."""
    if notes_before is not None:
        after = audit.snapshot(booking, notes_before)
        changes = audit.differences(audit.snapshot_of(notes_before), after)
    else:
        changes = audit.differences(before or {}, state(booking))
    if before is None and notes_before is None:
        changes = {name: pair for name, pair in changes.items() if pair[1] not in (None, "")}
    return audit.entry(
        action=action,
        subject=booking,
        by=by,
        venue_id=booking.space.venue_id,
        summary=f"{_verb(action, booking)}: {booking.space.name}, {_when(booking)}",
        changes=changes,
        at=now,
    )


def series_changed(
    series: Series,
    *,
    action: str,
    by: Member | None,
    before: dict[str, Any] | None = None,
    detail: str = "",
    now: datetime | None = None,
) -> None:
    """Record `action` on `series` (its occurrences record their own changes)."""
    after = series_state(series)
    changes = audit.differences(before, after) if before is not None else {}
    summary = f"{SERIES_ACTIONS[action]}: {series.space.name}"
    audit.record(
        action=action,
        subject=series,
        by=by,
        venue_id=series.space.venue_id,
        summary=f"{summary}. {detail}" if detail else summary,
        changes=changes,
        at=now,
    )
