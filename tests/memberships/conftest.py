"""Plans for the membership tests: a venue open 09:00–17:00 (tests.factories), its desk pool and
meeting room, and helpers to put someone on a plan."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from memberships.models import Allowance, Plan
from memberships.services import grant_membership
from tests.factories import DeskPoolFactory, SpaceFactory


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def pool(venue):
    return DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks")


@pytest.fixture
def room(venue):
    return SpaceFactory(venue=venue, name="Meeting room", slug="meeting-room", capacity=6)


@pytest.fixture
def make_plan(venue):
    def _plan(*, kinds=("desk_pool",), days=None, hours=None, window=timedelta(days=30), **kw):
        plan = Plan.objects.create(
            venue=kw.pop("at", venue),
            name=kw.pop("name", "Hot desk 10 days"),
            space_kinds=list(kinds),
            booking_window=window,
        )
        for kind in kinds:
            if days is not None:
                Allowance.objects.create(plan=plan, kind=kind, days_per_month=days)
            elif hours is not None:
                Allowance.objects.create(plan=plan, kind=kind, hours_per_month=Decimal(hours))
        return plan

    return _plan


@pytest.fixture
def grant():
    def _grant(plan, *, starts_on=date(2026, 1, 1), **kwargs):
        return grant_membership(plan=plan, starts_on=starts_on, **kwargs)

    return _grant


@pytest.fixture
def member_client(frozen_now, client, member):
    client.force_login(member)
    return client
