"""A venue's managers: invited by email (at once for a member, by invitation for a newcomer),
removed but never the last, even when two remove each other at the same moment."""

import threading

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core import mail
from django.db import connection

from members import permissions
from spaces.models import ManagerInvitation
from spaces.people import (
    PeopleError,
    accept_manager_invitations,
    invite_manager,
    remove_manager,
)
from tests.factories import MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_inviting_a_member_makes_them_a_manager_at_once_and_tells_them(
    venue, manager, member, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        done = invite_manager(venue=venue, email="Freelancer@Example.org ", by=manager)
    assert done.member == member and done.invitation is None
    assert permissions.is_named_manager(member, venue)
    assert not ManagerInvitation.objects.exists()
    (email,) = mail.outbox
    assert email.to == ["freelancer@example.org"]
    assert email.subject == "[Commonshare] You now manage St Luke's"
    assert "Mo Manager has made you a manager of St Luke's" in email.body
    assert f"{settings.SITE_URL}/manage/venues/st-lukes/day/" in email.body


def test_a_member_is_found_by_a_verified_address_that_is_not_their_login(venue, manager, member):
    EmailAddress.objects.create(user=member, email="fay@work.example", verified=True)
    assert invite_manager(venue=venue, email="fay@work.example", by=manager).member == member


def test_inviting_an_unknown_address_records_an_invitation_and_sends_a_sign_up_link(
    venue, manager, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        done = invite_manager(venue=venue, email="New.Person@example.org", by=manager)
    invitation = done.invitation
    assert done.member is None and invitation is not None
    assert (invitation.venue, invitation.email, invitation.invited_by) == (
        venue,
        "new.person@example.org",
        manager,
    )
    assert invitation.accepted_at is None
    (email,) = mail.outbox
    assert email.to == ["new.person@example.org"]
    assert f"{settings.SITE_URL}/accounts/signup/" in email.body


def test_inviting_the_same_address_again_refreshes_its_one_invitation(venue, manager):
    invite_manager(venue=venue, email="new@example.org", by=manager)
    invite_manager(venue=venue, email="NEW@example.org", by=manager)
    assert ManagerInvitation.objects.count() == 1


def test_inviting_someone_who_already_manages_the_venue_is_refused(venue, manager):
    with pytest.raises(PeopleError, match="already manages St Luke's"):
        invite_manager(venue=venue, email="manager@example.org", by=manager)


def test_someone_who_does_not_manage_the_venue_cannot_invite(venue, member):
    with pytest.raises(PeopleError, match="Only a manager"):
        invite_manager(venue=venue, email="x@example.org", by=member)
    assert not ManagerInvitation.objects.exists()


def test_confirming_an_invited_address_makes_them_manager_of_every_venue_that_invited_it(
    venue, manager
):
    lab = VenueFactory(name="Lab")
    lab.managers.add(manager)
    invite_manager(venue=venue, email="new@example.org", by=manager)
    invite_manager(venue=lab, email="new@example.org", by=manager)
    newcomer = MemberFactory(email="new@example.org")
    EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=True)
    assert set(accept_manager_invitations(member=newcomer)) == {venue, lab}
    assert permissions.is_named_manager(newcomer, venue)
    assert permissions.is_named_manager(newcomer, lab)
    assert not ManagerInvitation.objects.filter(accepted_at__isnull=True).exists()


def test_an_unverified_address_accepts_nothing(venue, manager):
    invite_manager(venue=venue, email="new@example.org", by=manager)
    newcomer = MemberFactory(email="new@example.org")
    EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=False)
    assert accept_manager_invitations(member=newcomer) == []
    assert not permissions.is_named_manager(newcomer, venue)


def test_allauths_email_confirmed_signal_accepts_the_invitations(venue, manager):
    invite_manager(venue=venue, email="new@example.org", by=manager)
    newcomer = MemberFactory(email="new@example.org")
    address = EmailAddress.objects.create(user=newcomer, email="new@example.org", verified=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert permissions.is_named_manager(newcomer, venue)


def test_removing_another_manager_works(venue, manager, member):
    venue.managers.add(member)
    remove_manager(venue=venue, member=member, by=manager)
    assert list(venue.managers.all()) == [manager]


def test_a_manager_may_remove_themselves_if_others_remain(venue, manager, member):
    venue.managers.add(member)
    remove_manager(venue=venue, member=manager, by=manager)
    assert list(venue.managers.all()) == [member]


def test_the_last_manager_cannot_be_removed(venue, manager):
    with pytest.raises(PeopleError, match="last manager of St Luke's"):
        remove_manager(venue=venue, member=manager, by=manager)
    assert list(venue.managers.all()) == [manager]


def test_a_manager_whose_account_is_closed_does_not_count_as_the_one_left(venue, manager):
    closed = MemberFactory(is_active=False)
    venue.managers.add(closed)
    with pytest.raises(PeopleError, match="last manager"):
        remove_manager(venue=venue, member=manager, by=manager)
    remove_manager(venue=venue, member=closed, by=manager)
    assert list(venue.managers.all()) == [manager]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_managers_removing_each_other_at_once_leave_one():
    venue = VenueFactory(name="Race Hall")
    first, second = MemberFactory(), MemberFactory()
    venue.managers.add(first, second)
    barrier = threading.Barrier(2)
    refused: list[PeopleError] = []
    crashed: list[BaseException] = []

    def attempt(by, other) -> None:
        try:
            barrier.wait(timeout=30)
            remove_manager(venue=venue, member=other, by=by)
        except PeopleError as error:
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
    assert venue.managers.count() == 1
