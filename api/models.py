"""Personal API tokens, and the idempotency keys that make creating a booking safe to retry."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Every token starts with this, so a leaked one is recognisable (secret scanners, logs).
PREFIX = "cs_"


def new_secret() -> str:
    """A token's whole secret: the prefix and 256 random bits, URL-safe."""
    return PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What is stored of a token: its SHA-256. The secret has 256 random bits, so a fast hash is
    enough (nobody can guess through it) and lets a request find its token by an indexed lookup."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self, *, now=None) -> "ApiTokenQuerySet":
        """Tokens that still authenticate: not revoked, not expired."""
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A member's personal API token: named, optionally read-only and expiring, revocable.

    Unlike a feed token it is kept only as a hash: it is shown once, when made, and a member who
    loses it makes another. `start` (its first characters) tells tokens apart on the page.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    hashed = models.CharField(max_length=64, unique=True, editable=False)
    start = models.CharField(max_length=12, editable=False)
    read_only = models.BooleanField(_("read only"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.start}…)"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKey(models.Model):
    """A client's `Idempotency-Key` for one creation: the same key and body again returns the
    same booking; the same key with another body is refused. Unique per member, so two retries
    racing each other make one booking. Only a hash of the body is kept, never its text: the
    booking is shown again from its row (so a title cleared by the retention rule stays cleared)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idempotency_keys"
    )
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    booking = models.ForeignKey(
        "bookings.Booking", on_delete=models.CASCADE, null=True, related_name="+"
    )
    status = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("member", "key", name="one_idempotency_key_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.member_id})"
