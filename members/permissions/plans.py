"""Who may do what: plans. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import OrganisationMembership

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from memberships.models import CommunityFund, Membership

from ._base import NOTHING, Person, _signed_in
from .organisations import _belongs_to

# --- Plans ------------------------------------------------------------------------------------


def usable_memberships_filter(member: Person, *, via: str = "") -> Q:
    """Memberships of a plan (memberships.Membership) `member` may book with: their own, and
    those of the organisations they belong to (one shared pool), as a filter on the path `via`."""
    if not _signed_in(member):
        return NOTHING
    return Q(**{f"{via}member_id": member.pk}) | Q(
        **{
            f"{via}organisation_id__in": OrganisationMembership.objects.filter(
                member_id=member.pk
            ).values("organisation_id")
        }
    )


def may_use_membership(member: Person, membership: Membership) -> bool:
    """May `member` book with `membership`: theirs, or one of their organisations'? (A manager
    booking on their behalf chooses among these; the booking service checks again, locked.)"""
    return _signed_in(member) and (
        type(membership)
        ._default_manager.filter(usable_memberships_filter(member), pk=membership.pk)
        .exists()
    )


def own_funds_filter(member: Person, *, via: str = "") -> Q:
    """Community funds (memberships.CommunityFund) `member` may see the balance and use of, and
    book with: those granted to the organisations they belong to, as a filter on `via`. The
    venue's managers see their venue's funds on its pages (venues_managed_filter)."""
    if not _signed_in(member):
        return NOTHING
    return Q(
        **{
            f"{via}organisation_id__in": OrganisationMembership.objects.filter(
                member_id=member.pk
            ).values("organisation_id")
        }
    )


def fund_refusal(member: Person, fund: CommunityFund) -> str | None:
    """Why `member` may not book with `fund`, or None if they may: a fund pays for the bookings
    of its organisation's members (one of them booking, or a manager booking on their behalf)."""
    if _belongs_to(member, fund.organisation_id):
        return None
    return _("You can only use a community fund of a group you belong to.")
