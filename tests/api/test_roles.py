"""Each role through the API: the permission module's answers, as on the pages."""

import json
from datetime import UTC, datetime

import pytest
from django.db import OperationalError

from bookings.models import Booking
from config.errors import server_error
from tests.api.conftest import client_with_token
from tests.factories import BookingFactory, MemberFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/bookings/"


def test_a_venues_manager_reads_moves_and_cancels_a_members_booking(
    frozen_now, as_manager, member, room
):
    booking = BookingFactory(space=room, booker=member)
    assert as_manager.get(f"{URL}{booking.pk}/").json()["booker"] == member.display_name
    moved = as_manager.post(
        f"{URL}{booking.pk}/move/",
        {"starts_at": "2027-01-05T13:00:00Z", "ends_at": "2027-01-05T14:00:00Z"},
        format="json",
    )
    assert moved.status_code == 200
    cancelled = as_manager.post(f"{URL}{booking.pk}/cancel/", {"reason": "Flood"}, format="json")
    assert cancelled.json()["status"] == "cancelled"
    assert Booking.objects.get().cancelled_by.pk != member.pk


def test_staff_see_every_venues_bookings(frozen_now, room):
    BookingFactory(space=room)
    staff = MemberFactory(is_staff=True, is_superuser=True)
    response = client_with_token(staff).get(f"/api/v1/venues/{room.venue.slug}/bookings/")
    assert response.json()["count"] == 1


def test_a_booker_cannot_approve_their_own_request(frozen_now, as_member, member, room):
    booking = BookingFactory(space=room, booker=member, status=Booking.Status.PENDING)
    assert as_member.post(f"{URL}{booking.pk}/approve/", {}, format="json").status_code == 404
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_a_request_whose_start_has_passed_can_only_be_declined(frozen_now, as_manager, room):
    booking = BookingFactory(
        space=room, status=Booking.Status.PENDING, starts_at=datetime(2027, 1, 4, 7, tzinfo=UTC)
    )
    response = as_manager.post(f"{URL}{booking.pk}/approve/", {}, format="json")
    assert response.status_code == 400
    assert "declined" in response.json()["message"]
    assert Booking.objects.get().status == Booking.Status.PENDING


def test_a_booker_cannot_cancel_once_it_has_started(frozen_now, as_member, member, room):
    booking = BookingFactory(
        space=room, booker=member, starts_at=datetime(2027, 1, 4, 7, 30, tzinfo=UTC)
    )
    response = as_member.post(f"{URL}{booking.pk}/cancel/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "refused"
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_a_booking_is_shown_in_its_own_venues_zone(member):
    space = SpaceFactory(venue=VenueFactory(time_zone="America/New_York"))
    BookingFactory(space=space, booker=member, starts_at=datetime(2027, 1, 5, 15, tzinfo=UTC))
    row = client_with_token(member).get(URL).json()["results"][0]
    assert row["starts_at"] == "2027-01-05T10:00:00-05:00"


def test_an_unknown_api_address_is_a_json_404(anonymous):
    response = anonymous.get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize(
    "fault, status, code",
    [(RuntimeError("boom"), 500, "server_error"), (OperationalError("gone"), 503, "unavailable")],
)
def test_a_fault_under_the_api_is_answered_in_its_shape(rf, fault, status, code):
    try:
        raise fault
    except type(fault):
        response = server_error(rf.get("/api/v1/bookings/"))
    assert response.status_code == status
    assert json.loads(response.content)["code"] == code
    if status == 503:
        assert response["Retry-After"]
    try:
        raise fault
    except type(fault):
        page = server_error(rf.get("/venues/"))
    assert page["Content-Type"].startswith("text/html")
