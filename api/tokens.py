"""Personal API tokens: made, named and revoked by their owner; kept only as a hash."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member

from .models import ApiToken, digest, new_secret

# last_used_at is written at most this often, so a busy client does not write on every request.
USED_EVERY = timedelta(minutes=5)
MAX_LIVE_TOKENS = 20


class TokenError(Exception):
    """A token could not be made or revoked; `message` is shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def create_api_token(
    *,
    owner: Member,
    name: str,
    read_only: bool = False,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `owner` and return it with its secret, which is never stored and so can
    be shown only this once."""
    now = now or timezone.now()
    name = name.strip()
    if not name:
        raise TokenError(_("Give the token a name, e.g. “Volunteering office”."))
    if expires_at is not None and expires_at <= now:
        raise TokenError(_("Choose an expiry date in the future, or none."))
    # The owner's row is locked so that two requests at once cannot pass the count together.
    Member.objects.select_for_update().filter(pk=owner.pk).first()
    live = ApiToken.objects.filter(permissions.api_tokens_filter(owner)).live(now=now)
    if live.count() >= MAX_LIVE_TOKENS:
        raise TokenError(
            _("You have %(count)d tokens already: revoke one you no longer use first.")
            % {"count": MAX_LIVE_TOKENS}
        )
    secret = new_secret()
    token = ApiToken.objects.create(
        owner=owner,
        name=name[:100],
        hashed=digest(secret),
        start=secret[:10],
        read_only=read_only,
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_api_token(*, token: ApiToken, by: Member, now: datetime | None = None) -> ApiToken:
    """Revoke `token` at once (its owner only); revoking it again changes nothing."""
    now = now or timezone.now()
    locked = (
        ApiToken.objects.select_for_update()
        .filter(permissions.api_tokens_filter(by))
        .filter(pk=token.pk)
        .first()
    )
    if locked is None:
        raise TokenError(_("That is not one of your tokens."))
    if locked.revoked_at is None:
        locked.revoked_at = now
        locked.save(update_fields=["revoked_at"])
    return locked


def token_for_secret(secret: str, *, now: datetime) -> ApiToken | None:
    """The live token whose secret this is, with its owner, or None; notes when it was used."""
    token = (
        ApiToken.objects.live(now=now)
        .select_related("owner")
        .filter(hashed=digest(secret), owner__is_active=True)
        .first()
    )
    if token is not None and (token.last_used_at is None or now - token.last_used_at >= USED_EVERY):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
