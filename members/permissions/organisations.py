"""Who may do what: organisations. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from ..models import Member, OrganisationMembership

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from spaces.models import Venue

    from ..models import Organisation
from ._base import NOTHING, Person, _signed_in
from .venues import managers_of, may_manage

# --- Organisations -----------------------------------------------------------------------------


def followable_organisations_filter(member: Person) -> Q:
    """Organisations whose bookings' calendar `member` may follow, as a filter on Organisation:
    those they are an admin of. The organisation feed names every booker and shows every title
    and purpose, which the site shows a plain member only for their own bookings."""
    if not _signed_in(member):
        return NOTHING
    return Q(pk__in=_feed_memberships(member).values("organisation"))


def _feed_memberships(member: Member | OuterRef) -> QuerySet[OrganisationMembership]:
    """The memberships that carry the organisation's feed: admin ones (`member` may be an
    outer query's column, for a subquery)."""
    return OrganisationMembership.objects.filter(
        member=member, role=OrganisationMembership.Role.ADMIN
    )


def _belongs_to(member: Person, organisation_id: int) -> bool:
    return _signed_in(member) and (
        OrganisationMembership.objects.filter(
            organisation_id=organisation_id, member_id=member.pk
        ).exists()
    )


def belongs_to(member: Person, organisation: Organisation) -> bool:
    """Is `member` (signed in, account open) one of `organisation`'s people, in any role?"""
    return _belongs_to(member, organisation.pk)


def may_book_for(member: Person, organisation: Organisation) -> bool:
    """May `member` make bookings on behalf of `organisation`? Any of its members may."""
    return _belongs_to(member, organisation.pk)


def may_follow_organisation(member: Person, organisation_id: int) -> bool:
    """May `member` subscribe to the calendar of the organisation's bookings? Only its admins
    (followable_organisations_filter); checked again on every fetch of the feed."""
    return _signed_in(member) and (
        _feed_memberships(member).filter(organisation_id=organisation_id).exists()
    )


def organisations_seen_filter(member: Person) -> Q:
    """Organisations whose page `member` may open, as a filter on Organisation: those they
    belong to (admins may change them, members only read them). Anyone else gets a 404."""
    if not _signed_in(member):
        return NOTHING
    return Q(
        pk__in=OrganisationMembership.objects.filter(member_id=member.pk).values("organisation")
    )


def may_manage_organisation(member: Person, organisation: Organisation) -> bool:
    """May `member` change `organisation`'s details and people, and see all its bookings and
    statements? Its organisation admins."""
    return _signed_in(member) and (
        _feed_memberships(member).filter(organisation_id=organisation.pk).exists()
    )


def account_closing_refusal(member: Member) -> str | None:
    """Why `member` may not close their account now, or None: a venue keeps one active manager
    and an organisation one admin, so the last of either must hand over first. (The caller
    holds the member's row lock.)"""
    for venue in member.managed_venues.all():
        if not managers_of(venue).exclude(pk=member.pk).exists():
            return _(
                "You are the last manager of %(venue)s. Invite another manager before you "
                "close your account."
            ) % {"venue": venue}
    for membership in member.memberships.filter(role=OrganisationMembership.Role.ADMIN):
        organisation = membership.organisation
        if not organisation_admins(organisation).exclude(member=member).exists():
            return _(
                "You are the only admin of %(organisation)s. Make someone else an admin before "
                "you close your account."
            ) % {"organisation": organisation}
    return None


def organisation_admins(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """The admin memberships of `organisation` whose accounts are open."""
    return OrganisationMembership.objects.filter(
        organisation_id=organisation.pk,
        role=OrganisationMembership.Role.ADMIN,
        member__is_active=True,
    )


def organisation_change_refusal(
    member: Person,
    organisation: Organisation,
    *,
    changing: OrganisationMembership,
    new_role: str | None,
) -> str | None:
    """Why `member` may not give `changing` the role `new_role` (None: remove them from the
    organisation), or None if they may. An organisation always keeps one admin with an open
    account, so the last cannot be removed or made a plain member (checked by the caller under
    the organisation's row lock, so two admins removing each other cannot both pass)."""
    if not may_manage_organisation(member, organisation):
        return _("Only an admin of %(organisation)s can change its members.") % {
            "organisation": organisation
        }
    if changing.organisation_id != organisation.pk:
        return _("%(person)s is not a member of %(organisation)s.") % {
            "person": changing.member,
            "organisation": organisation,
        }
    losing_admin = changing.role == OrganisationMembership.Role.ADMIN and (
        new_role != OrganisationMembership.Role.ADMIN
    )
    if losing_admin and not organisation_admins(organisation).exclude(pk=changing.pk).exists():
        return _(
            "%(person)s is the last admin of %(organisation)s, so they must stay an admin. "
            "Make someone else an admin first."
        ) % {"person": changing.member, "organisation": organisation}
    return None


def may_see_organisation_statement(
    member: Person, organisation: Organisation, venue: Venue
) -> bool:
    """The organisation's bookings and monthly statement at `venue` (every booking's title and
    booker): its admins, and the managers of `venue`, who invoice from it."""
    return may_manage_organisation(member, organisation) or may_manage(member, venue)


def may_see_member_statement(member: Person, holder: Member, venue: Venue) -> bool:
    """A member's own monthly statement at `venue`: themselves and the venue's managers."""
    return (_signed_in(member) and member.pk == holder.pk) or may_manage(member, venue)
