"""Shared by the permission modules: who is asking, and the empty filter."""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from ..models import Member

# Whoever is asking: request.user is an AnonymousUser until someone logs in.
type Person = Member | AnonymousUser | None

NOTHING = Q(pk__in=[])


def _signed_in(member: Person) -> TypeGuard[Member]:
    return bool(member is not None and member.is_authenticated and member.is_active)
