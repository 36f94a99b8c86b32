"""Idempotent creation: a retry with the same `Idempotency-Key` and body gets the first answer.

The key's row is written first, in the transaction that creates the booking, under a unique
constraint (member, key): two requests racing with one key queue on that row, and the second,
once the first commits, replays its answer instead of booking again. A refusal rolls the key
back with everything else, so the client may retry the same key once the reason has gone.

A key is kept for KEY_LIFETIME (24 hours, as Stripe keeps its keys); `prune_idempotency_keys`
then forgets it, and a request with it afterwards is a new request.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import status

from bookings.models import Booking
from members.models import Member

from .errors import ApiError
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_LIFETIME = timedelta(hours=24)


def request_hash(data: Any) -> str:
    return hashlib.sha256(
        json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder).encode()
    ).hexdigest()


def checked_key(raw: str | None) -> str | None:
    """The header's value, or None if absent; 400 unless 1–255 printable ASCII characters."""
    if raw is None:
        return None
    if not 1 <= len(raw) <= 255 or not raw.isascii() or not raw.isprintable():
        raise ApiError(
            _("An Idempotency-Key is 1 to 255 printable ASCII characters, e.g. a UUID."),
            code="invalid",
            fields={HEADER: [_("Not a usable key.")]},
        )
    return raw


def _replay(
    record: IdempotencyKey, digest: str, show: Callable[[Booking], dict]
) -> tuple[int, dict]:
    if record.request_hash != digest:
        raise ApiError(
            _(
                "This Idempotency-Key was used for a different request. Use a new key for a "
                "new booking."
            ),
            code="idempotency_key_reused",
            status_code=status.HTTP_422_UNPROCESSABLE_ENTITY,
        )
    if record.booking is None:  # pragma: no cover - the key is written with its booking
        raise ApiError(_("This request is still being handled."), code="conflict", status_code=409)
    return record.status, show(record.booking)


def create_once(
    *,
    member: Member,
    key: str,
    digest: str,
    create: Callable[[], Booking],
    show: Callable[[Booking], dict],
) -> tuple[int, dict, bool]:
    """Run `create` once per (member, key): (status, the booking as `show` writes it, replayed)."""
    found = IdempotencyKey.objects.filter(member=member, key=key).select_related("booking").first()
    if found is not None:
        return (*_replay(found, digest, show), True)
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                member=member, key=key, request_hash=digest, status=0
            )
            booking = create()
            record.booking, record.status = booking, status.HTTP_201_CREATED
            record.save(update_fields=["booking", "status"])
    except IntegrityError:
        found = (
            IdempotencyKey.objects.filter(member=member, key=key).select_related("booking").first()
        )
        if found is None:
            raise
        return (*_replay(found, digest, show), True)
    return status.HTTP_201_CREATED, show(booking), False


def prune_idempotency_keys(*, now: datetime | None = None) -> int:
    """Forget the keys made more than KEY_LIFETIME before `now`; returns how many went.
    Idempotent, and safe on several machines at once: each old row is deleted once."""
    now = now or timezone.now()
    # One DELETE: nothing points at a key, and no signal listens to its deletion.
    pruned, _by_model = IdempotencyKey.objects.filter(created_at__lt=now - KEY_LIFETIME).delete()
    return pruned
