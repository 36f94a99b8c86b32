"""A venue's managers make, name and revoke display links (feeds.display); nobody else can, and
bad input changes nothing."""

import pytest

from feeds.display import DisplayError, create_display_link, revoke_display_link
from feeds.models import DisplayLink
from tests.factories import DisplayLinkFactory, MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db
PAGE = "/manage/venues/st-lukes/display/"


def test_a_manager_makes_a_named_link_and_sees_its_address(manager_client, venue):
    response = manager_client.post(PAGE, {"name": "  Entrance   tablet "}, follow=True)
    link = DisplayLink.objects.get()
    assert (link.venue, link.name, link.is_live) == (venue, "Entrance tablet", True)
    assert len(link.token) >= 43
    assert f"/display/{link.token}/" in response.text
    assert "Revoke Entrance tablet" in response.text


def test_a_blank_name_is_a_form_error_and_makes_nothing(manager_client, venue):
    response = manager_client.post(PAGE, {"name": "   "})
    assert response.status_code == 400
    assert not DisplayLink.objects.exists()


def test_a_manager_revokes_a_link_and_its_page_answers_410(manager_client, venue, manager):
    link = DisplayLinkFactory(venue=venue, created_by=manager)
    response = manager_client.post(f"{PAGE}{link.pk}/revoke/", follow=True)
    assert "revoked" in response.text
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert manager_client.get(f"/display/{link.token}/").status_code == 410
    # Twice: a clear message, and the first revocation stands.
    first = link.revoked_at
    response = manager_client.post(f"{PAGE}{link.pk}/revoke/", follow=True)
    assert "already revoked" in response.text
    link.refresh_from_db()
    assert link.revoked_at == first


def test_another_venues_manager_can_neither_see_nor_revoke_the_links(frozen_now, client, venue):
    link = DisplayLinkFactory(venue=venue)
    other = MemberFactory()
    VenueFactory(slug="beta").managers.add(other)
    client.force_login(other)
    assert client.get(PAGE).status_code == 404
    assert client.post(f"{PAGE}{link.pk}/revoke/").status_code == 404
    assert client.post(PAGE, {"name": "Sneaky"}).status_code == 404
    # Nor through another venue's address.
    assert client.post(f"/manage/venues/beta/display/{link.pk}/revoke/").status_code == 404
    link.refresh_from_db()
    assert link.is_live and DisplayLink.objects.count() == 1


def test_the_services_refuse_anyone_but_the_venues_managers(venue, manager):
    stranger = MemberFactory()
    with pytest.raises(DisplayError, match="Only a manager"):
        create_display_link(venue=venue, by=stranger, name="Tablet")
    link = create_display_link(venue=venue, by=manager, name="Tablet")
    with pytest.raises(DisplayError, match="Only a manager"):
        revoke_display_link(link=link, by=stranger)
    link.refresh_from_db()
    assert link.is_live
    with pytest.raises(DisplayError, match="characters"):
        create_display_link(venue=venue, by=manager, name="x" * 101)
    assert DisplayLink.objects.count() == 1


def test_the_manager_nav_links_the_page(manager_client, venue):
    response = manager_client.get("/manage/venues/st-lukes/day/")
    assert PAGE in response.text
    assert "/manage/venues/st-lukes/day-sheet/?date=" in response.text
