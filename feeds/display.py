"""Display links: the secret addresses of a venue's today page, for a screen or tablet in the
hall that has no login (feeds/today.py builds the page). A venue's managers make, name and
revoke them; a revoked link answers 410 from then on."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member
from spaces.models import Venue

from .models import DisplayLink
from .services import FeedError

# A screen asks every minute; last_used_at tells the manager the screen is alive, no more often.
LAST_USED_GRANULARITY = timedelta(minutes=5)
NAME_MAX = DisplayLink._meta.get_field("name").max_length or 100


class DisplayError(FeedError):
    """A display link request said no; `message` is shown to the manager as is."""


def create_display_link(*, venue: Venue, by: Member, name: str) -> DisplayLink:
    """A new live display link of `venue`, named (e.g. "Entrance tablet") by one of its managers."""
    refusal = permissions.display_link_refusal(by, venue)
    if refusal:
        raise DisplayError(refusal)
    name = " ".join(name.split())
    if not name:
        raise DisplayError(_("Name the screen, e.g. “Entrance tablet”."))
    if len(name) > NAME_MAX:
        raise DisplayError(_("Keep the name to %(n)d characters or fewer.") % {"n": NAME_MAX})
    return DisplayLink.objects.create(venue=venue, name=name, created_by=by)


@transaction.atomic
def revoke_display_link(
    *, link: DisplayLink, by: Member, now: datetime | None = None
) -> DisplayLink:
    """Revoke a display link at once (its row locked, so two clicks revoke it once)."""
    refusal = permissions.display_link_refusal(by, link.venue)
    if refusal:
        raise DisplayError(refusal)
    link = (
        DisplayLink.objects.select_for_update(of=("self",)).select_related("venue").get(pk=link.pk)
    )
    if link.revoked_at is not None:
        raise DisplayError(_("That display link was already revoked."))
    link.revoked_at = now or timezone.now()
    link.save(update_fields=["revoked_at"])
    return link


def note_display_used(link: DisplayLink, *, now: datetime) -> None:
    """Record when the screen last asked for the page, at most every few minutes."""
    if link.last_used_at is None or now - link.last_used_at >= LAST_USED_GRANULARITY:
        DisplayLink.objects.filter(pk=link.pk).update(last_used_at=now)
        link.last_used_at = now
