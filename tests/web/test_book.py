import time_machine

from bookings.models import Booking
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
)
from tests.web.conftest import utc

BOOK = "/venues/st-lukes/meeting-room/book/"


def form_data(**overrides) -> dict:
    data = {
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "title": "Planning",
        "purpose": "",
        "activity": "",
        "attendees": "4",
        "organisation": "",
        # The check step's "Book", with the price it showed (these rooms have no rate).
        "confirm": "1",
        "shown_price": "0.00",
    }
    data.update(overrides)
    return data


def test_booking_needs_a_login(client, room):
    response = client.get(BOOK)
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={BOOK}"
    client.post(BOOK, form_data())
    assert not Booking.objects.exists()


def test_the_form_is_prefilled_from_a_grid_slot(member_client, room):
    response = member_client.get(BOOK, {"start": "2027-01-05T10:00", "end": "2027-01-05T10:30"})
    assert response.status_code == 200
    assert 'value="2027-01-05"' in response.text
    assert 'value="10:00"' in response.text and 'value="10:30"' in response.text


def test_a_garbage_slot_link_shows_an_empty_form_with_a_message(member_client, room):
    response = member_client.get(BOOK, {"start": "yesterday-ish", "end": "2027-99-99T99:99"})
    assert response.status_code == 200
    assert "could not be read" in response.text


def test_a_member_books_a_free_slot_and_sees_it_confirmed(member_client, member, room):
    response = member_client.post(BOOK, form_data(activity="learning"), follow=True)
    booking = Booking.objects.get()
    assert response.redirect_chain[-1][0] == f"/bookings/{booking.pk}/"
    assert (booking.starts_at, booking.ends_at) == (utc(2027, 1, 5, 10), utc(2027, 1, 5, 11))
    assert (booking.booker, booking.status, booking.attendees, booking.activity) == (
        member,
        "confirmed",
        4,
        "learning",
    )
    assert "Booked: Meeting room, Tue 5 Jan 2027, 10:00–11:00. It is confirmed." in response.text


def test_a_space_that_needs_approval_holds_the_time_and_says_so(member_client, approval_room):
    response = member_client.post("/venues/st-lukes/main-hall/book/", form_data(), follow=True)
    assert Booking.objects.get().status == "pending"
    assert (
        "A manager of St Luke&#x27;s will decide; the time is held for you until then."
        in response.text
    )


def test_times_are_read_in_the_venue_time_zone(member_client, room):
    room.venue.time_zone = "America/New_York"
    room.venue.save()
    member_client.post(BOOK, form_data(start_time="10:00", end_time="11:00"))
    assert Booking.objects.get().starts_at == utc(2027, 1, 5, 15)


def test_bad_input_re_renders_with_errors_and_saves_nothing(member_client, room):
    cases = {
        "end_time": form_data(end_time="09:00"),
        "date": form_data(date="2027-02-30"),
        "date ": form_data(date="0001-01-01"),
        "start_time": form_data(start_time="ten o'clock"),
        "title": form_data(title="   "),
        "attendees": form_data(attendees="0"),
        "activity": form_data(activity="knitting"),
        "organisation": form_data(organisation="999"),
    }
    for field, data in cases.items():
        response = member_client.post(BOOK, data)
        assert response.status_code == 200, field
        assert response.context["form"].errors.get(field.strip()), field
        assert "error-summary" in response.text
    assert not Booking.objects.exists()


def test_a_rule_the_service_enforces_becomes_a_form_error(member_client, room):
    response = member_client.post(BOOK, form_data(attendees="7"))
    assert response.context["form"].errors["attendees"] == ["Meeting room holds at most 6 people."]
    response = member_client.post(BOOK, form_data(start_time="10:10", end_time="11:10"))
    assert "start and end on 30 min steps" in response.context["form"].errors["start_time"][0]
    response = member_client.post(BOOK, form_data(start_time="07:00", end_time="08:00"))
    assert "is not open for all of that time" in response.context["form"].errors["start_time"][0]
    assert not Booking.objects.exists()


def test_a_clash_is_a_form_error_and_nothing_is_saved(member_client, room):
    BookingFactory(space=room, starts_at=utc(2027, 1, 5, 10, 30), ends_at=utc(2027, 1, 5, 11, 30))
    response = member_client.post(BOOK, form_data())
    assert response.context["form"].non_field_errors() == [
        "Meeting room is already booked then. Try another time."
    ]
    assert Booking.objects.count() == 1


def test_a_closure_is_a_form_error(member_client, room):
    ClosureFactory(
        venue=room.venue,
        starts_at=utc(2027, 1, 5, 9),
        ends_at=utc(2027, 1, 5, 12),
        reason="Boiler repair",
    )
    response = member_client.post(BOOK, form_data())
    assert "Boiler repair" in response.context["form"].errors["start_time"][0]
    assert not Booking.objects.exists()


def test_only_the_member_organisations_can_be_chosen(member_client, member, room):
    mine = OrganisationFactory(name="Ladywood Choir")
    OrganisationMembershipFactory(organisation=mine, member=member)
    theirs = OrganisationFactory(name="Someone Else Ltd")
    response = member_client.get(BOOK)
    assert "Ladywood Choir" in response.text and "Someone Else Ltd" not in response.text
    response = member_client.post(BOOK, form_data(organisation=str(theirs.pk)))
    assert response.context["form"].errors["organisation"]
    assert not Booking.objects.exists()
    member_client.post(BOOK, form_data(organisation=str(mine.pk)))
    assert Booking.objects.get().organisation == mine


def test_a_time_skipped_by_the_spring_change_is_a_form_error(client, member, night_room):
    with time_machine.travel(utc(2026, 3, 20, 12), tick=False):
        client.force_login(member)
        response = client.post(
            "/venues/night-lab/night-room/book/",
            form_data(date="2026-03-29", start_time="01:30", end_time="02:30"),
        )
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "01:30 does not exist on 29 March 2026 in Europe/London: the clocks go forward then."
    ]
    assert not Booking.objects.exists()


def test_an_autumn_time_that_happens_twice_books_the_first_and_says_so(client, member, night_room):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        client.force_login(member)
        response = client.post(
            "/venues/night-lab/night-room/book/",
            form_data(date="2026-10-25", start_time="01:30", end_time="02:30"),
            follow=True,
        )
    booking = Booking.objects.get()
    # 01:30 BST is 00:30 UTC; 02:30 (after the change, GMT) is 02:30 UTC: two real hours.
    assert (booking.starts_at, booking.ends_at) == (
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 25, 2, 30),
    )
    assert "01:30 happens twice on 25 October 2026 in Europe/London" in response.text
    assert "we booked the first 01:30 (BST" in response.text


POOL_BOOK = "/venues/st-lukes/hot-desks/book/"


def test_a_desk_pool_form_says_one_desk_per_booking_instead_of_asking_how_many(
    member_client, pool, room
):
    text = member_client.get(POOL_BOOK).text
    assert "One desk per booking; each person books their own." in text
    assert "How many people" not in text and "At most" not in text
    assert '<input type="hidden" name="attendees" value="1"' in text
    room_form = member_client.get(BOOK).text
    assert "How many people" in room_form and "At most 6 people." in room_form


def test_a_desk_pool_booking_is_for_one_person_whatever_the_form_sends(member_client, member, pool):
    member_client.post(POOL_BOOK, form_data(attendees="4"))
    assert Booking.objects.get().attendees == 1


def test_a_second_desk_at_the_same_time_is_a_form_error_and_nothing_is_saved(
    member_client, member, pool
):
    member_client.post(POOL_BOOK, form_data())
    response = member_client.post(POOL_BOOK, form_data(start_time="10:30", end_time="12:00"))
    assert response.status_code == 200
    assert response.context["form"].errors["start_time"] == [
        "You already have a desk in Hot desks for some of that time (from Tue 5 Jan 2027 10:00 "
        "to 11:00). One desk per person: each person books their own."
    ]
    assert Booking.objects.count() == 1
