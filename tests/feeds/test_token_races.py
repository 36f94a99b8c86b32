"""One click, one token: the database allows one live token per owner and feed, and the services
turn a lost race into the winner's token. The constraint tests run on both databases; the races
on PostgreSQL only (SQLite in memory cannot show a race)."""

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from feeds.models import FeedToken
from feeds.services import FeedError, create_feed_token, regenerate_feed_token
from members.models import OrganisationMembership
from tests.factories import OrganisationFactory, OrganisationMembershipFactory

Scope = FeedToken.Scope
THREADS = 10


def _second_live_token(**fields) -> None:
    with transaction.atomic():
        FeedToken.objects.create(**fields)


@pytest.fixture
def organisation(member):
    organisation = OrganisationFactory()
    OrganisationMembershipFactory(
        organisation=organisation, member=member, role=OrganisationMembership.Role.ADMIN
    )
    return organisation


def test_the_database_refuses_a_second_live_token_for_the_same_feed(
    member, manager, organisation, venue, room
):
    feeds = [
        {"owner": member, "scope": Scope.MEMBER},  # no target: NULLs must not slip through
        {"owner": member, "scope": Scope.ORGANISATION, "organisation": organisation},
        {"owner": manager, "scope": Scope.VENUE, "venue": venue},
        {"owner": manager, "scope": Scope.SPACE, "space": room},
    ]
    for fields in feeds:
        FeedToken.objects.create(**fields)
        with pytest.raises(IntegrityError):
            _second_live_token(**fields)
    assert FeedToken.objects.count() == len(feeds)


def test_revoked_tokens_and_other_feeds_do_not_count(member, other_member, manager, venue, room):
    FeedToken.objects.create(owner=member, scope=Scope.MEMBER, revoked_at=timezone.now())
    FeedToken.objects.create(owner=member, scope=Scope.MEMBER, revoked_at=timezone.now())
    FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    FeedToken.objects.create(owner=other_member, scope=Scope.MEMBER)
    FeedToken.objects.create(owner=manager, scope=Scope.VENUE, venue=venue)
    FeedToken.objects.create(owner=manager, scope=Scope.SPACE, space=room)
    # A space and a venue may share an id: they are different feeds all the same.
    assert FeedToken.objects.live().count() == 4


def test_a_lost_race_returns_the_winners_token(member, monkeypatch):
    """The IntegrityError path, on both databases: the existence check missed the winner."""
    winner = FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    real_live = FeedToken.objects.live
    calls = []

    def live_after_first_call():
        calls.append(1)
        # The first look (before inserting) sees nothing, as if the winner had not committed.
        return real_live().none() if len(calls) == 1 else real_live()

    monkeypatch.setattr(FeedToken.objects, "live", live_after_first_call)
    assert create_feed_token(owner=member, scope=Scope.MEMBER) == winner
    assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_second_regenerate_of_the_same_address_says_so_and_makes_nothing(client, member):
    token = FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    fresh = regenerate_feed_token(token=token, by=member)
    with pytest.raises(FeedError, match="already revoked"):
        regenerate_feed_token(token=token, by=member)  # the stale copy of the old token
    assert list(FeedToken.objects.live()) == [fresh]


def test_a_regenerate_click_that_lost_the_race_is_a_message_not_an_error(
    client, member, monkeypatch
):
    token = FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    client.force_login(member)

    # The view found the token live; by the time the service locks it, another click revoked it.
    def stale_lookup(request, pk):
        FeedToken.objects.filter(pk=pk).update(revoked_at=timezone.now())
        return token

    monkeypatch.setattr("feeds.views._own_token", stale_lookup)
    response = client.post(reverse("feeds:regenerate", kwargs={"pk": token.pk}), follow=True)
    assert response.status_code == 200
    assert "already revoked" in response.content.decode()
    assert not FeedToken.objects.live().exists()


# --- Real concurrency (PostgreSQL) ----------------------------------------------------------------


def race(attempt: Callable[[], FeedToken]) -> tuple[list[FeedToken], list[FeedError], list]:
    """THREADS calls of `attempt` at the same moment, each on its own connection."""
    barrier = threading.Barrier(THREADS)
    won: list[FeedToken] = []
    refused: list[FeedError] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            token = attempt()
            with lock:
                won.append(token)
        except FeedError as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - anything else is what the test looks for
            with lock:
                crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return won, refused, crashed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scope", [Scope.MEMBER, Scope.ORGANISATION])
def test_ten_simultaneous_create_feed_requests_make_one_token(member, organisation, scope):
    target_id = organisation.pk if scope == Scope.ORGANISATION else None
    won, refused, crashed = race(
        lambda: create_feed_token(owner=member, scope=scope, target_id=target_id)
    )
    assert crashed == [] and refused == []
    assert len(won) == THREADS
    assert len({token.pk for token in won}) == 1
    assert FeedToken.objects.live().filter(owner=member, scope=scope).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_regenerations_make_one_new_token(member):
    token = FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    won, refused, crashed = race(lambda: regenerate_feed_token(token=token, by=member))
    assert crashed == []
    assert len(won) == 1 and len(refused) == THREADS - 1
    assert list(FeedToken.objects.live()) == won
    assert FeedToken.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_create_and_regenerate_at_once_leave_one_live_token(member):
    token = FeedToken.objects.create(owner=member, scope=Scope.MEMBER)
    attempts = iter(range(THREADS))
    lock = threading.Lock()

    def create_or_regenerate() -> FeedToken:
        with lock:
            n = next(attempts)
        if n % 2:
            return regenerate_feed_token(token=token, by=member)
        return create_feed_token(owner=member, scope=Scope.MEMBER)

    _won, _refused, crashed = race(create_or_regenerate)
    assert crashed == []
    assert FeedToken.objects.live().count() == 1
