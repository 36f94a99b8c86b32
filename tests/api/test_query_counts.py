"""The number of queries of a list does not grow with its length: each list is read with one
row and with many, and must ask the database the same number of times."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feeds.models import FeedToken
from memberships.services import grant_membership
from tests.api.conftest import client_with_token
from tests.factories import (
    BookingFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SeriesFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

START = datetime(2027, 1, 5, 9, tzinfo=UTC)


def queries(client, url, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, query or {})
    assert response.status_code == 200, response.content
    return len(captured)


def same_for_one_and_many(client, url, add, query=None) -> None:
    add(0)
    client.get(url, query or {})  # a token's first use notes it (one write, once)
    one = queries(client, url, query)
    for number in range(1, 12):
        add(number)
    assert queries(client, url, query) == one


def test_the_venues_list(anonymous):
    same_for_one_and_many(anonymous, "/api/v1/venues/", lambda n: VenueFactory())


def test_the_spaces_list_and_its_free_filter(frozen_now, anonymous, venue):
    def add(n):
        space = SpaceFactory(venue=VenueFactory())
        BookingFactory(space=space, starts_at=START + timedelta(hours=n % 3))

    same_for_one_and_many(anonymous, "/api/v1/spaces/", add)
    same_for_one_and_many(
        anonymous,
        "/api/v1/spaces/",
        add,
        {"free_from": "2027-01-05T13:00:00Z", "free_to": "2027-01-05T14:00:00Z"},
    )


def test_a_venues_availability(frozen_now, anonymous, venue):
    def add(n):
        space = SpaceFactory(venue=venue)
        BookingFactory(space=space, starts_at=START + timedelta(hours=n % 3))

    same_for_one_and_many(
        anonymous,
        f"/api/v1/venues/{venue.slug}/availability/",
        add,
        {"start": "2027-01-05T00:00:00Z", "end": "2027-01-07T00:00:00Z"},
    )


def test_my_bookings(member, room):
    organisation = OrganisationFactory()
    OrganisationMembershipFactory(organisation=organisation, member=member)

    def add(n):
        BookingFactory(
            space=SpaceFactory(),
            booker=member,
            organisation=organisation,
            starts_at=START + timedelta(days=n),
        )

    same_for_one_and_many(client_with_token(member), "/api/v1/bookings/", add)


def test_a_venues_bookings(manager, venue, room):
    same_for_one_and_many(
        client_with_token(manager),
        f"/api/v1/venues/{venue.slug}/bookings/",
        lambda n: BookingFactory(space=SpaceFactory(venue=venue), starts_at=START),
    )


def test_my_series(member, room):
    same_for_one_and_many(
        client_with_token(member),
        "/api/v1/series/",
        lambda n: SeriesFactory(space=SpaceFactory(), booker=member),
    )


def test_my_memberships(member):
    same_for_one_and_many(
        client_with_token(member),
        "/api/v1/memberships/",
        lambda n: grant_membership(plan=PlanFactory(), member=member, starts_on=date(2027, 1, 1)),
    )


def test_my_feed_tokens(member):
    def add(n):
        FeedToken.objects.create(owner=member, scope=FeedToken.Scope.SPACE, space=SpaceFactory())

    same_for_one_and_many(client_with_token(member), "/api/v1/feed-tokens/", add)
