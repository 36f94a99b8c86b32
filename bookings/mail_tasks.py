"""The tasks that send the emails about bookings (django.tasks; see members.mail for the queue
and the retries).

Each takes only ids and names (JSON), reads the rows when it runs and builds the email from them
as they are then, so a task that waited in the queue, or is retried, never sends a stale copy
and never holds a booking open. A booking deleted meanwhile sends nothing.
"""

import logging

from django.tasks import task
from django.utils import timezone

from members import permissions
from members.mail import send_or_retry
from spaces.models import Venue

from .emails import build_email
from .models import Booking, WaitlistEntry

logger = logging.getLogger(__name__)

# Whom a booking email is for.
BOOKER = "booker"
MANAGERS = "managers"


def _booking(booking_id: int) -> Booking | None:
    booking = (
        Booking.objects.select_related("space__venue", "booker", "organisation")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        logger.warning("Booking %s is gone; its email is not sent", booking_id)
    return booking


def _managers(venue: Venue, *, besides_id: int | None = None) -> list[str]:
    """The emails of the venue's managers, leaving out `besides_id` (who did it, and knows)."""
    managers = permissions.managers_of(venue)
    if besides_id is not None:
        managers = managers.exclude(pk=besides_id)
    return list(managers.values_list("email", flat=True))


@task
def send_booking_email(
    *,
    booking_id: int,
    template: str,
    audience: str = BOOKER,
    besides_id: int | None = None,
    invitation: bool = False,
    attempt: int = 1,
) -> None:
    """bookings/email/<template>.txt about one booking, to its booker or its venue's managers."""
    booking = _booking(booking_id)
    if booking is None:
        return
    if audience == BOOKER:
        to = [booking.booker.email]
    else:
        to = _managers(booking.space.venue, besides_id=besides_id)
    if not to:
        return
    message = build_email(
        to=to,
        template=template,
        context={"booking": booking},
        invitation_for=booking if invitation else None,
    )
    send_or_retry(
        message,
        retry=send_booking_email,
        kwargs={
            "booking_id": booking_id,
            "template": template,
            "audience": audience,
            "besides_id": besides_id,
            "invitation": invitation,
        },
        attempt=attempt,
    )


class ImportClash:
    """One clash as the import_clashes template reads it."""

    def __init__(self, booking: Booking, events: list[str]) -> None:
        self.booking = booking
        self.events = events


@task
def send_import_clashes(
    *, venue_id: int, calendar_name: str, clashes: list[list], attempt: int = 1
) -> None:
    """The list of bookings an imported calendar now covers, to the venue's managers.
    `clashes` holds [booking id, [event names]] pairs."""
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return
    to = _managers(venue)
    events = {int(pk): names for pk, names in clashes}
    bookings = Booking.objects.filter(pk__in=events).select_related(
        "space__venue", "booker", "organisation"
    )
    found = [
        ImportClash(booking, events[booking.pk])
        for booking in bookings.order_by("starts_at", "space__name", "pk")
    ]
    if not to or not found:
        return
    message = build_email(
        to=to,
        template="import_clashes",
        context={"calendar_name": calendar_name, "clashes": found, "venue": venue},
    )
    send_or_retry(
        message,
        retry=send_import_clashes,
        kwargs={"venue_id": venue_id, "calendar_name": calendar_name, "clashes": clashes},
        attempt=attempt,
    )


@task
def send_requests_waiting(*, venue_id: int, attempt: int = 1) -> None:
    """The digest of a venue's requests waiting for a decision, to its managers; nothing when
    none is waiting any more."""
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return
    waiting = list(
        Booking.objects.filter(
            space__venue=venue, status=Booking.Status.PENDING, starts_at__gt=timezone.now()
        )
        .select_related("space__venue", "booker", "organisation")
        .order_by("expires_at", "starts_at", "pk")
    )
    to = _managers(venue)
    if not to or not waiting:
        return
    message = build_email(
        to=to, template="requests_waiting", context={"venue": venue, "waiting": waiting}
    )
    send_or_retry(
        message, retry=send_requests_waiting, kwargs={"venue_id": venue_id}, attempt=attempt
    )


@task
def send_waitlist_offer(*, entry_id: int, attempt: int = 1) -> None:
    """The offer of a freed slot, with its claim link, to the member first in line; nothing once
    the offer is no longer open (claimed, expired, withdrawn meanwhile)."""
    entry = (
        WaitlistEntry.objects.select_related("space__venue", "member")
        .filter(pk=entry_id, state=WaitlistEntry.State.OFFERED)
        .first()
    )
    if entry is None or entry.offer_expires_at is None or entry.offer_expires_at <= timezone.now():
        return
    message = build_email(
        to=[entry.member.email], template="waitlist_offer", context={"entry": entry}
    )
    send_or_retry(
        message, retry=send_waitlist_offer, kwargs={"entry_id": entry_id}, attempt=attempt
    )
