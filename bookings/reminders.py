"""Reminders, sent by cron: the booker the day before (`manage.py send_reminders`), and each
venue's managers once a day when requests are waiting (`manage.py remind_managers`).

Each job claims what it sends in the transaction that marks it sent (`reminded_at` on the
booking, `requests_reminded_on` on the venue), taking the rows with skip_locked: run twice, or
on several machines at once, each reminder is claimed, and so sent, once. The emails are queued
after that transaction commits.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from members.mail import after_commit
from spaces.models import Venue

from . import notifications
from .mail_tasks import send_requests_waiting
from .models import Booking, BookingQuerySet

# The reminder goes this long before the start, to bookings made at least this far ahead (a
# booking made later has just had its confirmation: a reminder would say the same again).
REMIND_AHEAD = timedelta(hours=24)
BATCH = 200


def due_reminders(*, now: datetime) -> BookingQuerySet:
    """Confirmed bookings starting within REMIND_AHEAD, made before that, not yet reminded."""
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        reminded_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_AHEAD,
        created_at__lte=F("starts_at") - REMIND_AHEAD,
    )


def send_reminders(*, now: datetime | None = None) -> int:
    """Claim the due reminders in batches and queue one email for each; how many were claimed."""
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                due_reminders(now=now)
                .select_for_update(skip_locked=True)
                .order_by("starts_at", "pk")
                .only("pk")[:BATCH]
            )
            if not batch:
                return sent
            Booking.objects.filter(pk__in=[booking.pk for booking in batch]).update(reminded_at=now)
            for booking in batch:
                notifications.booking_reminder(booking)
        sent += len(batch)


def venues_with_requests_waiting(*, now: datetime):
    """Venues with pending requests yet to start."""
    waiting = Booking.objects.filter(
        space__venue=OuterRef("pk"), status=Booking.Status.PENDING, starts_at__gt=now
    )
    return Venue.objects.filter(Exists(waiting))


def remind_managers(*, now: datetime | None = None) -> list[Venue]:
    """Queue the digest of waiting requests to each venue's managers, once a local day per venue;
    the venues this call claimed."""
    now = now or timezone.now()
    claimed = []
    for venue_id in venues_with_requests_waiting(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            venue = Venue.objects.select_for_update(skip_locked=True).filter(pk=venue_id).first()
            if venue is None:
                continue
            today = now.astimezone(venue.zone).date()
            if venue.requests_reminded_on == today:
                continue
            venue.requests_reminded_on = today
            venue.save(update_fields=["requests_reminded_on"])
            after_commit(send_requests_waiting, venue_id=venue.pk)
        claimed.append(venue)
    return claimed
