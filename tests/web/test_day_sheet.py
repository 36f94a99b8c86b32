"""The caretaker's day sheet (bookings.day_sheet) and the set-up notes and public-title flag a
booking carries (bookings.notes): managers only, in order, printable."""

import pytest

from bookings.models import Booking
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)
from tests.web.conftest import utc

pytestmark = pytest.mark.django_db
SHEET = "/manage/venues/st-lukes/day-sheet/"


@pytest.fixture
def day(venue, room, member):
    hall = SpaceFactory(venue=venue, name="Main hall", slug="main-hall", capacity=80)
    food = OrganisationFactory(name="Ladywood Food Share")
    BookingFactory(
        space=hall,
        booker=member,
        organisation=food,
        starts_at=utc(2027, 1, 5, 14),
        ends_at=utc(2027, 1, 5, 16),
        title="Community lunch",
        attendees=40,
        setup_notes="Six round tables, urn by the door",
    )
    BookingFactory(
        space=hall,
        booker=member,
        starts_at=utc(2027, 1, 5, 9),
        ends_at=utc(2027, 1, 5, 10),
        title="Toddler group",
        attendees=12,
    )
    BookingFactory(
        space=hall,
        starts_at=utc(2027, 1, 5, 11),
        ends_at=utc(2027, 1, 5, 12),
        title="Cancelled quiz",
        status=Booking.Status.CANCELLED,
    )
    BookingFactory(space=room, starts_at=utc(2027, 1, 6, 10), title="Another day")
    return hall


def test_a_manager_sees_each_rooms_bookings_in_order_with_notes(manager_client, day):
    response = manager_client.get(SHEET, {"date": "2027-01-05"})
    assert response.status_code == 200
    text = response.text
    assert "opens 09:00, closes 17:00" in text
    hall = text.split("Main hall</h2>")[1]
    assert hall.index("Toddler group") < hall.index("Community lunch")
    assert "14:00–16:00" in hall and "Ladywood Food Share" in hall and "Fay Freelancer" in hall
    assert "Six round tables, urn by the door" in hall and ">40<" in hall
    assert "Cancelled quiz" not in text and "Another day" not in text
    assert "52 people expected over the day" in text
    assert 'class="manage-links"' in text  # the manager's nav on the screen page


def test_the_print_version_has_no_navigation(manager_client, day):
    response = manager_client.get(SHEET, {"date": "2027-01-05", "print": "1"})
    assert response.status_code == 200
    assert "Day sheet for Tuesday 5 January 2027" in response.text
    assert "Community lunch" in response.text
    assert 'class="manage-links"' not in response.text and "site-header" not in response.text


def test_a_bad_date_says_so_and_shows_today(manager_client, day):
    response = manager_client.get(SHEET, {"date": "next tuesday"})
    assert response.status_code == 200
    assert "is not a date like" in response.text


def test_a_closed_day_says_closed(manager_client, db):
    venue = VenueFactory(name="Night Lab", slug="night-lab", open_every_day=False)
    OpeningHoursFactory(venue=venue, weekday=0)
    venue.managers.add(MemberFactory(email="n@example.org"))
    manager_client.force_login(venue.managers.get())
    response = manager_client.get("/manage/venues/night-lab/day-sheet/", {"date": "2027-01-05"})
    assert "closed all day" in response.text


@pytest.mark.parametrize("who", ["member", "other_manager"])
def test_nobody_else_sees_the_sheet(frozen_now, client, day, member, who):
    person = member
    if who == "other_manager":
        person = MemberFactory()
        VenueFactory(slug="beta").managers.add(person)
    client.force_login(person)
    response = client.get(SHEET, {"date": "2027-01-05"})
    assert response.status_code == 404
    assert "Six round tables" not in response.text


BOOK = "/venues/st-lukes/meeting-room/book/"


def book_data(**overrides) -> dict:
    return {
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Open coffee morning",
        "purpose": "",
        "activity": "",
        "attendees": "4",
        "organisation": "",
        "setup_notes": "  Chairs in a circle  ",
        "public_title": "on",
        "confirm": "1",
        "shown_price": "0.00",
    } | overrides


def test_the_booking_form_keeps_set_up_notes_and_the_public_flag(member_client, room):
    response = member_client.post(BOOK, book_data())
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.setup_notes, booking.public_title) == ("Chairs in a circle", True)


def test_too_long_notes_are_a_form_error_and_book_nothing(member_client, room):
    response = member_client.post(BOOK, book_data(setup_notes="x" * 2001))
    assert response.status_code == 200
    assert "at most 2000 characters" in response.text
    assert not Booking.objects.exists()


def test_the_change_form_edits_them_and_only_managers_see_the_notes(
    member_client, member, manager, room
):
    member_client.post(BOOK, book_data(public_title=""))
    booking = Booking.objects.get()
    change = {
        "space": str(room.pk),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": booking.title,
        "purpose": "",
        "activity": "",
        "attendees": "4",
        "setup_notes": "Projector, please",
        "public_title": "on",
    }
    response = member_client.post(f"/bookings/{booking.pk}/change/", change)
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.setup_notes, booking.public_title, booking.sequence) == (
        "Projector, please",
        True,
        0,  # nothing the calendar shows changed
    )
    assert "Projector, please" not in member_client.get(booking.get_absolute_url()).text
    member_client.force_login(manager)
    assert "Projector, please" in member_client.get(booking.get_absolute_url()).text


def test_a_refused_move_leaves_the_notes_as_they_were(member_client, member, room):
    member_client.post(BOOK, book_data())
    booking = Booking.objects.get()
    BookingFactory(space=room, starts_at=utc(2027, 1, 5, 14), ends_at=utc(2027, 1, 5, 15))
    change = {
        "space": str(room.pk),
        "date": "2027-01-05",
        "start_time": "14:00",
        "end_time": "15:00",
        "title": booking.title,
        "purpose": "",
        "activity": "",
        "attendees": "4",
        "setup_notes": "Something else",
        "public_title": "",
    }
    response = member_client.post(f"/bookings/{booking.pk}/change/", change)
    assert response.status_code == 400
    booking.refresh_from_db()
    assert (booking.setup_notes, booking.public_title) == ("Chairs in a circle", True)


def test_a_manager_booking_on_behalf_adds_set_up_notes(frozen_now, client, manager, member, room):
    client.force_login(manager)
    data = {
        "email": member.email,
        "organisation": "",
        "space": str(room.pk),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Walk-in",
        "purpose": "",
        "attendees": "2",
        "setup_notes": "Flip chart",
    }
    assert client.post("/manage/venues/st-lukes/book/", data).status_code == 302
    booking = Booking.objects.get()
    assert (booking.setup_notes, booking.public_title, booking.made_by) == (
        "Flip chart",
        False,
        manager,
    )
    assert "Flip chart" in client.get(SHEET, {"date": "2027-01-05"}).text
