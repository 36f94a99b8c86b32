"""Who may do what: the public API. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from ._base import NOTHING, Person, _signed_in

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from api.models import ApiToken

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def api_tokens_filter(member: Person) -> Q:
    """The API tokens `member` may see and revoke: their own."""
    if not _signed_in(member):
        return NOTHING
    return Q(owner=member)


def api_write_refusal(token: ApiToken | None, method: str) -> str | None:
    """Why a request made with `token` may not use `method`, or None. A read-only token reads;
    the browser's session (no token) and full tokens may also change things, each change then
    asking the booking rules whether this member may."""
    if token is None or method.upper() in SAFE_METHODS or not token.read_only:
        return None
    return _(
        "This API token is read-only: it can list and read, not make changes. "
        "Make a token without “read only” on your account page to change things."
    )
