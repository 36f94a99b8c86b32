"""Requests that never go stale: a pending request not decided by its deadline expires, which
declines it (no one decided: `decided_by` stays empty, with a reason the booker reads), frees
its time and tells the booker. `manage.py expire_requests` runs it from cron.

The deadline is the space's `approval_deadline` after the request (3 days by default), or 24 h
before the start if that is sooner. A request made less than 24 h before its start expires at
the deadline or at its start, whichever is sooner: a request cannot be approved once it has
started anyway, and expiring it the moment it was made would tell the member nothing. The
deadline is written on the booking (`expires_at`) when it becomes pending, as the buffer is:
a later change to the space's rule leaves the requests already waiting as they were.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spaces.models import Space

from . import audit_trail, events, freed, mirror, notifications
from .models import Booking, BookingQuerySet

# A request is decided at least this long before it starts, when it can be.
DECIDE_BEFORE_START = timedelta(hours=24)


def request_expires_at(*, space: Space, requested_at: datetime, starts_at: datetime) -> datetime:
    """When a request for `space` starting at `starts_at`, made at `requested_at`, expires."""
    by_deadline = requested_at + space.approval_deadline
    before_start = starts_at - DECIDE_BEFORE_START
    if before_start <= requested_at:
        return min(by_deadline, starts_at)
    return min(by_deadline, before_start)


def overdue_requests(*, now: datetime) -> BookingQuerySet:
    """Pending requests whose deadline has come."""
    return Booking.objects.filter(status=Booking.Status.PENDING, expires_at__lte=now)


def expire_request(*, booking_id: int, now: datetime) -> Booking | None:
    """Expire one overdue request, in its own transaction, under the booking's row lock; None if
    it is no longer pending and overdue, or another process holds it (a manager deciding it, or
    expire_requests on another machine): skip_locked, so that one does it and this one moves on."""
    with transaction.atomic():
        booking = (
            overdue_requests(now=now)
            # of=self: lock the booking only, not the space and venue joined for the email.
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("space__venue", "booker")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:
            return None
        before = audit_trail.state(booking)
        booking.status = Booking.Status.DECLINED
        booking.decided_by = None
        booking.decided_at = now
        booking.decision_reason = _(
            "Not decided in time: the request expired and its time is free again."
        )
        booking.sequence += 1
        mirror.drop_event(booking)
        booking.save()
        audit_trail.booking_changed(
            booking, action="booking.expired", by=None, before=before, now=now
        )
        freed.on_slot_freed(booking)
        notifications.booking_expired(booking)
        events.booking_decided(booking, at=now, decision="expired")
    return booking


def expire_requests(*, now: datetime | None = None) -> list[Booking]:
    """Expire every overdue request (oldest deadline first) and return those this call expired.
    Run twice, or on two machines at once, each request is expired and emailed once."""
    now = now or timezone.now()
    ids = list(overdue_requests(now=now).order_by("expires_at", "pk").values_list("pk", flat=True))
    expired = (expire_request(booking_id=pk, now=now) for pk in ids)
    return [booking for booking in expired if booking is not None]
