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


def test_the_venue_page_links_everyone_to_its_published_impact_page(client, venue, room):
    venue.publish_impact = True
    venue.save()
    impact = reverse("stats:impact", kwargs={"venue_slug": venue.slug})

    page = client.get(venue.get_absolute_url()).content.decode()

    assert f'href="{impact}"' in page
    assert "What St Luke&#x27;s is used for: its impact in figures" in page


def test_the_venue_page_has_no_impact_link_when_the_venue_does_not_publish_it(
    client, manager, venue, room
):
    impact = reverse("stats:impact", kwargs={"venue_slug": venue.slug})
    assert impact not in client.get(venue.get_absolute_url()).content.decode()
    client.force_login(manager)
    assert impact not in client.get(venue.get_absolute_url()).content.decode()
