"""The django-scheduler mirror has one writer, the booking services, and always matches the
bookings: an active booking has an Event with its times, title and purpose on its space's
Calendar; a cancelled or declined one has none."""

import pytest
from schedule.models import Event

from bookings.models import Booking
from bookings.services import (
    approve_booking,
    cancel_booking,
    change_booking_details,
    decline_booking,
    move_booking,
)
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


def assert_mirror_matches_bookings() -> None:
    active = Booking.objects.active().select_related("space", "event")
    for booking in active:
        event = booking.event
        assert event is not None, booking
        assert (event.start, event.end) == (booking.starts_at, booking.ends_at)
        assert (event.title, event.description) == (booking.title, booking.purpose)
        assert event.calendar_id == booking.space.calendar_id
    assert not Booking.objects.exclude(status__in=Booking.ACTIVE_STATUSES).filter(
        event__isnull=False
    )
    assert Event.objects.count() == active.count()  # no orphans


def test_the_mirror_matches_after_create_move_edit_cancel_and_decline(
    book, room, venue, member, manager
):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    first = book(room, at(10), at(11), purpose="Monthly review")
    second = book(room, at(12), at(13))
    request = book(hall, at(10), at(12))
    other_request = book(hall, at(14), at(15))
    assert_mirror_matches_bookings()

    move_booking(booking=first, by=member, starts_at=at(14), ends_at=at(15), now=NOW)
    assert_mirror_matches_bookings()
    move_booking(booking=second, by=member, space=hall, starts_at=at(12), ends_at=at(13), now=NOW)
    assert_mirror_matches_bookings()

    change_booking_details(booking=first, by=manager, title="Quarterly review", purpose="")
    assert_mirror_matches_bookings()

    cancel_booking(booking=first, by=member, now=NOW)
    approve_booking(booking=request, by=manager, now=NOW)
    decline_booking(booking=other_request, by=manager, reason="The hall is being painted.", now=NOW)
    assert_mirror_matches_bookings()
    assert Event.objects.get(booking=request).title == "Planning meeting"


def test_a_title_edited_in_the_admin_reaches_the_mirror(book, room, admin_client):
    booking = book(room, at(10), at(11))
    response = admin_client.post(
        f"/admin/bookings/booking/{booking.pk}/change/",
        {"title": "Renamed in the admin", "purpose": "", "activity": ""},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.title == "Renamed in the admin"
    assert booking.sequence == 1
    assert_mirror_matches_bookings()


def test_the_schedulers_own_admin_cannot_edit_the_mirror(book, room, admin_client):
    booking = book(room, at(10), at(11))
    page = admin_client.get(f"/admin/schedule/event/{booking.event_id}/change/")
    assert page.status_code == 200
    assert b'name="title"' not in page.content  # shown, not editable
    refused = admin_client.post(
        f"/admin/schedule/event/{booking.event_id}/change/", {"title": "Edited behind its back"}
    )
    assert refused.status_code == 403
    assert admin_client.get("/admin/schedule/rule/").status_code == 404
    assert_mirror_matches_bookings()
