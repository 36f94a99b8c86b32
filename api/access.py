"""DRF permission classes: each asks members.permissions, which decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework import exceptions as drf_exceptions
from rest_framework import permissions as drf
from rest_framework.request import Request

if TYPE_CHECKING:  # rest_framework.views imports this module (settings): no cycle at run time
    from rest_framework.views import APIView

from members import permissions
from members.models import Member

from .models import ApiToken


class TokenScope(drf.BasePermission):
    """A read-only token may read, never change anything (403 with the reason)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        token = request.auth if isinstance(request.auth, ApiToken) else None
        refusal = permissions.api_write_refusal(token, request.method or "GET")
        if refusal:
            self.message = refusal
            return False
        return True


class SignedIn(drf.IsAuthenticated):
    """Views about the member's own things: anyone else gets a 401."""


def member_of(request: Request) -> Member:
    """The signed-in member behind a request that passed SignedIn."""
    user = request.user
    if not isinstance(user, Member):
        raise drf_exceptions.NotAuthenticated()
    return user
