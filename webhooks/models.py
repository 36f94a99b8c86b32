"""A venue's webhook endpoints (the addresses its managers registered) and every delivery of an
event to one of them: the deliveries are the log on the managers' page and the queue the
sender works from (webhooks.sending), so nothing waits only in a task queue."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bookings.events import KINDS

URL_MAX = 500


def new_secret() -> str:
    """256 random bits, prefixed so a secret pasted in the wrong place is recognisable."""
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An address a venue's managers registered to be told of its booking events (`events`, a
    list of kinds from bookings.events.KINDS), signed with `secret`.

    The secret is kept as it is, not hashed: signing needs it, and the venue's managers may
    read it again on the webhooks page (the people who could read it can see the same events on
    their own pages anyway); deleting the endpoint and adding it again gives a new one."""

    venue = models.ForeignKey(
        "spaces.Venue", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.CharField(_("address"), max_length=URL_MAX)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80, default=new_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.url} ({self.venue})"

    def wants(self, kind: str) -> bool:
        """Is `kind` one of the events chosen? (A paused endpoint still wants them: they wait.)"""
        return kind in self.events and kind in KINDS


class WebhookDelivery(models.Model):
    """One event for one endpoint: its payload fixed when the event happened, sent until the
    endpoint answers 2xx or the retries run out. `event_id` is the same for every attempt (and
    every endpoint told of the event), so a receiver can drop a repeat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # A sender holds the delivery until then (webhooks.sending): no second sender posts it while
    # the first waits for the answer; one that died lets it go once this has passed.
    claimed_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_event"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhook_delivery_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.event_id} → {self.endpoint.url}"
