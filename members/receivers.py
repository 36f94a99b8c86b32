"""allauth's signals, passed on to members.organisations: connected in MembersConfig.ready."""

from typing import Any

from .organisations import accept_organisation_invitations


def email_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    """A member confirmed an address: accept the organisations' invitations to it."""
    accept_organisation_invitations(member=email_address.user)


def user_signed_up(sender: Any, user: Any, **kwargs: Any) -> None:
    """A sign-up whose address is verified already; an unverified one accepts nothing."""
    accept_organisation_invitations(member=user)
