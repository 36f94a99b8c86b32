import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_venue_page_links_its_managers_to_the_stats(client, manager, venue, room):
    client.force_login(manager)

    page = client.get(venue.get_absolute_url()).content.decode()

    assert reverse("stats:venue", kwargs={"venue_slug": venue.slug}) in page
    assert (
        reverse("stats:space", kwargs={"venue_slug": venue.slug, "space_slug": room.slug}) in page
    )


def test_the_venue_page_does_not_show_stats_links_to_members(client, member, venue, room):
    client.force_login(member)

    page = client.get(venue.get_absolute_url()).content.decode()

    assert reverse("stats:venue", kwargs={"venue_slug": venue.slug}) not in page
