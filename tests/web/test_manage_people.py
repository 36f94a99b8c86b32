"""The People page of a venue: its managers invite another by email and remove one, never the
last; nobody else sees it."""

import re

import pytest
from django.core import mail

from members import permissions
from members.models import Member
from spaces.models import ManagerInvitation
from tests.factories import MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db

URL = "/manage/venues/st-lukes/people/"


def remove_url(member) -> str:
    return f"{URL}{member.pk}/remove/"


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


def test_the_page_lists_the_managers_and_is_linked_from_the_managers_pages(manager_client, venue):
    page = manager_client.get(URL)
    assert page.status_code == 200
    assert "<h1>People of St Luke&#x27;s</h1>" in page.text
    assert "Mo Manager" in page.text and "manager@example.org" in page.text
    assert f'href="{URL}" aria-current="page">People</a>' in page.text
    assert "A venue always keeps one manager" in page.text
    assert (
        'href="/manage/venues/st-lukes/people/"'
        in manager_client.get("/manage/venues/st-lukes/spaces/").text
    )


def test_inviting_a_member_makes_them_a_manager_and_emails_them(
    manager_client, venue, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(URL, {"email": "freelancer@example.org"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Fay Freelancer now manages St Luke&#x27;s" in response.text
    assert permissions.is_named_manager(member, venue)
    (email,) = mail.outbox
    assert email.to == ["freelancer@example.org"]
    assert "/manage/venues/st-lukes/day/" in email.body


def test_inviting_an_unknown_address_records_an_invitation_and_emails_a_sign_up_link(
    manager_client, venue, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(URL, {"email": "new@example.org"}, follow=True)
    assert "Invited new@example.org" in response.text
    assert "Waiting to sign up" in response.text and "new@example.org" in response.text
    invitation = ManagerInvitation.objects.get()
    assert (invitation.venue, invitation.email, invitation.invited_by) == (
        venue,
        "new@example.org",
        manager,
    )
    (email,) = mail.outbox
    assert email.to == ["new@example.org"]
    assert "/accounts/signup/" in email.body


def test_signing_up_and_confirming_the_invited_address_makes_them_a_manager(
    client, venue, manager, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    client.post(URL, {"email": "new@example.org"})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):  # sent by the task queue
        client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
        )
    newcomer = Member.objects.get(email="new@example.org")
    assert not permissions.is_named_manager(newcomer, venue)  # not before it is confirmed
    link = re.search(r"https?://testserver(/accounts/confirm-email/[^/\s]+/)", mailoutbox[-1].body)
    assert link is not None
    client.post(link.group(1))
    assert permissions.is_named_manager(newcomer, venue)
    assert ManagerInvitation.objects.get().accepted_at is not None
    assert client.get(URL).status_code == 200  # logged in on confirmation, and may manage


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b@example.org"])
def test_a_bad_email_is_a_form_error_and_writes_nothing(manager_client, venue, email):
    response = manager_client.post(URL, {"email": email})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text and "errorlist" in response.text
    assert not ManagerInvitation.objects.exists()
    assert venue.managers.count() == 1
    assert mail.outbox == []


def test_inviting_someone_who_already_manages_is_a_form_error(manager_client, venue):
    response = manager_client.post(URL, {"email": "manager@example.org"})
    assert response.status_code == 400
    assert "Mo Manager already manages St Luke&#x27;s." in response.text


def test_removing_another_manager_works(manager_client, venue, manager, member):
    venue.managers.add(member)
    response = manager_client.post(remove_url(member), follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Fay Freelancer no longer manages St Luke&#x27;s." in response.text
    assert list(venue.managers.all()) == [manager]


def test_a_manager_may_remove_themselves_if_others_remain(manager_client, venue, manager, member):
    venue.managers.add(member)
    response = manager_client.post(remove_url(manager))
    assert response.status_code == 302 and response["Location"] == "/venues/st-lukes/"
    assert list(venue.managers.all()) == [member]


def test_removing_the_last_manager_is_refused_and_changes_nothing(manager_client, venue, manager):
    response = manager_client.post(remove_url(manager))
    assert response.status_code == 409
    assert "Mo Manager is the last manager of St Luke&#x27;s" in response.text
    assert list(venue.managers.all()) == [manager]


def test_removing_someone_who_does_not_manage_the_venue_is_a_404(manager_client, member):
    assert manager_client.post(remove_url(member)).status_code == 404


def test_get_on_the_remove_action_is_refused(manager_client, venue, member):
    venue.managers.add(member)
    assert manager_client.get(remove_url(member)).status_code == 405
    assert venue.managers.count() == 2


def test_the_page_and_its_actions_need_a_login(client, venue, manager):
    for response in (client.get(URL), client.post(URL, {"email": "x@example.org"})):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post(remove_url(manager)).status_code == 302
    assert venue.managers.count() == 1 and not ManagerInvitation.objects.exists()


def test_a_member_or_a_manager_of_another_venue_gets_a_404(client, venue, manager, member):
    elsewhere = MemberFactory()
    VenueFactory(name="Lab").managers.add(elsewhere)
    for person in (member, elsewhere):
        client.force_login(person)
        assert client.get(URL).status_code == 404
        assert client.post(URL, {"email": "x@example.org"}).status_code == 404
        assert client.post(remove_url(manager)).status_code == 404
    assert venue.managers.count() == 1 and not ManagerInvitation.objects.exists()


def test_staff_may_manage_the_people_of_any_venue(client, venue, manager, member):
    staff = MemberFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get(URL).status_code == 200
    client.post(URL, {"email": member.email})
    assert permissions.is_named_manager(member, venue)
