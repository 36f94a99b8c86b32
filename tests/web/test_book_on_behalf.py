"""A manager books for a member who phoned or walked in: the same service and rules, recorded as
made by the manager, who may waive the notice and horizon but never an overlap or the seats."""

from datetime import timedelta

import pytest
from django.core import mail

from bookings.models import Booking
from bookings.services import BookingError, request_booking
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import OrganisationFactory, SpaceFactory

pytestmark = pytest.mark.django_db

URL = "/manage/venues/st-lukes/book/"


def form(room, **changes) -> dict:
    data = {
        "email": "freelancer@example.org",
        "organisation": "",
        "space": str(room.pk),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Walk-in",
        "purpose": "",
        "attendees": "2",
    }
    return data | changes


def test_a_manager_books_for_a_member_and_the_booking_says_who_made_it(
    frozen_now, client, manager, member, room, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, form(room))
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.booker, booking.made_by, booking.status) == (member, manager, "confirmed")
    assert [m.to for m in mail.outbox] == [[member.email]]
    page = client.get(booking.get_absolute_url()).content.decode()
    assert "by Mo Manager of the venue, on the booker's behalf" in page


def test_a_managers_booking_of_a_space_that_needs_approval_is_confirmed(
    frozen_now, client, manager, member, venue
):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    client.force_login(manager)
    assert client.post(URL, form(hall)).status_code == 302
    booking = Booking.objects.get()
    assert (booking.status, booking.decided_by) == ("confirmed", manager)


def test_the_notice_can_be_waived_and_the_booking_says_so(
    frozen_now, client, manager, member, venue
):
    kitchen = SpaceFactory(
        venue=venue, name="Kitchen", slug="kitchen", min_notice=timedelta(days=7)
    )
    client.force_login(manager)
    refused = client.post(URL, form(kitchen))
    assert refused.status_code == 400
    assert "needs 7 days notice" in refused.content.decode()
    assert not Booking.objects.exists()
    assert client.post(URL, form(kitchen, waive="on")).status_code == 302
    booking = Booking.objects.get()
    assert booking.waived_notice_and_horizon
    assert "The venue waived the notice" in client.get(booking.get_absolute_url()).content.decode()


def test_an_overlap_is_never_waived(frozen_now, client, manager, member, other_member, room):
    request_booking(
        booker=other_member, space=room, starts_at=at(10), ends_at=at(12), title="Taken", now=NOW
    )
    client.force_login(manager)
    page = client.post(URL, form(room, waive="on"))
    assert page.status_code == 400
    assert "already booked then" in page.content.decode()
    assert Booking.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "nobody@example.org"}, "No member has this email address"),
        ({"end_time": "09:00"}, "The booking must end after it starts."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_input_re_renders_with_the_message_and_writes_nothing(
    frozen_now, client, manager, member, room, changes, message
):
    client.force_login(manager)
    page = client.post(URL, form(room, **changes))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Booking.objects.exists()


def test_an_organisation_the_member_does_not_belong_to_is_refused(
    frozen_now, client, manager, member, room
):
    charity = OrganisationFactory(name="Ladywood Food Share")
    client.force_login(manager)
    page = client.post(URL, form(room, organisation=str(charity.pk)))
    assert page.status_code == 400
    assert "Fay Freelancer does not belong to Ladywood Food Share." in page.content.decode()


def test_only_the_venues_managers_may_book_on_behalf(
    frozen_now, client, member, other_member, room
):
    client.force_login(other_member)
    assert client.get(URL).status_code == 404
    with pytest.raises(BookingError, match="on someone else's behalf"):
        request_booking(
            booker=member,
            space=room,
            starts_at=at(10),
            ends_at=at(11),
            title="X",
            made_by=other_member,
            now=NOW,
        )
    with pytest.raises(BookingError, match="Only a venue manager can waive"):
        request_booking(
            booker=member,
            space=room,
            starts_at=at(10),
            ends_at=at(11),
            title="X",
            waive_notice_and_horizon=True,
            now=NOW,
        )
    assert not Booking.objects.exists()
