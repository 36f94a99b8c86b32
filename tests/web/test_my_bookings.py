import re

from bookings.models import Booking
from tests.factories import BookingFactory, SpaceFactory, VenueFactory
from tests.web.conftest import utc


def test_my_bookings_needs_a_login(client, db):
    assert client.get("/bookings/").url == "/accounts/login/?next=/bookings/"


def test_my_bookings_has_a_friendly_empty_state(member_client):
    response = member_client.get("/bookings/")
    assert response.status_code == 200
    assert "You have nothing booked yet." in response.text
    assert 'href="/venues/"' in response.text


def test_my_bookings_splits_upcoming_and_past_and_shows_only_mine(
    member_client, member, other_member, room
):
    BookingFactory(space=room, booker=member, title="Next week", starts_at=utc(2027, 1, 11, 10))
    BookingFactory(space=room, booker=member, title="Last month", starts_at=utc(2026, 12, 1, 10))
    BookingFactory(
        space=room,
        booker=member,
        title="Called off",
        starts_at=utc(2027, 1, 12, 10),
        status="cancelled",
    )
    BookingFactory(
        space=room, booker=other_member, title="Not mine", starts_at=utc(2027, 1, 13, 10)
    )
    response = member_client.get("/bookings/")
    upcoming = [row.record.title for row in response.context["upcoming"].rows]
    past = [row.record.title for row in response.context["past"].rows]
    assert upcoming == ["Next week"]
    assert past == ["Called off", "Last month"]
    assert "Not mine" not in response.text
    assert "Mon 11 Jan 2027, 10:00–11:00" in response.text
    assert "Cancelled" in response.text
    # A way to cancel only for the active upcoming one, and it never cancels from the list.
    next_week = Booking.objects.get(title="Next week")
    assert response.text.count('#cancel"') == 1
    assert f'href="/bookings/{next_week.pk}/#cancel"' in response.text
    assert 'action="/bookings/' not in response.text


def test_cancel_in_the_list_leads_to_the_booking_page_cancel_form_and_cancels_nothing(
    member_client, member, room
):
    booking = BookingFactory(
        space=room, booker=member, title="Choir", starts_at=utc(2027, 1, 11, 10)
    )
    listed = member_client.get("/bookings/").text
    assert f'href="/bookings/{booking.pk}/#cancel"' in listed
    assert 'method="post"' not in listed.split("<main", 1)[1]
    page = member_client.get(f"/bookings/{booking.pk}/").text
    # The link's target: a form that says what cancelling does, asks for an optional reason and
    # needs its own button press.
    assert 'id="cancel"' in page and f'action="/bookings/{booking.pk}/cancel/"' in page
    assert "Reason (optional)" in page and "This cannot be undone." in page
    assert ">Cancel booking</button>" in page and "Keep the booking" in page
    booking.refresh_from_db()
    assert booking.status == "confirmed"


def test_each_table_region_is_named_by_its_own_heading(member_client, member, room):
    BookingFactory(space=room, booker=member, title="Soon", starts_at=utc(2027, 1, 11, 10))
    BookingFactory(space=room, booker=member, title="Gone", starts_at=utc(2026, 12, 1, 10))
    text = member_client.get("/bookings/").text
    assert '<h2 id="upcoming-heading">' in text and '<h2 id="past-heading">' in text
    assert text.count('role="region" aria-labelledby="upcoming-heading"') == 1
    assert text.count('role="region" aria-labelledby="past-heading"') == 1
    assert 'aria-label="Table"' not in text


def test_my_bookings_shows_times_in_each_venue_zone(member_client, member):
    away = SpaceFactory(venue=VenueFactory(slug="nyc", time_zone="America/New_York"), slug="loft")
    BookingFactory(space=away, booker=member, starts_at=utc(2027, 1, 11, 15))
    response = member_client.get("/bookings/")
    assert "Mon 11 Jan 2027, 10:00–11:00 (America/New_York)" in response.text


def test_my_bookings_are_paginated_and_sortable(member_client, member, room):
    for day in range(11, 23):
        BookingFactory(
            space=room, booker=member, title=f"Day {day}", starts_at=utc(2027, 1, day, 10)
        )
    response = member_client.get("/bookings/")
    assert len(response.context["upcoming"].page.object_list) == 10
    assert "upcoming-page=2" in response.text
    response = member_client.get("/bookings/?upcoming-sort=-when")
    assert response.context["upcoming"].page.object_list.data[0].title == "Day 22"
    response = member_client.get("/bookings/?upcoming-page=2")
    assert [row.record.title for row in response.context["upcoming"].page.object_list] == [
        "Day 21",
        "Day 22",
    ]
    assert (
        member_client.get("/bookings/?upcoming-page=banana&past-sort=nonsense").status_code == 200
    )


def test_the_table_does_not_grow_queries_with_rows(
    member_client, member, room, django_assert_max_num_queries
):
    for day in range(11, 21):
        BookingFactory(space=room, booker=member, starts_at=utc(2027, 1, day, 10))
    with django_assert_max_num_queries(10):
        member_client.get("/bookings/")
    assert Booking.objects.count() == 10


def test_a_cancelled_or_declined_future_booking_is_not_listed_as_coming_up(
    member_client, member, room
):
    BookingFactory(space=room, booker=member, title="On", starts_at=utc(2027, 1, 11, 10))
    BookingFactory(
        space=room,
        booker=member,
        title="Called off",
        starts_at=utc(2027, 1, 12, 10),
        status="cancelled",
    )
    BookingFactory(
        space=room,
        booker=member,
        title="Turned down",
        starts_at=utc(2027, 1, 13, 10),
        status="declined",
    )
    response = member_client.get("/bookings/")
    assert [row.record.title for row in response.context["upcoming"].rows] == ["On"]
    assert [row.record.title for row in response.context["past"].rows] == [
        "Turned down",
        "Called off",
    ]
    text = response.text
    assert "Past, cancelled or declined" in text
    assert re.search(r'<tr [^>]*class="[^"]*\bbooking-cancelled\b', text)
    assert re.search(r'<tr [^>]*class="[^"]*\bbooking-declined\b', text)
    past_part = text.split('id="past-heading"', 1)[1]
    assert '<span class="status status-cancelled">Cancelled</span>' in past_part
    assert '<span class="status status-declined">Declined</span>' in past_part
    upcoming_part = text.split('id="past-heading"', 1)[0]
    assert "Called off" not in upcoming_part and "Turned down" not in upcoming_part
