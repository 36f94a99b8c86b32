"""Who may do what: venues. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ..models import Member

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from spaces.models import Venue

from ._base import NOTHING, Person, _signed_in

# --- Venues ------------------------------------------------------------------------------------


def venues_managed_filter(member: Person, *, via: str = "") -> Q:
    """Venues `member` manages (every venue for a superuser), as a filter on the path `via`
    (e.g. "space__venue__" from bookings)."""
    if not _signed_in(member):
        return NOTHING
    if member.is_superuser:
        return Q()
    # A subquery, not a join through the managers table: a join would repeat a booking once per
    # manager of its venue.
    return Q(**{f"{via}pk__in": member.managed_venues.values("pk")})


def may_manage(member: Person, venue: Venue) -> bool:
    """May `member` run `venue`: its requests, stats, feeds and calendars?"""
    if not _signed_in(member):
        return False
    return member.is_superuser or venue.managers.filter(pk=member.pk).exists()


def managers_of(venue: Venue):
    """The members who run `venue` (superusers are not among them): they are told of requests."""
    return venue.managers.filter(is_active=True)


def is_named_manager(member: Person, venue: Venue) -> bool:
    """Is `member` one of `venue`'s managers (not merely staff, who may run every venue)?"""
    return (
        member is not None
        and member.pk is not None
        and (venue.managers.filter(pk=member.pk).exists())
    )


def named_venues(member: Member):
    """The venues `member` is named a manager of (not every venue, as staff may run): the roles
    an account holds, e.g. for the audit trail when it closes."""
    return member.managed_venues.all()


def may_manage_people(member: Person, venue: Venue) -> bool:
    """May `member` invite and remove `venue`'s managers? Its managers and staff, as for the
    rest of the venue."""
    return may_manage(member, venue)


def manager_removal_refusal(member: Person, venue: Venue, *, removing: Member) -> str | None:
    """Why `member` may not remove `removing` as a manager of `venue`, or None if they may.
    A venue always keeps one active manager, so the last one cannot be removed (checked by the
    caller under the venue's row lock, so two removals at once cannot both pass)."""
    if not may_manage_people(member, venue):
        return _("Only a manager of %(venue)s can change its managers.") % {"venue": venue}
    if not is_named_manager(removing, venue):
        return _("%(person)s does not manage %(venue)s.") % {"person": removing, "venue": venue}
    if not managers_of(venue).exclude(pk=removing.pk).exists():
        return _(
            "%(person)s is the last manager of %(venue)s, so they cannot be removed. "
            "Invite another manager first."
        ) % {"person": removing, "venue": venue}
    return None


def manages_any_venue(member: Person) -> bool:
    """Does `member` manage at least one venue (the manager's links and pages)?"""
    if not _signed_in(member):
        return False
    return member.is_superuser or member.managed_venues.exists()


# Set on a member by `with_manages_any_venue`; the name is this module's alone.
_NAMED_MANAGER = "_names_a_managed_venue"


def with_manages_any_venue(members: QuerySet[Member]) -> QuerySet[Member]:
    """`members`, each with whether it manages a venue read in the same query (an `EXISTS`
    subquery), for `shows_manager_links`: the signed-in member is read once a request
    (members.backends), so the answer is as fresh as the member row itself."""
    named = Member.managed_venues.through._default_manager.filter(member_id=OuterRef("pk"))
    return members.annotate(**{_NAMED_MANAGER: Exists(named)})


def shows_manager_links(member: Person) -> bool:
    """Whether the header shows the manager's links: `manages_any_venue`, answered from what
    `with_manages_any_venue` read with the member when it did (no query), else asked. Only the
    menu uses it: the pages themselves ask `manages_any_venue` at the time."""
    if not _signed_in(member):
        return False
    named: bool | None = getattr(member, _NAMED_MANAGER, None)
    if named is None:
        return manages_any_venue(member)
    return member.is_superuser or named


def may_see_impact_page(member: Person, venue: Venue) -> bool:
    """The public impact page exists only once the venue publishes it, for everyone alike (its
    managers preview the figures on their stats page)."""
    return venue.publish_impact


def may_see_usage_data(member: Person, venue: Venue) -> bool:
    """The open data (usage.csv, usage.json): anyone once the venue publishes its impact, its
    managers before."""
    return venue.publish_impact or may_manage(member, venue)
