"""Making, regenerating and revoking feed tokens. Each runs in one transaction."""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members.models import Member

from .models import FeedToken
from .scopes import may_create_feed

# last_used_at is a hint for the member, not an audit log: write it at most this often per token.
LAST_USED_GRANULARITY = timedelta(hours=1)


class FeedError(Exception):
    """A feed request said no; `message` is shown to the member as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Database ids are 64-bit; 18 digits always fit, and a longer "id" is no feed of ours.
MAX_TARGET_DIGITS = 18


def parse_target_id(text: str) -> int | None:
    """The id after `scope:` in the feed picker: ASCII digits only, or None (then no feed matches).

    str.isdigit alone would let through "²" (which int() refuses) and 5,000-digit numbers.
    """
    if text.isascii() and text.isdigit() and len(text) <= MAX_TARGET_DIGITS:
        return int(text)
    return None


def _target(scope: str, target_id: int | None) -> dict[str, int | None]:
    fields: dict[str, str] = {
        FeedToken.Scope.ORGANISATION: "organisation_id",
        FeedToken.Scope.VENUE: "venue_id",
        FeedToken.Scope.SPACE: "space_id",
    }
    field = fields.get(scope)
    return {field: target_id} if field else {}


@transaction.atomic
def create_feed_token(*, owner: Member, scope: str, target_id: int | None = None) -> FeedToken:
    """The owner's live token for this feed, made now if they have none; FeedError if they may not see it."""
    if scope not in FeedToken.Scope.values:
        raise FeedError(_("Choose a feed from the list."))
    target = _target(scope, target_id)
    if scope != FeedToken.Scope.MEMBER and not target_id:
        raise FeedError(_("Choose a feed from the list."))
    if not may_create_feed(owner, scope, **target):
        raise FeedError(_("You cannot subscribe to that feed."))
    existing = FeedToken.objects.live().filter(owner=owner, scope=scope, **target).first()
    if existing is not None:
        return existing
    token = FeedToken(owner=owner, scope=scope, **target)
    try:
        _save_new(token)
    except IntegrityError:
        # A concurrent request for the same feed saved its token first (the database allows one
        # live token per feed): the member gets that one, so one click makes one address.
        existing = FeedToken.objects.live().filter(owner=owner, scope=scope, **target).first()
        if existing is None:
            raise FeedError(_("Your feed could not be made just now. Please try again.")) from None
        return existing
    return token


def _save_new(token: FeedToken) -> None:
    """Insert a new token in a savepoint, so that losing the race for the feed
    (one_live_feed_token_per_feed) rolls back only this insert. The database checks the
    constraints: validating them here first would only add queries and a second race."""
    token.full_clean(validate_constraints=False)
    with transaction.atomic():
        token.save()


@transaction.atomic
def revoke_feed_token(*, token: FeedToken, by: Member, now: datetime | None = None) -> FeedToken:
    """Revoke a token at once: its URL answers 404 from now on."""
    if token.owner_id != by.pk:
        raise FeedError(_("That is not your feed."))
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def regenerate_feed_token(
    *, token: FeedToken, by: Member, now: datetime | None = None
) -> FeedToken:
    """Revoke a token and give its owner a new one for the same feed (a new URL to subscribe to).

    The token's row is locked first, so of concurrent regenerations (a double click) only the
    first finds it live and makes a new token; the others say it was already revoked.
    """
    if token.owner_id != by.pk:
        raise FeedError(_("That is not your feed."))
    token = FeedToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise FeedError(_("That feed address was already revoked."))
    revoke_feed_token(token=token, by=by, now=now)
    fresh = FeedToken(
        owner=token.owner,
        scope=token.scope,
        organisation_id=token.organisation_id,
        venue_id=token.venue_id,
        space_id=token.space_id,
    )
    try:
        _save_new(fresh)
    except IntegrityError:
        # "Create feed" for the same feed won the moment the old token was revoked.
        raise FeedError(_("That feed address was already replaced.")) from None
    return fresh


def note_token_used(token: FeedToken, *, now: datetime) -> None:
    """Record when a calendar app last fetched the feed, at most once an hour (polls are frequent)."""
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_GRANULARITY:
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
