"""The API's guarantees under a real multi-process server: 20 creates at once for one room slot.

Through gunicorn (four worker processes, each its own database connection) on PostgreSQL, as in
production: the exclusion constraint and the space lock let exactly one request book the slot,
and every other one gets a clean 409 carrying the nearest free alternatives. With one
Idempotency-Key the twenty racing retries make one booking and twenty identical 201s.
"""

import json
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from api.models import IdempotencyKey
from api.tokens import create_api_token
from bookings.models import Booking
from tests.factories import MemberFactory, SpaceFactory, VenueFactory
from tests.live.visitors import Visitor, hammer

pytestmark = pytest.mark.postgres

URL = "/api/v1/bookings/"
RACERS = 20


@pytest.fixture
def slot(transactional_db):
    venue = VenueFactory(name="Race Hall", slug="race-hall")
    room = SpaceFactory(venue=venue, name="Blue room", slug="blue-room")
    # Ten o'clock, local time, on a weekday about a week ahead, whatever day the test runs.
    day = timezone.now().astimezone(venue.zone).date() + timedelta(days=8)
    day += timedelta(days=(7 - day.weekday()) % 7 + 1)
    return room, {
        "space": room.pk,
        "starts_at": datetime.combine(day, time(10), tzinfo=venue.zone).isoformat(),
        "ends_at": datetime.combine(day, time(11), tzinfo=venue.zone).isoformat(),
        "title": "Race meeting",
    }


def _bearer(member) -> dict[str, str]:
    return {"Authorization": f"Bearer {create_api_token(owner=member, name='Race')[1]}"}


def test_twenty_members_creating_one_slot_at_once_get_one_201_and_nineteen_409s(app_server, slot):
    room, body = slot
    people = [MemberFactory() for _ in range(RACERS)]
    headers = [_bearer(person) for person in people]
    visitor = Visitor(app_server.base_url)

    answers = hammer(RACERS, lambda n: visitor.post_json(URL, body, headers[n]))

    statuses = sorted(answer.status for answer in answers)
    assert statuses == [201] + [409] * (RACERS - 1), [a.text[:300] for a in answers]
    clashes = [json.loads(a.text) for a in answers if a.status == 409]
    assert {clash["code"] for clash in clashes} == {"clash"}
    assert all(clash["message"] and "alternatives" in clash for clash in clashes)
    assert all(clash["alternatives"] for clash in clashes)  # the room is free the rest of the day
    winner = json.loads(next(a.text for a in answers if a.status == 201))
    booked = Booking.objects.get(space=room)
    assert winner["id"] == booked.pk
    assert booked.booker_id in {person.pk for person in people}
    assert app_server.tracebacks() == []


def test_twenty_retries_with_one_idempotency_key_make_one_booking_and_twenty_identical_201s(
    app_server, slot
):
    room, body = slot
    member = MemberFactory()
    headers = {**_bearer(member), "Idempotency-Key": "race-retry-1"}
    visitor = Visitor(app_server.base_url)

    answers = hammer(RACERS, lambda n: visitor.post_json(URL, body, headers))

    assert [answer.status for answer in answers] == [201] * RACERS, [a.text[:300] for a in answers]
    bodies = {answer.text for answer in answers}
    assert len(bodies) == 1
    booked = Booking.objects.get(space=room)
    assert json.loads(bodies.pop())["id"] == booked.pk
    assert booked.booker_id == member.pk
    assert IdempotencyKey.objects.filter(key="race-retry-1").count() == 1
    assert app_server.tracebacks() == []
