"""The waiting-list pages: the week's taken slot and the booking form's refusal offer the list;
joining from the form; the list on My bookings with "Leave the list"; the claim page (the slot,
its price and "Book it"), and what a used, expired or another member's link answers."""

import secrets

import pytest

from bookings.models import Booking, WaitlistEntry
from tests.factories import BookingFactory, MemberFactory, WaitlistEntryFactory
from tests.web.conftest import utc

TEN, ELEVEN = utc(2027, 1, 5, 10), utc(2027, 1, 5, 11)
FORM = {"date": "2027-01-05", "start_time": "10:00", "end_time": "11:00", "title": "Trustees"}


def book_url(space) -> str:
    return f"/venues/{space.venue.slug}/{space.slug}/book/"


def join_url(space) -> str:
    return f"/venues/{space.venue.slug}/{space.slug}/waitlist/join/"


def offer(space, member, **kwargs) -> WaitlistEntry:
    return WaitlistEntryFactory(
        space=space,
        member=member,
        title="Trustees",
        state=WaitlistEntry.State.OFFERED,
        offer_token=secrets.token_urlsafe(32),
        offer_expires_at=utc(2027, 1, 4, 10),
        **kwargs,
    )


def test_a_taken_slot_of_the_week_links_to_the_booking_form_with_the_waiting_list(
    member_client, room, other_member
):
    BookingFactory(space=room, booker=other_member, starts_at=TEN, ends_at=ELEVEN)
    week = member_client.get(f"/venues/st-lukes/{room.slug}/?week=2027-01-04").text
    link = f"{book_url(room)}?start=2027-01-05T10%3A00&amp;end=2027-01-05T10%3A30"
    assert link in week
    assert "join the waiting list for Tuesday 5 January, 10:00" in week
    form = member_client.get(f"{book_url(room)}?start=2027-01-05T10:00&end=2027-01-05T10:30")
    assert "Join the waiting list for this time" in form.text
    assert join_url(room) in form.text


def test_a_free_time_on_the_booking_form_does_not_offer_the_list(member_client, room):
    form = member_client.get(f"{book_url(room)}?start=2027-01-05T10:00&end=2027-01-05T11:00")
    assert "Join the waiting list" not in form.text


def test_the_refusal_of_a_taken_time_offers_the_waiting_list(member_client, room, other_member):
    BookingFactory(space=room, booker=other_member, starts_at=TEN, ends_at=ELEVEN)
    response = member_client.post(book_url(room), {**FORM, "attendees": "2"})
    assert "already booked" in response.text
    assert "Join the waiting list for this time" in response.text


def test_joining_from_the_form_lists_the_entry_on_my_bookings(member_client, room, other_member):
    BookingFactory(space=room, booker=other_member, starts_at=TEN, ends_at=ELEVEN)
    response = member_client.post(join_url(room), {**FORM, "attendees": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == "/bookings/"
    assert "You are on the waiting list for Meeting room" in response.text
    entry = WaitlistEntry.objects.get()
    assert (entry.title, entry.attendees, entry.starts_at, entry.state) == (
        "Trustees",
        2,
        TEN,
        "waiting",
    )
    assert "Waiting lists" in response.text and "Leave the list" in response.text


def test_joining_twice_or_for_a_free_time_is_a_form_error_and_writes_nothing(
    member_client, room, other_member
):
    free = member_client.post(join_url(room), {**FORM, "attendees": "1"})
    assert free.status_code == 400 and "is free then" in free.text
    assert not WaitlistEntry.objects.exists()
    BookingFactory(space=room, booker=other_member, starts_at=TEN, ends_at=ELEVEN)
    member_client.post(join_url(room), {**FORM, "attendees": "1"})
    again = member_client.post(join_url(room), {**FORM, "attendees": "1"})
    assert again.status_code == 400 and "already on the waiting list" in again.text
    assert WaitlistEntry.objects.count() == 1


def test_joining_needs_a_post_and_a_login(client, room):
    assert client.get(join_url(room)).status_code == 405
    response = client.post(join_url(room), FORM)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not WaitlistEntry.objects.exists()


def test_leaving_the_list(member_client, room, member):
    entry = WaitlistEntryFactory(space=room, member=member)
    response = member_client.post(f"/waitlist/{entry.pk}/leave/", follow=True)
    assert "You have left the waiting list" in response.text
    entry.refresh_from_db()
    assert entry.state == "withdrawn"
    assert "Leave the list" not in response.text


def test_another_members_entry_cannot_be_left(member_client, room, other_member):
    entry = WaitlistEntryFactory(space=room, member=other_member)
    assert member_client.post(f"/waitlist/{entry.pk}/leave/").status_code == 404
    entry.refresh_from_db()
    assert entry.state == "waiting"


def test_the_claim_page_shows_the_slot_and_books_it_once(
    member_client, room, member, django_capture_on_commit_callbacks
):
    entry = offer(room, member)
    page = member_client.get(f"/waitlist/claim/{entry.offer_token}/")
    assert page.status_code == 200
    assert "Tue 5 Jan 2027, 10:00–11:00" in page.text and "Book it" in page.text
    shown = page.context["booking"].price
    with django_capture_on_commit_callbacks(execute=True):
        booked = member_client.post(
            f"/waitlist/claim/{entry.offer_token}/", {"shown_price": str(shown)}, follow=True
        )
    booking = Booking.objects.get()
    assert booked.redirect_chain[-1][0] == booking.get_absolute_url()
    assert "It came free from the waiting list" in booked.text
    again = member_client.post(f"/waitlist/claim/{entry.offer_token}/", {"shown_price": "0"})
    assert again.status_code == 410 and "has been used" in again.text
    assert Booking.objects.count() == 1


def test_a_claim_link_of_another_member_shows_nothing_of_the_slot(member_client, room):
    entry = offer(room, MemberFactory(), purpose="Secret agenda")
    response = member_client.get(f"/waitlist/claim/{entry.offer_token}/")
    assert response.status_code == 403
    assert "sent to another member" in response.text and "Trustees" not in response.text
    posted = member_client.post(f"/waitlist/claim/{entry.offer_token}/", {"shown_price": "0"})
    assert posted.status_code == 403
    assert not Booking.objects.exists()


def test_an_expired_claim_link_says_so(member_client, room, member):
    entry = offer(room, member)
    entry.offer_expires_at = utc(2027, 1, 4, 7)
    entry.save()
    response = member_client.post(f"/waitlist/claim/{entry.offer_token}/", {"shown_price": "0"})
    assert response.status_code == 410 and "has expired" in response.text
    assert not Booking.objects.exists()


def test_a_claim_of_a_time_taken_meanwhile_is_refused_with_nothing_booked(
    member_client, room, member, other_member
):
    entry = offer(room, member)
    BookingFactory(space=room, booker=other_member, starts_at=TEN, ends_at=ELEVEN)
    response = member_client.post(f"/waitlist/claim/{entry.offer_token}/", {"shown_price": "0"})
    assert response.status_code == 409 and "already booked" in response.text
    assert "Book it" not in response.text
    assert Booking.objects.count() == 1
    entry.refresh_from_db()
    assert entry.state == "offered"


def test_an_unknown_claim_link_is_a_404_page(member_client):
    response = member_client.get("/waitlist/claim/nothing-like-it/")
    assert response.status_code == 404 and "not one we sent" in response.text


@pytest.mark.parametrize("path", ["/waitlist/claim/x/"])
def test_the_claim_page_needs_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_offer_on_my_bookings_links_to_its_claim_page(member_client, room, member):
    entry = offer(room, member)
    page = member_client.get("/bookings/").text
    assert entry.claim_url in page and "Free: claim it" in page
    assert "until Mon 4 Jan, 10:00" in page


def test_a_claim_at_a_price_other_than_the_one_shown_shows_the_new_price_and_books_nothing(
    member_client, room, member
):
    entry = offer(room, member)
    response = member_client.post(f"/waitlist/claim/{entry.offer_token}/", {"shown_price": "5.00"})
    assert response.status_code == 200
    assert "Nothing is booked yet: check it again." in response.text and "Book it" in response.text
    assert not Booking.objects.exists()
    entry.refresh_from_db()
    assert entry.state == "offered"


def test_leaving_needs_a_post(member_client, room, member):
    entry = WaitlistEntryFactory(space=room, member=member)
    assert member_client.get(f"/waitlist/{entry.pk}/leave/").status_code == 405
    entry.refresh_from_db()
    assert entry.state == "waiting"
