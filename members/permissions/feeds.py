"""Who may do what: feeds. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from bookings.models import Booking
    from feeds.models import FeedToken
    from spaces.models import Venue

from ._base import Person
from .organisations import may_follow_organisation
from .venues import may_manage

# --- Feeds -------------------------------------------------------------------------------------


def may_use_feed(token: FeedToken) -> bool:
    """May the token's owner, right now, see everything its feed shows? Checked on every fetch,
    so a member who leaves an organisation or stops managing a venue loses the feed at once."""
    owner = token.owner
    if not owner.is_active or token.revoked_at is not None:
        return False
    match token.scope:
        case token.Scope.MEMBER:
            return True
        case token.Scope.ORGANISATION:
            return token.organisation_id is not None and may_follow_organisation(
                owner, token.organisation_id
            )
        case token.Scope.VENUE:
            return token.venue is not None and may_manage(owner, token.venue)
        case token.Scope.SPACE:
            return token.space is not None and may_manage(owner, token.space.venue)
    return False


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
