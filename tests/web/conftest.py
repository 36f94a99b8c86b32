from datetime import UTC, datetime, time, timedelta

import pytest

from tests.factories import DeskPoolFactory, OpeningHoursFactory, SpaceFactory, VenueFactory


@pytest.fixture
def member_client(frozen_now, client, member):
    client.force_login(member)
    return client


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def pool(venue):
    return DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=5, capacity=5)


@pytest.fixture
def approval_room(venue):
    return SpaceFactory(
        venue=venue, name="Main hall", slug="main-hall", capacity=80, requires_approval=True
    )


@pytest.fixture
def night_room(db):
    """A room in a venue open 00:00–04:00 every day, to book across the clock changes."""
    night = VenueFactory(name="Night Lab", slug="night-lab", open_every_day=False)
    for day in range(7):
        OpeningHoursFactory(venue=night, weekday=day, opens=time(0), closes=time(4))
    return SpaceFactory(
        venue=night, name="Night room", slug="night-room", horizon=timedelta(days=365)
    )


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
