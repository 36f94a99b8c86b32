"""Webhook endpoints, changed by a venue's managers, and the deliveries each booking event makes.

Every function says no with WebhookError, in a sentence the manager reads as it is. An address
is checked as calendar imports check theirs (feeds.outbound: https only, public addresses, no
password), when it is added and again on every send.
"""

import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.events import KINDS
from bookings.models import Booking, Series
from feeds import outbound
from members import permissions
from members.mail import after_commit
from members.models import Member
from spaces.models import Venue

from .models import URL_MAX, WebhookDelivery, WebhookEndpoint
from .payloads import event_payload
from .sending import deliver_webhook, loopback_http

# Each event is posted to every endpoint of its venue: a bound on that fan-out.
ENDPOINTS_PER_VENUE = 10


class WebhookError(Exception):
    """A webhook change said no; `message` is shown to the manager as is."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def check_address(url: str) -> str:
    """`url` stripped, if webhooks may be sent there now; else WebhookError."""
    url = url.strip()
    if len(url) > URL_MAX:
        raise WebhookError(
            _("Keep the address to %(n)d characters or fewer.") % {"n": URL_MAX}, field="url"
        )
    try:
        outbound.addresses(outbound.check_url(url, loopback_http=loopback_http()))
    except outbound.Refused as exc:
        raise WebhookError(str(exc), field="url") from exc
    return url


def _refuse_unless_manager(by: Member, venue: Venue) -> None:
    refusal = permissions.webhook_refusal(by, venue)
    if refusal:
        raise WebhookError(refusal)


@transaction.atomic
def add_endpoint(*, venue: Venue, by: Member, url: str, events: Iterable[str]) -> WebhookEndpoint:
    """A new active endpoint of `venue` for the `events` chosen, with a new secret."""
    _refuse_unless_manager(by, venue)
    kinds = [kind for kind in KINDS if kind in set(events)]
    if not kinds:
        raise WebhookError(_("Choose at least one event to be told of."), field="events")
    url = check_address(url)
    venue = Venue.objects.select_for_update().get(pk=venue.pk)  # counted under the lock
    if venue.webhook_endpoints.count() >= ENDPOINTS_PER_VENUE:
        raise WebhookError(
            _("A venue can have at most %(n)d webhooks; delete one first.")
            % {"n": ENDPOINTS_PER_VENUE}
        )
    return WebhookEndpoint.objects.create(venue=venue, url=url, events=kinds, created_by=by)


@transaction.atomic
def set_endpoint_active(*, endpoint: WebhookEndpoint, by: Member, active: bool) -> WebhookEndpoint:
    """Pause an endpoint (its events are recorded and wait, none is lost) or resume it (what
    waited is sent by the next `send_webhooks` run, oldest first)."""
    _refuse_unless_manager(by, endpoint.venue)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.active = active
    endpoint.save(update_fields=["active"])
    return endpoint


@transaction.atomic
def delete_endpoint(*, endpoint: WebhookEndpoint, by: Member) -> None:
    """Delete an endpoint with its delivery log; what it had not been sent is not sent."""
    _refuse_unless_manager(by, endpoint.venue)
    endpoint.delete()


@transaction.atomic
def send_again(*, delivery: WebhookDelivery, by: Member) -> WebhookDelivery:
    """A delivery that was given up on is tried again from now, with the same event id and
    body, on the same schedule (its attempts counted afresh); only a failed one."""
    _refuse_unless_manager(by, delivery.endpoint.venue)
    delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != WebhookDelivery.Status.FAILED:
        raise WebhookError(_("Only a delivery that was given up on can be sent again."))
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    after_commit(deliver_webhook, delivery_id=delivery.pk)
    return delivery


def _subject(
    *, booking_id: int | None, series_id: int | None
) -> tuple[Booking | None, Series | None]:
    booking = series = None
    if booking_id is not None:
        booking = (
            Booking.objects.select_related("space__venue", "organisation")
            .filter(pk=booking_id)
            .first()
        )
    if series_id is not None:
        series = Series.objects.select_related("space__venue").filter(pk=series_id).first()
    return booking, series


def _has_endpoints(venue_id: int) -> bool:
    """Has the venue any endpoint? Asked after every booking's commit, and most venues have none:
    one indexed EXISTS written as SQL, where building the endpoints' queryset cost the ORM about
    five times the query (docs/design.md, Speed). Asked each time, so never stale."""
    table = connection.ops.quote_name(WebhookEndpoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {table} WHERE venue_id = %s LIMIT 1", [venue_id])
        return cursor.fetchone() is not None


def record_event(
    *,
    kind: str,
    occurred_at: datetime,
    venue_id: int,
    booking_id: int | None = None,
    series_id: int | None = None,
    detail: dict,
) -> list[WebhookDelivery]:
    """One pending delivery of the event for each endpoint of the venue that wants it, all with
    one event id, each sent by a task once they are saved (a paused endpoint's wait for it to be
    resumed). Called once the booking's transaction has committed (bookings.events), so the
    payload is the booking as committed."""
    if not _has_endpoints(venue_id):
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(venue_id=venue_id)
        if endpoint.wants(kind)
    ]
    if not endpoints:
        return []
    booking, series = _subject(booking_id=booking_id, series_id=series_id)
    subject = booking or series
    if subject is None:  # gone already: nothing true to say about it
        return []
    event_id = uuid.uuid4()
    payload = event_payload(
        event_id=event_id,
        kind=kind,
        occurred_at=occurred_at,
        venue=subject.space.venue,
        booking=booking,
        series=series,
        detail=detail,
    )
    now = timezone.now()
    with transaction.atomic():
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(
                endpoint=endpoint,
                event_id=event_id,
                kind=kind,
                payload=payload,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint in endpoints
        )
        for delivery in deliveries:
            if delivery.endpoint.active:
                after_commit(deliver_webhook, delivery_id=delivery.pk)
    return deliveries
