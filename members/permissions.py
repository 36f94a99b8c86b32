"""Who may do what: the one place that decides.

Services, views, feeds, stats, templates (through the context processor) and the admin all ask
here; nothing else compares a booker's id or looks at a venue's managers to grant access. Two
kinds of answer:

- **filters** (`Q` objects) for querysets, so that a list shows only what a member may see and
  a lookup of anything else is a 404: `Venue.objects.managed_by(member)`,
  `Booking.objects.visible_to(member)` and `Booking.objects.managed_by(member)` are built on them;
- **predicates** (`may_...`) about one object, and `..._refusal` functions that say *why not* in
  a sentence a member can read, for the services to raise.

The roles today: a member (their own bookings and statements), a member of an organisation
(may book on its behalf and read its page), an organisation admin (also follows the
organisation's calendar feed, changes its details and people, sees its bookings and statements;
an organisation always keeps one), a venue manager (everything about the venues they manage,
their statements included) and a superuser (staff: every venue). A new role (a
venue's staff, say) is added here.

This module sits in the lowest layer (members): it names fields of the other apps' models in
lookups but imports none of them, so any app may use it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import Member, OrganisationMembership

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from bookings.models import Booking, WaitlistEntry
    from feeds.models import FeedToken
    from memberships.models import CommunityFund, Membership
    from spaces.models import Venue

    from .models import Organisation

# Whoever is asking: request.user is an AnonymousUser until someone logs in.
type Person = Member | AnonymousUser | None

NOTHING = Q(pk__in=[])


def _signed_in(member: Person) -> TypeGuard[Member]:
    return bool(member is not None and member.is_authenticated and member.is_active)


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


def may_see_impact_page(member: Person, venue: Venue) -> bool:
    """The public impact page exists only once the venue publishes it, for everyone alike (its
    managers preview the figures on their stats page)."""
    return venue.publish_impact


def may_see_usage_data(member: Person, venue: Venue) -> bool:
    """The open data (usage.csv, usage.json): anyone once the venue publishes its impact, its
    managers before."""
    return venue.publish_impact or may_manage(member, venue)


# --- Bookings ----------------------------------------------------------------------------------


def bookings_visible_filter(member: Person) -> Q:
    """Bookings `member` may see in full: their own, and every booking of the venues they manage.
    Everyone else sees other people's bookings only as busy time."""
    if not _signed_in(member):
        return NOTHING
    if member.is_superuser:
        return Q()
    return Q(booker=member) | venues_managed_filter(member, via="space__venue__")


def bookings_managed_filter(member: Person) -> Q:
    """Bookings of the venues `member` manages."""
    return venues_managed_filter(member, via="space__venue__")


def is_booker(member: Person, booking: Booking) -> bool:
    return _signed_in(member) and booking.booker_id == member.pk


def series_organised_filter(member: Person) -> Q:
    """Series whose term `member` confirms: their own only (managers set the terms)."""
    return Q(booker=member) if _signed_in(member) else NOTHING


def waitlist_entries_filter(member: Person) -> Q:
    """Waiting list entries `member` may see and act on: their own only (a manager sees the
    bookings that come of them, not who waits)."""
    if not _signed_in(member):
        return NOTHING
    return Q(member=member)


def is_waitlist_member(member: Person, entry: WaitlistEntry) -> bool:
    """Is `entry` (and so its claim link) `member`'s own?"""
    return _signed_in(member) and entry.member_id == member.pk


def may_see_booking(member: Person, booking: Booking) -> bool:
    """Its title, purpose and booker: the booker and the venue's managers."""
    return is_booker(member, booking) or may_manage(member, booking.space.venue)


def cancel_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not cancel `booking` now, or None if they may.

    The booker may cancel until it starts; a venue manager also while it runs (a fire alarm, a
    burst pipe). Nobody may cancel a booking that has ended: it happened (or was missed), and
    cancelling would rewrite the record that occupancy and no-shows are counted from.
    """
    manager = may_manage(member, booking.space.venue)
    if not is_booker(member, booking) and not manager:
        return _("Only the booker or a venue manager can cancel this booking.")
    if not booking.is_active:
        return _("This booking is already %(status)s.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.ends_at <= now:
        return _("This booking has already ended, so it can no longer be cancelled.")
    if booking.starts_at <= now and not manager:
        return _("This booking has already started; ask the venue if you need to change it.")
    return None


def may_cancel(member: Person, booking: Booking, *, now: datetime) -> bool:
    return cancel_refusal(member, booking, now=now) is None


def check_in_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not check `booking` in now, or None if they may (bookings.checkin).

    The booker may, and a venue manager for anyone (from the day view); a confirmed booking
    only, once, from the space's `check_in_opens_before` its start until it ends.
    """
    if not may_see_booking(member, booking):
        return _("Only the booker or a venue manager can check this booking in.")
    if booking.checked_in_at is not None:
        return _("This booking is already checked in.")
    if booking.status == booking.Status.NO_SHOW:
        return _("This booking was released as a no-show, so it can no longer be checked in.")
    if booking.status == booking.Status.PENDING:
        return _("This request has not been approved yet, so it cannot be checked in.")
    if booking.status != booking.Status.CONFIRMED:
        return _("This booking is %(status)s, so it cannot be checked in.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.ends_at <= now:
        return _("This booking has already ended, so it can no longer be checked in.")
    opens = booking.starts_at - booking.space.check_in_opens_before
    if now < opens:
        return _("Check-in for this booking opens at %(time)s.") % {
            "time": date_format(opens.astimezone(booking.space.venue.zone), "D j M Y H:i")
        }
    return None


def may_check_in(member: Person, booking: Booking, *, now: datetime) -> bool:
    return check_in_refusal(member, booking, now=now) is None


def move_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not move `booking` (or change its time or space) now, or None if they may.
    The booker and the venue's managers may, until it starts."""
    if not may_see_booking(member, booking):
        return _("Only the booker or a venue manager can move this booking.")
    if not booking.is_active:
        return _("This booking is %(status)s, so it cannot be moved.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.starts_at <= now:
        return _("This booking has already started, so it can no longer be moved.")
    if booking.checked_in_at is not None:  # checked in early: it is under way
        return _("This booking is already checked in, so it can no longer be moved.")
    return None


def decide_refusal(member: Person, booking: Booking) -> str | None:
    """Why `member` may not approve or decline `booking`, or None if they may."""
    if not may_manage(member, booking.space.venue):
        return _("Only a manager of %(venue)s can decide this request.") % {
            "venue": booking.space.venue
        }
    if booking.status != booking.Status.PENDING:
        return _("This request has already been decided: it is %(status)s.") % {
            "status": booking.get_status_display().lower()
        }
    return None


def may_decide(member: Person, booking: Booking) -> bool:
    return decide_refusal(member, booking) is None


def may_approve(member: Person, booking: Booking, *, now: datetime) -> bool:
    """A request may be approved until it starts; after that only declined."""
    return may_decide(member, booking) and booking.starts_at > now


def approvable_among_managed(booking: Booking, *, now: datetime) -> bool:
    """`may_approve` for a request already found through `Booking.objects.managed_by(member)`:
    the venue is not asked about again, so a page of requests costs no query per row."""
    return booking.status == booking.Status.PENDING and booking.starts_at > now


# --- Organisations -----------------------------------------------------------------------------


def followable_organisations_filter(member: Person) -> Q:
    """Organisations whose bookings' calendar `member` may follow, as a filter on Organisation:
    those they are an admin of. The organisation feed names every booker and shows every title
    and purpose, which the site shows a plain member only for their own bookings."""
    if not _signed_in(member):
        return NOTHING
    return Q(pk__in=_feed_memberships(member).values("organisation"))


def _feed_memberships(member: Member) -> QuerySet[OrganisationMembership]:
    """The memberships that carry the organisation's feed: admin ones."""
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
