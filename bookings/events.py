"""What happened to bookings, told to the apps above bookings (webhooks) once it is committed.

The services call these inside their transaction, beside the emails (bookings.notifications);
`booking_event` is sent only when that transaction commits, so a rolled-back change tells
nobody, and a receiver never sees a row that is not there yet. One event per booking and change,
whichever path made it: every booking is created in `request_booking` (a single booking, each
date of a series, a series extended, a waiting-list claim), and a series' cancellations and
decisions go through the per-booking services, so they send one event per date.

Receivers get `kind`, `occurred_at` (the operation's one clock reading), `venue_id`,
`booking_id` or `series_id`, and `detail` (JSON values); they must not write to bookings.
"""

import logging
from datetime import datetime

from django.db import transaction
from django.dispatch import Signal

from .models import Booking, Series

logger = logging.getLogger(__name__)

booking_event = Signal()

CREATED = "booking.created"
MOVED = "booking.moved"
CANCELLED = "booking.cancelled"
DECIDED = "booking.decided"
SERIES_CHANGED = "series.changed"
KINDS = (CREATED, MOVED, CANCELLED, DECIDED, SERIES_CHANGED)


def _send(**kwargs) -> None:
    for receiver, result in booking_event.send_robust(sender=Booking, **kwargs):
        if isinstance(result, Exception):
            # The change is committed and stands; the receiver's own error is its to record.
            logger.error("%s of %s failed: %r", receiver, kwargs["kind"], result, exc_info=result)


def _on_commit(kind: str, *, at: datetime, venue_id: int, detail: dict, **ids: int) -> None:
    transaction.on_commit(
        lambda: _send(kind=kind, occurred_at=at, venue_id=venue_id, detail=detail, **ids),
        robust=True,
    )


def _of_booking(kind: str, booking: Booking, *, at: datetime, **detail: str) -> None:
    _on_commit(kind, at=at, venue_id=booking.space.venue_id, detail=detail, booking_id=booking.pk)


def booking_created(booking: Booking, *, at: datetime) -> None:
    _of_booking(CREATED, booking, at=at)


def booking_moved(booking: Booking, *, at: datetime) -> None:
    _of_booking(MOVED, booking, at=at)


def booking_cancelled(booking: Booking, *, at: datetime, reason: str = "cancelled") -> None:
    """`reason`: "cancelled" (by its booker or a manager) or "no_show" (released, not checked in)."""
    _of_booking(CANCELLED, booking, at=at, reason=reason)


def booking_decided(booking: Booking, *, at: datetime, decision: str) -> None:
    """`decision`: "approved", "declined" or "expired" (not decided in time)."""
    _of_booking(DECIDED, booking, at=at, decision=decision)


def series_changed(series: Series, changed: list[Booking], *, at: datetime) -> None:
    """Dates of `series` changed together (bookings.series_edit); each moved date also has its
    own booking.moved."""
    _on_commit(
        SERIES_CHANGED,
        at=at,
        venue_id=series.space.venue_id,
        detail={"booking_ids": [booking.pk for booking in changed]},
        series_id=series.pk,
    )
