"""The sign-in backends: Django's and allauth's, reading the signed-in member (once a request)
with what the header needs to know about them, whether they manage a venue, in the same query."""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend

from . import permissions
from .models import Member


class MemberBackend(ModelBackend):
    """Django's ModelBackend, its `get_user` with `permissions.with_manages_any_venue`: the
    member by id if they may sign in, and the menu's question answered in that one query."""

    def get_user(self, user_id: int) -> Member | None:
        members = permissions.with_manages_any_venue(Member._default_manager.all())
        try:
            member = members.get(pk=user_id)
        except Member.DoesNotExist:
            return None
        return member if self.user_can_authenticate(member) else None


class AllauthMemberBackend(MemberBackend, AuthenticationBackend):
    """allauth's backend (its login methods and timing-attack care), with MemberBackend's
    `get_user`."""
