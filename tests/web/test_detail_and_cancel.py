import pytest

from bookings.models import Booking
from tests.factories import BookingFactory, MemberFactory, SpaceFactory, VenueFactory
from tests.web.conftest import utc


@pytest.fixture
def booking(room, member):
    return BookingFactory(
        space=room, booker=member, title="Planning", purpose="Quarterly plan", attendees=3
    )


def test_the_booker_sees_the_whole_booking(member_client, booking):
    response = member_client.get(f"/bookings/{booking.pk}/")
    assert response.status_code == 200
    text = response.text
    assert "Planning" in text and "Quarterly plan" in text and "Tue 5 Jan 2027, 10:00–11:00" in text
    assert "feeds/_add_to_calendar.html" in [t.name for t in response.templates]
    assert response.context["booking"] == booking
    assert f'action="/bookings/{booking.pk}/cancel/"' in text


def test_a_manager_of_the_venue_sees_the_booking(manager_client, booking):
    response = manager_client.get(f"/bookings/{booking.pk}/")
    assert response.status_code == 200
    assert "freelancer@example.org" in response.text


def test_another_member_booking_is_a_404(client, booking, other_member, frozen_now):
    client.force_login(other_member)
    assert client.get(f"/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/bookings/{booking.pk}/cancel/").status_code == 404
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_a_manager_of_another_venue_cannot_see_the_booking(client, booking, frozen_now):
    elsewhere = MemberFactory()
    VenueFactory(slug="elsewhere").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(f"/bookings/{booking.pk}/").status_code == 404


def test_an_unknown_booking_is_a_404(member_client, db):
    assert member_client.get("/bookings/999999/").status_code == 404


def test_detail_and_cancel_need_a_login(client, booking):
    assert client.get(f"/bookings/{booking.pk}/").url.startswith("/accounts/login/?next=")
    assert client.post(f"/bookings/{booking.pk}/cancel/").url.startswith("/accounts/login/?next=")
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_cancel_is_post_only(member_client, booking):
    assert member_client.get(f"/bookings/{booking.pk}/cancel/").status_code == 405
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_the_booker_cancels_with_a_reason(member_client, booking, mailoutbox):
    response = member_client.post(
        f"/bookings/{booking.pk}/cancel/", {"reason": "Rained off"}, follow=True
    )
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Rained off")
    assert response.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    assert "Cancelled: Planning" in response.text
    assert "Cancel this booking" not in response.text


def test_cancel_returns_to_my_bookings_when_asked_and_never_off_site(
    member_client, booking, room, member
):
    response = member_client.post(f"/bookings/{booking.pk}/cancel/", {"next": "/bookings/"})
    assert response.url == "/bookings/"
    other = BookingFactory(space=room, booker=member, starts_at=utc(2027, 1, 6, 10))
    response = member_client.post(
        f"/bookings/{other.pk}/cancel/", {"next": "https://evil.example/"}
    )
    assert response.url == f"/bookings/{other.pk}/"


def test_a_refused_cancel_shows_the_reason_and_changes_nothing(member_client, member, room):
    started = BookingFactory(space=room, booker=member, starts_at=utc(2027, 1, 4, 7, 30))
    response = member_client.post(f"/bookings/{started.pk}/cancel/", follow=True)
    assert "already started" in response.text
    started.refresh_from_db()
    assert started.status == "confirmed"
    cancelled = BookingFactory(
        space=room, booker=member, starts_at=utc(2027, 1, 7, 10), status="cancelled"
    )
    response = member_client.post(f"/bookings/{cancelled.pk}/cancel/", follow=True)
    assert "already cancelled" in response.text
    assert Booking.objects.filter(status="cancelled").count() == 1


def test_no_cancel_form_for_a_past_booking(member_client, member, room):
    past = BookingFactory(space=room, booker=member, starts_at=utc(2026, 12, 1, 10))
    response = member_client.get(f"/bookings/{past.pk}/")
    assert "Cancel this booking" not in response.text


def test_the_detail_names_a_foreign_time_zone(member_client, member):
    space = SpaceFactory(venue=VenueFactory(slug="nyc", time_zone="America/New_York"), slug="loft")
    booking = BookingFactory(space=space, booker=member, starts_at=utc(2027, 1, 11, 15))
    assert (
        "Mon 11 Jan 2027, 10:00–11:00 (America/New_York)"
        in member_client.get(f"/bookings/{booking.pk}/").text
    )


def test_a_cancel_reason_that_is_too_long_changes_nothing(member_client, booking):
    response = member_client.post(
        f"/bookings/{booking.pk}/cancel/", {"reason": "x" * 1001}, follow=True
    )
    assert "at most 1000 characters" in response.text
    booking.refresh_from_db()
    assert booking.status == "confirmed"
