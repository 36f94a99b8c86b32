"""Idempotency keys are kept for their lifetime (24 hours), then pruned: a retry within the
lifetime still replays; a pruned key is forgotten, so a request with it is a new request."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from api.idempotency import prune_idempotency_keys
from api.models import IdempotencyKey
from bookings.models import Booking

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
MADE = datetime(2027, 1, 4, 8, tzinfo=UTC)  # tests.conftest.NOW


def body(room, day=5):
    return {
        "space": room.pk,
        "starts_at": f"2027-01-{day:02}T10:00:00+00:00",
        "ends_at": f"2027-01-{day:02}T11:00:00+00:00",
        "title": "Team meeting",
    }


def book(client, room, key, *, at, day=5):
    with time_machine.travel(at, tick=False):
        return client.post(URL, body(room, day), format="json", HTTP_IDEMPOTENCY_KEY=key)


def keys():
    return set(IdempotencyKey.objects.values_list("key", flat=True))


def test_keys_older_than_their_lifetime_go_and_younger_ones_stay(as_member, as_other, room):
    assert book(as_member, room, "old", at=MADE).status_code == 201
    assert book(as_other, room, "old-too", at=MADE + timedelta(minutes=1), day=6).status_code == 201
    assert book(as_member, room, "fresh", at=MADE + timedelta(hours=2), day=7).status_code == 201
    now = MADE + timedelta(hours=24, minutes=30)
    assert prune_idempotency_keys(now=now) == 2
    assert keys() == {"fresh"}
    assert prune_idempotency_keys(now=now) == 0  # idempotent
    assert Booking.objects.count() == 3  # the bookings themselves are kept


def test_a_key_exactly_24_hours_old_is_kept(as_member, room):
    book(as_member, room, "edge", at=MADE)
    assert prune_idempotency_keys(now=MADE + timedelta(hours=24)) == 0
    assert keys() == {"edge"}
    assert prune_idempotency_keys(now=MADE + timedelta(hours=24, microseconds=1)) == 1
    assert keys() == set()


def test_a_retry_within_the_lifetime_still_replays_after_pruning(as_member, room):
    first = book(as_member, room, "retry", at=MADE)
    later = MADE + timedelta(hours=23)
    with time_machine.travel(later, tick=False):
        assert prune_idempotency_keys() == 0
    again = book(as_member, room, "retry", at=later)
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Booking.objects.count() == 1


def test_a_pruned_key_is_forgotten_so_a_request_with_it_is_new(as_member, room):
    first = book(as_member, room, "reused", at=MADE)
    later = MADE + timedelta(hours=25)
    # Kept, the key refuses another body...
    assert book(as_member, room, "reused", at=later, day=6).status_code == 422
    prune_idempotency_keys(now=later)
    # ...pruned, it is a new request: a second booking, not a replay.
    second = book(as_member, room, "reused", at=later, day=6)
    assert second.status_code == 201
    assert "Idempotent-Replayed" not in second
    assert second.json()["id"] != first.json()["id"]
    assert Booking.objects.count() == 2


def test_pruning_is_one_query_however_many_keys_go(as_member, room, django_assert_num_queries):
    for day in (5, 6, 7):
        book(as_member, room, f"k{day}", at=MADE, day=day)
    with django_assert_num_queries(1):
        assert prune_idempotency_keys(now=MADE + timedelta(days=2)) == 3


def test_the_command_prunes_the_old_keys(as_member, room):
    book(as_member, room, "old", at=MADE)
    book(as_member, room, "fresh", at=MADE + timedelta(hours=20), day=6)
    out = StringIO()
    with time_machine.travel(MADE + timedelta(hours=30), tick=False):
        call_command("prune_idempotency_keys", stdout=out)
    assert keys() == {"fresh"}
    assert out.getvalue() == "Pruned 1 idempotency keys made over 24 hours ago.\n"
