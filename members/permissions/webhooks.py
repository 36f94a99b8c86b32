"""Who may do what: webhooks. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from spaces.models import Venue

from ._base import Person
from .venues import may_manage


def webhook_refusal(member: Person, venue: Venue) -> str | None:
    """Why `member` may not add, pause, delete or read the webhooks of `venue` (their secrets
    and delivery log included), or None: its managers and staff may."""
    if may_manage(member, venue):
        return None
    return _("Only a manager of %(venue)s can change its webhooks.") % {"venue": venue.name}
