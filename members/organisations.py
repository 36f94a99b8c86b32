"""An organisation looks after itself: its admins change its details, invite people by email,
change their roles and remove them, never the last admin.

An address that already belongs to a member adds them at once; any other address gets an
OrganisationInvitation and a sign-up link, accepted when someone signs up and confirms that
address (members.receivers, connected in MembersConfig.ready, call
accept_organisation_invitations). The same shape as a venue's managers (spaces.people). Emails
go after commit, so a rolled-back change sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit, mail, permissions
from .models import Member, Organisation, OrganisationInvitation, OrganisationMembership

Role = OrganisationMembership.Role


class OrganisationError(Exception):
    """A change to an organisation that is refused, with a sentence its admin can read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Invited:
    """What invite_member did: added an existing member, or invited an address."""

    member: Member | None = None
    invitation: OrganisationInvitation | None = None


def member_with_email(email: str) -> Member | None:
    """The member whose login email, or one of whose verified addresses, is `email`."""
    found = Member.objects.filter(email__iexact=email).first()
    if found is None:
        address = (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .select_related("user")
            .first()
        )
        found = address.user if address is not None else None
    return found


def verified_addresses(member: Member) -> list[str]:
    """The addresses `member` has confirmed, lower-case: what an invitation may be accepted by
    (anyone can sign up with any address; only its owner can confirm it). None for a member
    who is not active."""
    if not member.is_active:
        return []
    return [
        address.lower()
        for address in EmailAddress.objects.filter(user=member, verified=True).values_list(
            "email", flat=True
        )
    ]


def organisation_people(organisation: Organisation) -> QuerySet[OrganisationMembership]:
    """Everyone in the organisation with their role: admins first, then by name."""
    return organisation.memberships.select_related("member").order_by(
        "role", "member__display_name", "member__email"
    )


def open_invitations(organisation: Organisation) -> QuerySet[OrganisationInvitation]:
    """Invitations of the organisation not yet accepted, newest first."""
    return organisation.invitations.filter(accepted_at__isnull=True).select_related("invited_by")


def _refuse_unless_admin(by: Member, organisation: Organisation) -> None:
    if not permissions.may_manage_organisation(by, organisation):
        raise OrganisationError(
            _("Only an admin of %(organisation)s can change it.") % {"organisation": organisation}
        )


@transaction.atomic
def save_details(*, organisation: Organisation, by: Member) -> Organisation:
    """Save the details set on `organisation` (name, kind, legal form, org-id, postcode district,
    contacts) after validating them all, the org-id's uniqueness included. Raises
    OrganisationError, or ValidationError for a field, and then saves nothing."""
    _refuse_unless_admin(by, organisation)
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    organisation.full_clean()
    organisation.save(
        update_fields=[
            "name",
            "kind",
            "legal_form",
            "org_id",
            "postcode_district",
            "contact_email",
            "contact_phone",
            "updated_at",  # feeds' validators and the stats cache's key follow it
        ]
    )
    return organisation


@transaction.atomic
def invite_member(
    *,
    organisation: Organisation,
    email: str,
    by: Member,
    role: str = Role.MEMBER,
    now: datetime | None = None,
) -> Invited:
    """Add the member with `email` to `organisation` in `role` and tell them, or, if nobody has
    that address, record (or refresh) an invitation and send a sign-up link. Raises
    OrganisationError."""
    now = now or timezone.now()
    _refuse_unless_admin(by, organisation)
    if role not in Role.values:
        raise OrganisationError(_("Choose a role: organisation admin or member."))
    email = email.strip().lower()
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    member = member_with_email(email)
    if member is not None:
        if not member.is_active:
            raise OrganisationError(
                _("The account of %(email)s is closed, so it cannot join.") % {"email": email}
            )
        if permissions.belongs_to(member, organisation):
            raise OrganisationError(
                _("%(person)s is already in %(organisation)s.")
                % {"person": member, "organisation": organisation}
            )
        OrganisationMembership.objects.create(organisation=organisation, member=member, role=role)
        _role_recorded(organisation, member, by=by, was=None, role=role, now=now)
        _send(
            to=member.email,
            template="organisation_added",
            context={"organisation": organisation, "by": by, "member": member},
        )
        return Invited(member=member)
    invitation, created = OrganisationInvitation.objects.get_or_create(
        organisation=organisation,
        email=email,
        accepted_at=None,
        defaults={"invited_by": by, "created_at": now, "role": role},
    )
    if not created:
        invitation.invited_by, invitation.created_at, invitation.role = by, now, role
        invitation.save(update_fields=["invited_by", "created_at", "role"])
    _send(
        to=email,
        template="organisation_invited",
        context={
            "organisation": organisation,
            "by": by,
            "signup_url": settings.SITE_URL + reverse("account_signup"),
        },
    )
    return Invited(invitation=invitation)


def _locked(organisation: Organisation, membership: OrganisationMembership):
    """The organisation's row locked first (every change of its people queues there), then the
    membership as it is now."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    try:
        membership = OrganisationMembership.objects.select_for_update().get(pk=membership.pk)
    except OrganisationMembership.DoesNotExist:
        raise OrganisationError(_("That person is no longer in the organisation.")) from None
    return organisation, membership


@transaction.atomic
def change_role(
    *, organisation: Organisation, membership: OrganisationMembership, role: str, by: Member
) -> OrganisationMembership:
    """Make `membership` an admin or a plain member; never the last admin a plain member."""
    if role not in Role.values:
        raise OrganisationError(_("Choose a role: organisation admin or member."))
    organisation, membership = _locked(organisation, membership)
    refusal = permissions.organisation_change_refusal(
        by, organisation, changing=membership, new_role=role
    )
    if refusal:
        raise OrganisationError(refusal)
    was = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _role_recorded(organisation, membership.member, by=by, was=was, role=role)
    return membership


@transaction.atomic
def remove_member(
    *, organisation: Organisation, membership: OrganisationMembership, by: Member
) -> None:
    """Take `membership`'s member out of the organisation (their past bookings for it stay);
    refused (OrganisationError) if it would leave no admin.

    The organisation's row is locked before counting, so two admins removing each other at the
    same moment are serialised: the second sees the first removal and is refused."""
    organisation, membership = _locked(organisation, membership)
    refusal = permissions.organisation_change_refusal(
        by, organisation, changing=membership, new_role=None
    )
    if refusal:
        raise OrganisationError(refusal)
    membership.delete()
    _role_recorded(organisation, membership.member, by=by, was=membership.role, role=None)


@transaction.atomic
def accept_organisation_invitations(
    *, member: Member, now: datetime | None = None
) -> list[Organisation]:
    """Add `member` to every organisation with an open invitation to one of their verified
    addresses, in the role it offered, and mark those invitations accepted. Unverified addresses
    accept nothing: anyone can sign up with any address, only its owner can confirm it."""
    now = now or timezone.now()
    emails = verified_addresses(member)
    if not emails:
        return []
    invitations = list(
        OrganisationInvitation.objects.select_for_update()
        .filter(accepted_at__isnull=True, email__in=emails)
        .select_related("organisation")
    )
    for invitation in invitations:
        if not permissions.belongs_to(member, invitation.organisation):
            OrganisationMembership.objects.create(
                organisation=invitation.organisation, member=member, role=invitation.role
            )
            _role_recorded(
                invitation.organisation,
                member,
                by=invitation.invited_by,
                was=None,
                role=invitation.role,
                now=now,
            )
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
    return [invitation.organisation for invitation in invitations]


def _role_recorded(
    organisation: Organisation,
    member: Member,
    *,
    by: Member | None,
    was: str | None,
    role: str | None,
    now: datetime | None = None,
) -> None:
    """The audit trail's entry for `member` joining, changing role in or leaving `organisation`."""
    if was is None:
        summary = _("%(person)s added to %(organisation)s")
    elif role is None:
        summary = _("%(person)s removed from %(organisation)s")
    else:
        summary = _("%(person)s's role in %(organisation)s changed")
    audit.record(
        action="organisation.role",
        subject=organisation,
        by=by,
        summary=summary % {"person": member, "organisation": organisation},
        changes={f"role of {member}": [was, role]},
        at=now,
    )


def _send(*, to: str, template: str, context: dict) -> None:
    context = {**context, "site_url": settings.SITE_URL}
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + render_to_string(
        f"members/email/{template}_subject.txt", context
    )
    body = render_to_string(f"members/email/{template}.txt", context)
    # Through the task queue after commit, retried on failure (members.mail).
    mail.queue_text_email(subject=subject, body=body, to=[to])
