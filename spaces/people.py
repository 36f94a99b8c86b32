"""A venue's people: its managers invite another manager by email and remove one, never the last.

An address that already belongs to a member makes them a manager at once; any other address gets
a ManagerInvitation and a sign-up link, accepted when someone signs up and confirms that address
(the receivers in spaces.apps call accept_manager_invitations). Emails go through the task queue
after commit (members.mail), so a rolled-back change sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import audit, mail, permissions
from members.models import Member
from members.organisations import member_with_email, verified_addresses

from .models import ManagerInvitation, Venue


class PeopleError(Exception):
    """A change to a venue's managers that is refused, with a sentence a manager can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Invited:
    """What invite_manager did: made an existing member a manager, or invited an address."""

    member: Member | None = None
    invitation: ManagerInvitation | None = None


def venue_managers(venue: Venue) -> QuerySet[Member]:
    """The venue's managers, for the people page (inactive ones too, so they can be removed)."""
    return venue.managers.order_by("display_name", "email")


def open_invitations(venue: Venue) -> QuerySet[ManagerInvitation]:
    """Invitations of the venue not yet accepted, newest first."""
    return venue.manager_invitations.filter(accepted_at__isnull=True).select_related("invited_by")


@transaction.atomic
def invite_manager(*, venue: Venue, email: str, by: Member, now: datetime | None = None) -> Invited:
    """Make the member with `email` a manager of `venue` and tell them, or, if nobody has that
    address, record (or refresh) an invitation and send a sign-up link. Raises PeopleError."""
    now = now or timezone.now()
    if not permissions.may_manage_people(by, venue):
        raise PeopleError(
            _("Only a manager of %(venue)s can change its managers.") % {"venue": venue}
        )
    email = email.strip().lower()
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    member = member_with_email(email)
    if member is not None:
        if permissions.is_named_manager(member, venue):
            raise PeopleError(
                _("%(person)s already manages %(venue)s.") % {"person": member, "venue": venue}
            )
        if not member.is_active:
            raise PeopleError(
                _("The account of %(email)s is closed, so it cannot manage a venue.")
                % {"email": email}
            )
        venue.managers.add(member)
        _manager_recorded(venue, member, by=by, added=True, now=now)
        _send(
            to=member.email,
            template="manager_added",
            context={"venue": venue, "by": by, "member": member},
        )
        return Invited(member=member)
    invitation, created = ManagerInvitation.objects.get_or_create(
        venue=venue,
        email=email,
        accepted_at=None,
        defaults={"invited_by": by, "created_at": now},
    )
    if not created:
        invitation.invited_by = by
        invitation.created_at = now
        invitation.save(update_fields=["invited_by", "created_at"])
    _send(
        to=email,
        template="manager_invited",
        context={
            "venue": venue,
            "by": by,
            "signup_url": settings.SITE_URL + reverse("account_signup"),
        },
    )
    return Invited(invitation=invitation)


@transaction.atomic
def remove_manager(*, venue: Venue, member: Member, by: Member) -> None:
    """Stop `member` managing `venue`; refused (PeopleError) if it would leave no active manager.

    The venue's row is locked before counting, so two managers removing each other at the same
    moment are serialised: the second one sees the first removal and is refused.
    """
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    refusal = permissions.manager_removal_refusal(by, venue, removing=member)
    if refusal:
        raise PeopleError(refusal)
    venue.managers.remove(member)
    _manager_recorded(venue, member, by=by, added=False)


@transaction.atomic
def accept_manager_invitations(*, member: Member, now: datetime | None = None) -> list[Venue]:
    """Make `member` a manager of every venue with an open invitation to one of their verified
    addresses, and mark those invitations accepted. Unverified addresses accept nothing: anyone
    can sign up with any address, only its owner can confirm it."""
    now = now or timezone.now()
    emails = verified_addresses(member)
    if not emails:
        return []
    invitations = list(
        ManagerInvitation.objects.select_for_update()
        .filter(accepted_at__isnull=True, email__in=emails)
        .select_related("venue")
    )
    for invitation in invitations:
        invitation.venue.managers.add(member)
        # The one who invited grants the role; the invitee's accepting makes it happen now.
        _manager_recorded(invitation.venue, member, by=invitation.invited_by, added=True, now=now)
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
    return [invitation.venue for invitation in invitations]


def _manager_recorded(
    venue: Venue, member: Member, *, by: Member | None, added: bool, now: datetime | None = None
) -> None:
    """The audit trail's entry for `member` starting or stopping managing `venue`."""
    summary = _("%(person)s became a manager") if added else _("%(person)s stopped managing")
    audit.record(
        action="venue.manager_added" if added else "venue.manager_removed",
        subject=venue,
        by=by,
        venue_id=venue.pk,
        summary=summary % {"person": member},
        changes={"managers": [None, str(member)] if added else [str(member), None]},
        at=now,
    )


def _send(*, to: str, template: str, context: dict) -> None:
    """Render spaces/email/<template>.txt now and send it through the task queue after commit."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + render_to_string(
        f"spaces/email/{template}_subject.txt", context
    )
    body = render_to_string(f"spaces/email/{template}.txt", context)
    mail.queue_text_email(subject=subject, body=body, to=[to])
