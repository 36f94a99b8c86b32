"""spaces.lookup.space_by_slugs reads a space and its venue in one statement written once, and
gives what the ORM's `select_related("venue").get(...)` gives: every field, typed the same, on
either database; the venue cached; a 404 for any slug that does not name a space of that venue."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from spaces.lookup import space_by_slugs
from spaces.models import Space, Venue
from tests.factories import DeskPoolFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db


def _orm(venue_slug: str, space_slug: str) -> Space:
    return Space.objects.select_related("venue").get(venue__slug=venue_slug, slug=space_slug)


def _fields(instance) -> dict:
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }


@pytest.mark.parametrize("factory", [SpaceFactory, DeskPoolFactory])
def test_every_field_as_the_orm_reads_it(factory):
    venue = VenueFactory(name="Ladywood Hub", time_zone="America/New_York")
    space = factory(
        venue=venue,
        rate=Decimal("12.50"),
        buffer_after=timedelta(minutes=15),
        requires_approval=True,
        description="Ground floor, step-free",
    )

    found = space_by_slugs(venue.slug, space.slug)
    expected = _orm(venue.slug, space.slug)

    assert _fields(found) == _fields(expected)
    assert _fields(found.venue) == _fields(expected.venue)
    # Typed as the ORM types them (SQLite hands back text, integers and floats).
    for name in ("rate", "buffer_after", "updated_at", "requires_approval", "seats"):
        assert type(getattr(found, name)) is type(getattr(expected, name)), name
    assert found.venue.zone.key == "America/New_York"
    assert found.is_desk_pool is expected.is_desk_pool


def test_one_statement_and_the_venue_cached():
    space = SpaceFactory()
    with CaptureQueriesContext(connection) as queries:
        found = space_by_slugs(space.venue.slug, space.slug)
        assert found.venue.name == space.venue.name
    assert len(queries) == 1
    assert Space.venue.is_cached(found)
    assert not found._state.adding and found._state.db == connection.alias


def test_instances_save_as_loaded_ones_do():
    space = SpaceFactory(name="Studio")
    found = space_by_slugs(space.venue.slug, space.slug)
    found.name = "Studio A"
    found.save()
    assert Space.objects.get(pk=space.pk).name == "Studio A"
    assert Space.objects.count() == 1


def test_the_space_of_another_venue_is_not_found():
    space = SpaceFactory(slug="studio")
    other = VenueFactory(name="Neighbourhood Lab")
    SpaceFactory(venue=other, slug="kitchen")
    with pytest.raises(Http404):
        space_by_slugs(other.slug, "studio")
    with pytest.raises(Http404):
        space_by_slugs(space.venue.slug, "kitchen")
    with pytest.raises(Http404):
        space_by_slugs("no-such-venue", "studio")
    assert space_by_slugs(space.venue.slug, "studio").pk == space.pk


def test_same_slug_in_two_venues_finds_each_its_own():
    first, second = VenueFactory(name="Hub"), VenueFactory(name="Lab")
    a = SpaceFactory(venue=first, slug="hall")
    b = SpaceFactory(venue=second, slug="hall")
    assert space_by_slugs(first.slug, "hall").pk == a.pk
    assert space_by_slugs(second.slug, "hall").pk == b.pk
    assert space_by_slugs(second.slug, "hall").venue.pk == second.pk


def test_a_slug_with_sql_in_it_is_only_a_value():
    space = SpaceFactory()
    with pytest.raises(Http404):
        space_by_slugs(space.venue.slug, "x' OR '1'='1")
    assert Venue.objects.count() == 1
