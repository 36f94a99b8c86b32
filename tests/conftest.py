from datetime import UTC, datetime

import pytest
import time_machine

from tests.factories import MemberFactory, SpaceFactory, VenueFactory

# A fixed "now" for tests that need one: Monday 4 January 2027, 08:00 UTC (08:00 in London).
NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://... (CI always does)"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _forget_feed_summaries():
    """Each process keeps feeds' validators in front of the shared cache (feeds.builders); the
    shared cache is the test database's table, rolled back, so this copy must go too."""
    from feeds.builders import forget_feed_summaries

    forget_feed_summaries()
    yield
    forget_feed_summaries()


@pytest.fixture
def now():
    return NOW


@pytest.fixture
def frozen_now():
    """Freeze the clock at NOW (ticking), for views that read timezone.now()."""
    with time_machine.travel(NOW, tick=True):
        yield NOW


@pytest.fixture
def member(db):
    return MemberFactory(email="freelancer@example.org", display_name="Fay Freelancer")


@pytest.fixture
def other_member(db):
    return MemberFactory(email="other@example.org", display_name="Otto Other")


@pytest.fixture
def venue(db):
    return VenueFactory(name="St Luke's", slug="st-lukes")


@pytest.fixture
def manager(db, venue):
    person = MemberFactory(email="manager@example.org", display_name="Mo Manager")
    venue.managers.add(person)
    return person


@pytest.fixture
def room(db, venue):
    return SpaceFactory(venue=venue, name="Meeting room", slug="meeting-room", capacity=6)
