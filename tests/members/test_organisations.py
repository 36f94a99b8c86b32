"""An organisation looks after itself: its admins change its details and people, invite by
email (at once for a member, by invitation for a newcomer, accepted only on a verified address),
and it always keeps one admin, even when two admins remove each other at the same moment."""

import threading

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.db import connection
from django.urls import reverse

from members import permissions
from members.models import Organisation, OrganisationInvitation, OrganisationMembership
from members.organisations import (
    OrganisationError,
    accept_organisation_invitations,
    change_role,
    invite_member,
    remove_member,
    save_details,
)
from tests.factories import (
    MemberFactory,
    OrganisationAdminFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
)

pytestmark = pytest.mark.django_db
ADMIN, MEMBER = OrganisationMembership.Role.ADMIN, OrganisationMembership.Role.MEMBER


@pytest.fixture
def charity(db):
    return OrganisationFactory(name="Ladywood Food Bank", slug="food-bank")


@pytest.fixture
def admin(charity):
    return OrganisationAdminFactory(
        organisation=charity, member__display_name="Ada Admin", member__email="ada@example.org"
    ).member


@pytest.fixture
def volunteer(charity):
    return OrganisationMembershipFactory(
        organisation=charity, member__display_name="Val Volunteer"
    ).member


def membership_of(member, organisation) -> OrganisationMembership:
    return OrganisationMembership.objects.get(member=member, organisation=organisation)


# --- The services ------------------------------------------------------------------------------


def test_inviting_a_member_adds_them_at_once_and_tells_them(
    charity, admin, member, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        done = invite_member(organisation=charity, email=" Freelancer@Example.org", by=admin)
    assert done.member == member and done.invitation is None
    assert membership_of(member, charity).role == MEMBER
    (email,) = mail.outbox
    assert email.to == ["freelancer@example.org"]
    assert email.subject == "[Commonshare] You are now in Ladywood Food Bank"
    assert f"{settings.SITE_URL}/organisations/food-bank/" in email.body


def test_inviting_an_unknown_address_records_an_invitation_with_a_sign_up_link(
    charity, admin, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        done = invite_member(organisation=charity, email="New@example.org", by=admin, role=ADMIN)
    invitation = done.invitation
    assert invitation is not None
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new@example.org",
        ADMIN,
        admin,
    )
    (email,) = mail.outbox
    assert f"{settings.SITE_URL}/accounts/signup/" in email.body
    invite_member(organisation=charity, email="NEW@example.org", by=admin)
    assert OrganisationInvitation.objects.get().role == MEMBER  # refreshed, not doubled


def test_someone_already_in_it_or_with_a_closed_account_is_not_invited(charity, admin, volunteer):
    with pytest.raises(OrganisationError, match="already in Ladywood Food Bank"):
        invite_member(organisation=charity, email=volunteer.email, by=admin)
    closed = MemberFactory(is_active=False)
    with pytest.raises(OrganisationError, match="closed"):
        invite_member(organisation=charity, email=closed.email, by=admin)


def test_only_an_admin_may_invite(charity, admin, volunteer, other_member):
    for person in (volunteer, other_member):
        with pytest.raises(OrganisationError, match="Only an admin"):
            invite_member(organisation=charity, email="x@example.org", by=person)
    assert not OrganisationInvitation.objects.exists()


def test_a_verified_address_accepts_the_invitation_in_its_role(charity, admin):
    invite_member(organisation=charity, email="new@example.org", by=admin, role=ADMIN)
    newcomer = MemberFactory(email="new@example.org")
    address = EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert membership_of(newcomer, charity).role == ADMIN
    assert OrganisationInvitation.objects.get().accepted_at is not None


def test_an_unverified_address_accepts_nothing(charity, admin):
    invite_member(organisation=charity, email="new@example.org", by=admin)
    newcomer = MemberFactory(email="new@example.org")
    EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=False)
    assert accept_organisation_invitations(member=newcomer) == []
    assert not permissions.belongs_to(newcomer, charity)


def test_the_last_admin_can_be_neither_removed_nor_made_a_member(charity, admin, volunteer):
    mine = membership_of(admin, charity)
    with pytest.raises(OrganisationError, match="last admin of Ladywood Food Bank"):
        remove_member(organisation=charity, membership=mine, by=admin)
    with pytest.raises(OrganisationError, match="last admin"):
        change_role(organisation=charity, membership=mine, role=MEMBER, by=admin)
    assert membership_of(admin, charity).role == ADMIN


def test_an_admin_whose_account_is_closed_does_not_count_as_the_one_left(charity, admin):
    OrganisationAdminFactory(organisation=charity, member__is_active=False)
    with pytest.raises(OrganisationError, match="last admin"):
        remove_member(organisation=charity, membership=membership_of(admin, charity), by=admin)


def test_with_a_second_admin_the_first_may_leave(charity, admin, volunteer):
    change_role(
        organisation=charity, membership=membership_of(volunteer, charity), role=ADMIN, by=admin
    )
    remove_member(organisation=charity, membership=membership_of(admin, charity), by=admin)
    assert list(charity.members.all()) == [volunteer]


def test_a_plain_member_cannot_change_roles_or_remove_anyone(charity, admin, volunteer):
    with pytest.raises(OrganisationError, match="Only an admin"):
        change_role(
            organisation=charity,
            membership=membership_of(volunteer, charity),
            role=ADMIN,
            by=volunteer,
        )
    with pytest.raises(OrganisationError, match="Only an admin"):
        remove_member(organisation=charity, membership=membership_of(admin, charity), by=volunteer)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_admins_removing_each_other_at_once_leave_one():
    charity = OrganisationFactory(name="Race Club")
    first = OrganisationAdminFactory(organisation=charity)
    second = OrganisationAdminFactory(organisation=charity)
    barrier = threading.Barrier(2)
    refused: list[OrganisationError] = []
    crashed: list[BaseException] = []

    def attempt(by, other) -> None:
        try:
            barrier.wait(timeout=30)
            remove_member(organisation=charity, membership=other, by=by.member)
        except OrganisationError as error:
            refused.append(error)
        except BaseException as error:  # noqa: BLE001 - anything else is what the test looks for
            crashed.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(first, second)),
        threading.Thread(target=attempt, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert crashed == []
    assert len(refused) == 1
    assert OrganisationMembership.objects.filter(organisation=charity, role=ADMIN).count() == 1


# --- The pages, per role -----------------------------------------------------------------------


def pages(charity, membership) -> dict[str, tuple[str, str]]:
    """name -> (method, address)"""
    return {
        "page": ("get", reverse("members:organisation", args=[charity.slug])),
        "invite": ("post", reverse("members:organisation", args=[charity.slug])),
        "edit": ("get", reverse("members:organisation_edit", args=[charity.slug])),
        "role": ("post", reverse("members:organisation_role", args=[charity.slug, membership.pk])),
        "remove": (
            "post",
            reverse("members:organisation_remove", args=[charity.slug, membership.pk]),
        ),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", {"page": 302, "invite": 302, "edit": 302, "role": 302, "remove": 302}),
        ("other", {"page": 404, "invite": 404, "edit": 404, "role": 404, "remove": 404}),
        ("manager", {"page": 404, "invite": 404, "edit": 404, "role": 404, "remove": 404}),
        ("volunteer", {"page": 200, "invite": 403, "edit": 403, "role": 403, "remove": 403}),
    ],
)
def test_who_may_open_the_organisation_pages(
    client, charity, admin, volunteer, other_member, manager, who, expected
):
    people = {"other": other_member, "manager": manager, "volunteer": volunteer}
    if who in people:
        client.force_login(people[who])
    got = {}
    for name, (method, url) in pages(charity, membership_of(admin, charity)).items():
        data = {"email": "x@example.org", "role": "member"} if method == "post" else None
        got[name] = getattr(client, method)(url, data).status_code
    assert got == expected
    assert membership_of(admin, charity).role == ADMIN
    assert not OrganisationInvitation.objects.exists()


def test_a_member_reads_the_page_without_the_admins_controls(client, charity, admin, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("members:organisation", args=[charity.slug])).content.decode()
    assert "Ada Admin" in page and "Val Volunteer" in page
    assert "Invite someone" not in page and "ada@example.org" not in page


def test_an_admin_invites_from_the_page(client, charity, admin):
    client.force_login(admin)
    url = reverse("members:organisation", args=[charity.slug])
    response = client.post(url, {"email": "new@example.org", "role": "member"}, follow=True)
    assert "Invited new@example.org" in response.content.decode()
    refused = client.post(url, {"email": "not an address", "role": "member"})
    assert refused.status_code == 400
    assert OrganisationInvitation.objects.count() == 1


def test_an_admin_changes_the_details_and_the_org_id_is_normalised(client, charity, admin):
    client.force_login(admin)
    url = reverse("members:organisation_edit", args=[charity.slug])
    data = {
        "name": "Ladywood Food Bank",
        "kind": "charity",
        "legal_form": "cio",
        "org_id": "gb chc 1100001",
        "postcode_district": "b16",
        "contact_email": "hello@foodbank.example",
        "contact_phone": "0121 496 0000",
    }
    assert client.post(url, data).status_code == 302
    charity.refresh_from_db()
    assert (charity.org_id, charity.legal_form, charity.postcode_district) == (
        "GB-CHC-1100001",
        "cio",
        "B16",
    )


def test_saving_the_details_moves_updated_at(charity, admin):
    """Feeds' validators and the stats cache's key follow updated_at: an edit must move it."""
    before = Organisation.objects.get(pk=charity.pk).updated_at
    charity.kind = Organisation.Kind.BUSINESS

    save_details(organisation=charity, by=admin)

    saved = Organisation.objects.get(pk=charity.pk)
    assert saved.kind == Organisation.Kind.BUSINESS
    assert saved.updated_at > before


def test_a_bad_or_taken_org_id_is_refused_and_nothing_is_saved(client, charity, admin):
    OrganisationFactory(name="Other", org_id="GB-CHC-1100002")
    client.force_login(admin)
    url = reverse("members:organisation_edit", args=[charity.slug])
    data = {"name": "Renamed", "kind": "charity", "legal_form": "", "postcode_district": "B16"}
    bad = client.post(url, {**data, "org_id": "GB-CHC-12"})
    assert bad.status_code == 400 and "6 to 8 digits" in bad.content.decode()
    taken = client.post(url, {**data, "org_id": "GB-CHC-1100002"})
    assert taken.status_code == 400 and "already has this identifier" in taken.content.decode()
    assert Organisation.objects.get(pk=charity.pk).name == "Ladywood Food Bank"


def test_removing_the_last_admin_from_the_page_is_a_409_with_the_reason(client, charity, admin):
    client.force_login(admin)
    url = reverse(
        "members:organisation_remove", args=[charity.slug, membership_of(admin, charity).pk]
    )
    response = client.post(url)
    assert response.status_code == 409
    assert "last admin" in response.content.decode()
    assert client.get(url).status_code == 405


def test_the_account_page_links_to_the_organisation(client, charity, volunteer):
    client.force_login(volunteer)
    page = client.get(reverse("members:account")).content.decode()
    assert reverse("members:organisation", args=[charity.slug]) in page
