"""The header's manager links: whether the member manages a venue is read with the member
(members.backends, `with_manages_any_venue`), once a request, so every change to a member's roles
shows on their next page, and the answer is `manages_any_venue`'s."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members import permissions
from members.backends import AllauthMemberBackend, MemberBackend
from members.models import Member
from tests.factories import MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db

REQUESTS_LINK = 'href="/manage/requests/"'


@pytest.fixture
def people(venue, manager, member):
    return {
        "member": member,
        "manager": manager,
        "superuser": MemberFactory(is_superuser=True, is_staff=True),
        "manager of two": MemberFactory(),
    }


def test_the_answer_read_with_the_member_is_manages_any_venues(people, venue):
    two = people["manager of two"]
    venue.managers.add(two)
    VenueFactory(name="Lab").managers.add(two)
    for backend in (MemberBackend(), AllauthMemberBackend()):
        for name, person in people.items():
            loaded = backend.get_user(person.pk)  # one row, however many venues they run
            assert loaded is not None
            with CaptureQueriesContext(connection) as queries:
                shown = permissions.shows_manager_links(loaded)
            assert shown == permissions.manages_any_venue(person), name
            assert len(queries) == 0, name


def test_a_member_read_without_it_is_asked(people):
    assert permissions.shows_manager_links(Member.objects.get(pk=people["manager"].pk))
    assert not permissions.shows_manager_links(Member.objects.get(pk=people["member"].pk))
    assert not permissions.shows_manager_links(AnonymousUser())
    assert not permissions.shows_manager_links(None)


def test_an_inactive_member_is_not_signed_in(people):
    manager = people["manager"]
    manager.is_active = False
    manager.save()
    assert MemberBackend().get_user(manager.pk) is None
    assert MemberBackend().get_user(10**9) is None


def _requests_link_shown(client) -> bool:
    response = client.get("/venues/")
    assert response.status_code == 200
    return REQUESTS_LINK in response.text


def test_a_new_manager_sees_the_links_on_the_next_page_and_loses_them_when_removed(
    client, venue, member
):
    client.force_login(member)
    assert not _requests_link_shown(client)
    venue.managers.add(member)
    assert _requests_link_shown(client)
    venue.managers.remove(member)
    assert not _requests_link_shown(client)
    member.is_superuser = True
    member.save()
    assert _requests_link_shown(client)


def test_signing_in_with_a_password_goes_through_the_members_backend(client, member):
    member.set_password("correct horse battery")
    member.save()
    assert client.login(email=member.email, password="correct horse battery")
    assert client.session[BACKEND_SESSION_KEY].startswith("members.backends.")
    request = type("Request", (), {"session": client.session})()
    signed_in = get_user(request)
    assert signed_in.pk == member.pk
    with CaptureQueriesContext(connection) as queries:
        assert not permissions.shows_manager_links(signed_in)
    assert len(queries) == 0
