from datetime import UTC, datetime

import pytest
import time_machine

from api.models import IdempotencyKey
from bookings.models import Booking
from tests.api.conftest import client_with_token
from tests.factories import BookingFactory, MemberFactory, SpaceFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"
TEN = "2027-01-05T10:00:00+00:00"
ELEVEN = "2027-01-05T11:00:00+00:00"


def body(room, **changes):
    return {
        "space": room.pk,
        "starts_at": TEN,
        "ends_at": ELEVEN,
        "title": "Team meeting",
    } | changes


def test_a_member_books_a_space_and_gets_it_back_in_the_venues_zone(
    frozen_now, as_member, room, member
):
    response = as_member.post(URL, body(room), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["status"] == "confirmed"
    assert data["starts_at"] == "2027-01-05T10:00:00+00:00"
    assert data["venue"] == room.venue.slug
    booking = Booking.objects.get()
    assert booking.booker == member and booking.title == "Team meeting"


def test_booking_needs_a_login(frozen_now, anonymous, room):
    response = anonymous.post(URL, body(room), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Booking.objects.exists()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"starts_at": "2027-01-05T10:00:00"}, "starts_at"),  # no offset
        ({"starts_at": "yesterday"}, "starts_at"),
        ({"ends_at": TEN}, "ends_at"),  # not after the start
        ({"title": ""}, "title"),
        ({"attendees": 0}, "attendees"),
        ({"space": "hall"}, "space"),
        ({"space": 999999}, "space"),
        ({"activity": "juggling"}, "activity"),
        ({"organisation": "not-mine"}, "organisation"),
        ({"membership": 12345}, "membership"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(
    frozen_now, as_member, room, changes, field
):
    response = as_member.post(URL, body(room, **changes), format="json")
    assert response.status_code == 400, response.json()
    data = response.json()
    assert data["code"] in {"invalid", "refused"}
    assert field in data["fields"]
    assert data["message"]
    assert not Booking.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_body_that_is_not_json_is_a_400(frozen_now, as_member, room):
    response = as_member.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed"


def test_a_clash_is_a_409_with_the_times_the_web_page_would_offer(frozen_now, as_member, room):
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    other_room = SpaceFactory(venue=room.venue, name="Vestry")
    response = as_member.post(URL, body(room), format="json")
    assert response.status_code == 409
    data = response.json()
    assert data["code"] == "clash"
    assert "already booked" in data["message"]
    times = data["alternatives"]["times"]
    assert {"space": room.pk, "starts_at": "2027-01-05T09:00:00+00:00", "ends_at": TEN} in times
    assert {"space": room.pk, "starts_at": ELEVEN, "ends_at": "2027-01-05T12:00:00+00:00"} in times
    assert data["alternatives"]["spaces"] == [{"id": other_room.pk, "name": "Vestry"}]
    assert Booking.objects.count() == 1


def test_a_rule_refusal_is_a_400_with_the_services_sentence(frozen_now, as_member, room):
    response = as_member.post(
        URL,
        body(room, starts_at="2027-01-05T07:00:00Z", ends_at="2027-01-05T08:00:00Z"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert not Booking.objects.exists()


def test_a_retry_with_the_same_idempotency_key_returns_the_same_booking(
    frozen_now, as_member, room
):
    first = as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    again = as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_422(frozen_now, as_member, room):
    as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    response = as_member.post(
        URL, body(room, title="Something else"), format="json", HTTP_IDEMPOTENCY_KEY="abc-1"
    )
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Booking.objects.count() == 1


def test_idempotency_keys_are_each_members_own(frozen_now, as_member, as_other, room):
    as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = as_other.post(
        URL,
        body(room, starts_at=ELEVEN, ends_at="2027-01-05T12:00:00Z"),
        format="json",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert response.status_code == 201
    assert Booking.objects.count() == 2


def test_a_refused_booking_leaves_its_idempotency_key_free_to_retry(frozen_now, as_member, room):
    taken = BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    assert (
        as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 409
    )
    taken.status = Booking.Status.CANCELLED
    taken.save()
    assert (
        as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="k").status_code == 201
    )


def test_an_unusable_idempotency_key_is_a_400(frozen_now, as_member, room):
    response = as_member.post(URL, body(room), format="json", HTTP_IDEMPOTENCY_KEY="x" * 300)
    assert response.status_code == 400
    assert not Booking.objects.exists()


def test_my_bookings_lists_only_mine(frozen_now, as_member, member, room):
    mine = BookingFactory(space=room, booker=member)
    BookingFactory(space=room, starts_at=datetime(2027, 1, 6, 10, tzinfo=UTC))
    data = as_member.get(URL).json()
    assert data["count"] == 1
    assert [row["id"] for row in data["results"]] == [mine.pk]


def test_my_bookings_filter_by_status_and_reject_a_bad_filter(frozen_now, as_member, member, room):
    BookingFactory(space=room, booker=member, status=Booking.Status.CANCELLED)
    assert as_member.get(URL, {"status": "confirmed"}).json()["count"] == 0
    assert as_member.get(URL, {"status": "cancelled"}).json()["count"] == 1
    response = as_member.get(URL, {"status": "maybe"})
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_another_members_booking_is_a_404(frozen_now, as_other, member, room):
    booking = BookingFactory(space=room, booker=member)
    for url in (f"{URL}{booking.pk}/",):
        assert as_other.get(url).status_code == 404
    for action in ("cancel", "move", "approve", "decline"):
        response = as_other.post(
            f"{URL}{booking.pk}/{action}/",
            {"starts_at": TEN, "ends_at": ELEVEN, "reason": "x"},
            format="json",
        )
        assert response.status_code == 404, action
        assert response.json()["code"] == "not_found"
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_the_booker_cancels_their_booking(frozen_now, as_member, member, room):
    booking = BookingFactory(space=room, booker=member)
    response = as_member.post(
        f"{URL}{booking.pk}/cancel/", {"reason": "Plans changed"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert Booking.objects.get().cancellation_reason == "Plans changed"


def test_cancelling_is_post_only(frozen_now, as_member, member, room):
    booking = BookingFactory(space=room, booker=member)
    assert as_member.get(f"{URL}{booking.pk}/cancel/").status_code == 405


def test_the_booker_moves_their_booking_and_a_clash_offers_other_times(
    frozen_now, as_member, member, room
):
    booking = BookingFactory(space=room, booker=member)
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 14, tzinfo=UTC))
    moved = as_member.post(
        f"{URL}{booking.pk}/move/",
        {"starts_at": "2027-01-05T12:00:00Z", "ends_at": "2027-01-05T13:00:00Z"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["starts_at"] == "2027-01-05T12:00:00+00:00"
    clash = as_member.post(
        f"{URL}{booking.pk}/move/",
        {"starts_at": "2027-01-05T14:00:00Z", "ends_at": "2027-01-05T15:00:00Z"},
        format="json",
    )
    assert clash.status_code == 409
    assert clash.json()["alternatives"]["times"]
    assert Booking.objects.get(pk=booking.pk).starts_at == datetime(2027, 1, 5, 12, tzinfo=UTC)


def test_a_venues_managers_list_approve_and_decline_its_requests(
    frozen_now, as_manager, room, venue
):
    room.requires_approval = True
    room.save()
    first = BookingFactory(space=room, status=Booking.Status.PENDING)
    second = BookingFactory(
        space=room, status=Booking.Status.PENDING, starts_at=datetime(2027, 1, 6, 10, tzinfo=UTC)
    )
    listed = as_manager.get(f"/api/v1/venues/{venue.slug}/bookings/", {"status": "pending"})
    assert [row["id"] for row in listed.json()["results"]] == [first.pk, second.pk]
    assert (
        as_manager.post(f"{URL}{first.pk}/approve/", {}, format="json").json()["status"]
        == "confirmed"
    )
    no_reason = as_manager.post(f"{URL}{second.pk}/decline/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["fields"]
    declined = as_manager.post(f"{URL}{second.pk}/decline/", {"reason": "Closed"}, format="json")
    assert declined.json()["status"] == "declined"
    assert Booking.objects.get(pk=second.pk).decision_reason == "Closed"


def test_a_venues_bookings_are_a_404_to_a_member_and_to_another_venues_manager(
    frozen_now, venue, room
):
    BookingFactory(space=room)
    other_manager = MemberFactory()
    SpaceFactory().venue.managers.add(other_manager)
    for person in (MemberFactory(), other_manager):
        client = client_with_token(person)
        assert client.get(f"/api/v1/venues/{venue.slug}/bookings/").status_code == 404


@pytest.mark.parametrize(
    "day, offset",
    [
        ("2026-03-28", "+00:00"),
        ("2026-03-30", "+01:00"),
        ("2026-10-24", "+01:00"),
        ("2026-10-26", "+00:00"),
    ],
)
def test_times_carry_the_venues_offset_on_each_side_of_a_clock_change(member, room, day, offset):
    starts = datetime.fromisoformat(f"{day}T10:00:00{offset}")
    BookingFactory(space=room, booker=member, starts_at=starts)
    with time_machine.travel(datetime(2026, 3, 1, tzinfo=UTC), tick=False):
        data = client_with_token(member).get(URL).json()
    assert data["results"][0]["starts_at"] == f"{day}T10:00:00{offset}"
