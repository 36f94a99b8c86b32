"""Sending deliveries: a django.tasks task per attempt, and `send_due` (the `send_webhooks`
command) for whatever is due and has no task waiting (a backend that cannot defer, a lost task,
an endpoint resumed).

At least once, never twice once delivered: a sender first claims the delivery in a short
transaction under its row lock (still pending, due, not claimed by another sender), then posts
outside any transaction (no row lock held while a stranger's server takes its time), then
records the answer under the lock again. A 2xx marks it delivered and nothing sends it again;
anything else waits 1 min, 5 min, 30 min, 2 h, 6 h (members.mail's retry schedule) and then
marks it failed. A sender that dies mid-post leaves its claim to expire, and the delivery is
sent again with the same event id, which receivers use to drop the repeat.
"""

import http.client
import json
import logging
import ssl
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from feeds import outbound
from members.mail import RETRY_DELAYS, after_commit

from .models import WebhookDelivery
from .signing import HEADER, signature

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10
CLAIM = timedelta(seconds=TIMEOUT_SECONDS * 6)  # far beyond a post that keeps to its timeout
ANSWER_BYTES = 4096  # read, to let the server finish, and dropped


def loopback_http() -> bool:
    """Plain http to 127.0.0.1 for the test receiver (never in production: webhooks.checks)."""
    return bool(getattr(settings, "WEBHOOKS_ALLOW_LOOPBACK_HTTP", False))


def body_of(delivery: WebhookDelivery) -> bytes:
    """The exact bytes signed and sent: the same for every attempt."""
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def _due(now: datetime) -> Q:
    return Q(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now)
    )


def _claim(delivery_id: int, *, now: datetime) -> WebhookDelivery | None:
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(_due(now), pk=delivery_id, endpoint__active=True)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        delivery.claimed_until = now + CLAIM
        delivery.save(update_fields=["attempts", "claimed_until"])
    return delivery


def _post(delivery: WebhookDelivery, *, now: datetime) -> tuple[int | None, str]:
    """(status code, error) of one POST; the code is None when no answer came."""
    endpoint = delivery.endpoint
    body = body_of(delivery)
    try:
        target = outbound.check_url(endpoint.url, loopback_http=loopback_http())
        address = outbound.addresses(target)[0]
        connection = outbound.connection(target, address, timeout=TIMEOUT_SECONDS)
        try:
            connection.request(
                "POST",
                target.path,
                body=body,
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "Commonshare webhooks",
                    HEADER: signature(endpoint.secret, body, timestamp=int(now.timestamp())),
                    "Commonshare-Event-Id": str(delivery.event_id),
                    "Commonshare-Event": delivery.kind,
                },
            )
            response = connection.getresponse()
            response.read(ANSWER_BYTES)
        finally:
            connection.close()
    except outbound.Refused as exc:
        return None, str(exc)
    except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
        return None, f"No answer: {exc.__class__.__name__}"
    if 200 <= response.status < 300:
        return response.status, ""
    return response.status, f"Answered {response.status}"


def _record(delivery_id: int, code: int | None, error: str, *, now: datetime) -> WebhookDelivery:
    with transaction.atomic():
        delivery = WebhookDelivery.objects.select_for_update().get(pk=delivery_id)
        delivery.last_status_code = code
        delivery.last_error = error[:200]
        delivery.claimed_until = None
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
        elif delivery.attempts > len(RETRY_DELAYS):
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
            logger.warning("Webhook %s gave up after %d attempts", delivery.pk, delivery.attempts)
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
            if deliver_webhook.get_backend().supports_defer:
                after_commit(
                    deliver_webhook.using(run_after=delivery.next_attempt_at),
                    delivery_id=delivery.pk,
                )
        delivery.save()
    return delivery


def send_delivery(*, delivery_id: int, now: datetime | None = None) -> WebhookDelivery | None:
    """Try one delivery if it is due and nobody else is sending it; None if it was not tried."""
    now = now or timezone.now()
    delivery = _claim(delivery_id, now=now)
    if delivery is None:
        return None
    code, error = _post(delivery, now=now)
    return _record(delivery_id, code, error, now=now)


def send_due(*, now: datetime | None = None) -> list[WebhookDelivery]:
    """Try every delivery that is due, oldest first, and return those tried."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(_due(now), endpoint__active=True)
    ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True))
    # Each delivery reads the clock again: a sweep held up by slow servers (10 s each) must not
    # claim with an expired lease or sign with a timestamp receivers refuse as too old.
    tried = (send_delivery(delivery_id=pk, now=max(now, timezone.now())) for pk in ids)
    return [delivery for delivery in tried if delivery is not None]


@task
def deliver_webhook(*, delivery_id: int) -> None:
    """One attempt at one delivery (webhooks.sending)."""
    send_delivery(delivery_id=delivery_id)
