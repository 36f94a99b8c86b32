"""The change page: a member moves their booking or renames it; a taken time is refused with the
reason and what is free instead, and nothing changes; others get a 404."""

import pytest

from bookings.models import Booking
from bookings.services import request_booking
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import SpaceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(frozen_now, member, room):
    return request_booking(
        booker=member,
        space=room,
        starts_at=at(10),
        ends_at=at(11),
        title="Portfolio review",
        now=NOW,
    )


def url(booking: Booking) -> str:
    return f"/bookings/{booking.pk}/change/"


def change(booking: Booking, **changes) -> dict:
    data = {
        "space": str(booking.space_id),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": booking.title,
        "purpose": "",
        "activity": "",
        "attendees": str(booking.attendees),
    }
    return data | changes


def test_the_booker_moves_it_to_a_free_time(client, member, booking):
    client.force_login(member)
    response = client.post(url(booking), change(booking, start_time="14:00", end_time="15:30"))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.starts_at, booking.ends_at, booking.sequence) == (at(14), at(15, 30), 1)


def test_a_taken_time_is_refused_with_what_is_free_instead_and_nothing_changes(
    client, member, other_member, booking, room, venue
):
    request_booking(
        booker=other_member, space=room, starts_at=at(14), ends_at=at(16), title="Taken", now=NOW
    )
    SpaceFactory(venue=venue, name="Studio", slug="studio")
    client.force_login(member)
    page = client.post(
        url(booking), change(booking, start_time="14:00", end_time="15:00", title="Renamed")
    )
    assert page.status_code == 400
    text = page.content.decode()
    assert "Meeting room is already booked then. Try another time." in text
    assert "Free instead" in text
    assert "13:00–14:00" in text  # the nearest free hour in the same room
    assert "Studio" in text  # free at the wanted time
    booking.refresh_from_db()
    assert (booking.starts_at, booking.title, booking.sequence) == (at(10), "Portfolio review", 0)


def test_it_renames_without_moving(client, member, booking):
    client.force_login(member)
    assert client.post(url(booking), change(booking, title="Quarterly review")).status_code == 302
    booking.refresh_from_db()
    assert (booking.title, booking.starts_at) == ("Quarterly review", at(10))


def test_the_booking_page_offers_the_change_to_its_booker(client, member, booking):
    client.force_login(member)
    assert f'href="{url(booking)}"' in client.get(booking.get_absolute_url()).content.decode()


def test_another_member_gets_a_404_and_a_manager_may_change_it(
    client, other_member, manager, booking
):
    client.force_login(other_member)
    assert client.get(url(booking)).status_code == 404
    client.force_login(manager)
    assert (
        client.post(url(booking), change(booking, start_time="12:00", end_time="13:00")).status_code
        == 302
    )
    booking.refresh_from_db()
    assert booking.starts_at == at(12)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"date": "2027-02-30"}, "Enter a valid date."),
        ({"end_time": "09:00"}, "The booking must end after it starts."),
        ({"title": ""}, "This field is required."),
        ({"space": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_re_renders_with_the_message_and_changes_nothing(
    client, member, booking, changes, message
):
    client.force_login(member)
    page = client.post(url(booking), change(booking, **changes))
    assert page.status_code == 400
    assert message in page.content.decode()
    booking.refresh_from_db()
    assert booking.sequence == 0


def test_a_space_of_another_venue_is_not_offered(client, member, booking):
    other = SpaceFactory(name="Elsewhere room")
    client.force_login(member)
    page = client.post(url(booking), change(booking, space=str(other.pk)))
    assert page.status_code == 400
    assert "Select a valid choice." in page.content.decode()


def test_the_page_needs_a_login(client, booking):
    assert client.get(url(booking)).status_code == 302


def test_the_number_of_people_changes_within_the_space_capacity(client, member, booking):
    client.force_login(member)
    assert client.post(url(booking), change(booking, attendees="5")).status_code == 302
    booking.refresh_from_db()
    assert booking.attendees == 5
    page = client.post(url(booking), change(booking, attendees="7"))
    assert page.status_code == 400
    assert "Meeting room holds at most 6 people." in page.content.decode()
    booking.refresh_from_db()
    assert booking.attendees == 5
