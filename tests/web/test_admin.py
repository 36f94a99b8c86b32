import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from bookings.models import Booking
from tests.factories import BookingFactory, ClosureFactory, MemberFactory


@pytest.fixture
def staff_client(client, frozen_now, db):
    client.force_login(MemberFactory(is_staff=True, is_superuser=True))
    return client


def test_every_admin_list_and_form_renders(staff_client, room, approval_room):
    ClosureFactory(venue=room.venue)
    booking = BookingFactory(space=room)
    for url in [
        "/admin/spaces/venue/",
        f"/admin/spaces/venue/{room.venue.pk}/change/",
        "/admin/spaces/space/",
        f"/admin/spaces/space/{room.pk}/change/",
        "/admin/spaces/closure/",
        "/admin/spaces/calendarimport/",
        "/admin/spaces/unavailability/",
        "/admin/bookings/booking/",
        f"/admin/bookings/booking/{booking.pk}/change/",
        "/admin/bookings/booking/?status__exact=confirmed",
        "/admin/members/member/",
        "/admin/members/organisation/",
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_bookings_cannot_be_added_or_retimed_in_the_admin(staff_client, room):
    booking = BookingFactory(space=room)
    assert staff_client.get("/admin/bookings/booking/add/").status_code == 403
    form = (
        staff_client.get(f"/admin/bookings/booking/{booking.pk}/change/").context["adminform"].form
    )
    assert (
        "starts_at" not in form.fields
        and "status" not in form.fields
        and "space" not in form.fields
    )


def test_admin_actions_go_through_the_booking_services(staff_client, approval_room):
    waiting = BookingFactory(space=approval_room, status="pending")
    other = BookingFactory(space=approval_room, status="pending", starts_at=waiting.ends_at)
    staff_client.post(
        "/admin/bookings/booking/", {"action": "approve", ACTION_CHECKBOX_NAME: [waiting.pk]}
    )
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and waiting.decided_by is not None
    # Approving twice is refused by the service, with its message.
    response = staff_client.post(
        "/admin/bookings/booking/",
        {"action": "approve", ACTION_CHECKBOX_NAME: [waiting.pk]},
        follow=True,
    )
    assert "already been decided" in response.text
    # Decline first asks for a reason, and does nothing without one.
    response = staff_client.post(
        "/admin/bookings/booking/", {"action": "decline", ACTION_CHECKBOX_NAME: [other.pk]}
    )
    assert "Why decline" in response.text
    staff_client.post(
        "/admin/bookings/booking/",
        {"action": "decline", "confirm": "1", "reason": " ", ACTION_CHECKBOX_NAME: [other.pk]},
    )
    other.refresh_from_db()
    assert other.status == "pending"
    staff_client.post(
        "/admin/bookings/booking/",
        {"action": "decline", "confirm": "1", "reason": "Full", ACTION_CHECKBOX_NAME: [other.pk]},
    )
    other.refresh_from_db()
    assert (other.status, other.decision_reason) == ("declined", "Full")
    staff_client.post(
        "/admin/bookings/booking/", {"action": "cancel", ACTION_CHECKBOX_NAME: [waiting.pk]}
    )
    waiting.refresh_from_db()
    assert waiting.status == "cancelled"


def test_a_staff_manager_sees_only_the_bookings_of_their_venues(client, frozen_now, room, manager):
    from django.contrib.auth.models import Permission

    manager.is_staff = True
    manager.save()
    manager.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_booking", "change_booking"])
    )
    mine = BookingFactory(space=room)
    BookingFactory(title="Elsewhere")
    client.force_login(manager)
    response = client.get("/admin/bookings/booking/")
    assert list(response.context["cl"].queryset) == [mine]
    assert Booking.objects.count() == 2
