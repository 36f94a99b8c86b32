"""allauth's signals, passed on to spaces.people: connected in SpacesConfig.ready."""

from typing import Any

from .people import accept_manager_invitations


def email_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    """A member confirmed an address: accept the venues' invitations to it."""
    accept_manager_invitations(member=email_address.user)


def user_signed_up(sender: Any, user: Any, **kwargs: Any) -> None:
    """A sign-up whose address is verified already (a social login, say) confirms nothing
    later; the service accepts only verified addresses, so an unverified one does nothing."""
    accept_manager_invitations(member=user)
