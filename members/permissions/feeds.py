"""Who may do what: feeds. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..models import Member

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from bookings.models import Booking
    from feeds.models import FeedToken
    from spaces.models import Venue

from ._base import Person
from .organisations import _feed_memberships, may_follow_organisation
from .venues import may_manage

# --- Feeds -------------------------------------------------------------------------------------


# The owner's columns may_use_feed reads: a token read with only some columns must have these.
FEED_OWNER_FIELDS = ("owner__is_active", "owner__is_superuser")


def with_feed_rights(tokens: QuerySet[FeedToken]) -> QuerySet[FeedToken]:
    """`tokens` with what may_use_feed asks the database, read in the same query: whether the
    owner is an admin of the token's organisation, and a manager of its venue (or of its
    space's venue). A calendar app's poll then costs one query for the token and its right."""
    return tokens.annotate(
        owner_follows=Exists(
            _feed_memberships(OuterRef("owner_id")).filter(
                organisation_id=OuterRef("organisation_id")
            )
        ),
        owner_manages=Exists(
            Member.managed_venues.through.objects.filter(
                member_id=OuterRef("owner_id"),
                venue_id=Coalesce(OuterRef("venue_id"), OuterRef("space__venue_id")),
            )
        ),
    )


def may_use_feed(token: FeedToken) -> bool:
    """May the token's owner, right now, see everything its feed shows? Checked on every fetch,
    so a member who leaves an organisation or stops managing a venue loses the feed at once.
    A token read through with_feed_rights is answered from its row; any other asks."""
    owner = token.owner
    if not owner.is_active or token.revoked_at is not None:
        return False
    follows: bool | None = getattr(token, "owner_follows", None)
    manages: bool | None = getattr(token, "owner_manages", None)
    match token.scope:
        case token.Scope.MEMBER:
            return True
        case token.Scope.ORGANISATION:
            if token.organisation_id is None:
                return False
            if follows is not None:
                return follows
            return may_follow_organisation(owner, token.organisation_id)
        case token.Scope.VENUE | token.Scope.SPACE:
            venue = token.venue if token.scope == token.Scope.VENUE else _space_venue(token)
            if venue is None:
                return False
            if manages is not None:
                return owner.is_superuser or manages
            return may_manage(owner, venue)
    return False


def _space_venue(token: FeedToken) -> Venue | None:
    return token.space.venue if token.space is not None else None


# --- The screen in the hall -----------------------------------------------------------------


def display_link_refusal(member: Person, venue: Venue) -> str | None:
    """Why `member` may not make or revoke `venue`'s display links, or None: its managers may."""
    if may_manage(member, venue):
        return None
    return _("Only a manager of %(venue)s can change its display links.") % {"venue": venue.name}


def may_show_title_on_display(booking: Booking, venue: Venue) -> bool:
    """May the venue's today page (no login) show this booking's title? Only if the venue shows
    public titles and the booker marked this one public; otherwise it reads "Booked". The
    booker's name, email and organisation are never shown there."""
    return venue.display_public_titles and booking.public_title
