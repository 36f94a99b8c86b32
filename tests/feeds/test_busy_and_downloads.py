from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from bookings.models import Booking
from feeds.models import FeedToken
from tests.factories import BookingFactory, MemberFactory, OrganisationFactory, SpaceFactory
from tests.feeds.conftest import ical_js, icalendar_events, iso, js_instants

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def bookings(member, room):
    organisation = OrganisationFactory(name="Secret Society")
    return [
        BookingFactory(
            space=room,
            booker=member,
            organisation=organisation,
            starts_at=NOW + timedelta(days=1),
            title="Confidential interview",
            purpose="Very private purpose",
        ),
        BookingFactory(
            space=room,
            booker=member,
            starts_at=NOW + timedelta(days=2),
            status=Booking.Status.PENDING,
            title="Pending thing",
        ),
        BookingFactory(
            space=room,
            booker=member,
            starts_at=NOW + timedelta(days=3),
            status=Booking.Status.CANCELLED,
            title="Gone",
        ),
    ]


def busy_space_url(room) -> str:
    return reverse(
        "feeds:busy_space", kwargs={"venue_slug": room.venue.slug, "space_slug": room.slug}
    )


def test_busy_feeds_are_404_unless_the_venue_publishes_busy_times(client, room, bookings):
    assert client.get(busy_space_url(room)).status_code == 404
    assert (
        client.get(reverse("feeds:busy_venue", kwargs={"venue_slug": room.venue.slug})).status_code
        == 404
    )


def test_busy_feed_says_booked_with_no_names_or_purposes(client, venue, room, bookings):
    venue.publish_busy_times = True
    venue.save()
    response = client.get(busy_space_url(room))
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    body = response.content
    for secret in (
        b"Confidential",
        b"private purpose",
        b"Secret Society",
        b"Fay",
        b"freelancer@",
        b"Pending thing",
        b"/bookings/",
    ):
        assert secret not in body
    events = icalendar_events(body)
    assert {str(e["SUMMARY"]) for e in events.values()} == {"Booked"}
    # Only times that are held: the cancelled booking is simply not busy.
    parsed = js_instants(ical_js(body))
    assert sorted(start for start, _end, _status in parsed.values()) == [
        iso(bookings[0].starts_at),
        iso(bookings[1].starts_at),
    ]
    assert not any(str(b.uid) + "@" in uid for b in bookings for uid in parsed)


def test_busy_venue_feed_covers_all_its_spaces(client, venue, room, bookings, member):
    venue.publish_busy_times = True
    venue.save()
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall")
    BookingFactory(space=hall, booker=member, starts_at=NOW + timedelta(days=1))
    body = client.get(reverse("feeds:busy_venue", kwargs={"venue_slug": venue.slug})).content
    assert body.count(b"BEGIN:VEVENT") == 3


def test_busy_feed_answers_304_to_its_etag(client, venue, room, bookings):
    venue.publish_busy_times = True
    venue.save()
    first = client.get(busy_space_url(room))
    assert (
        client.get(busy_space_url(room), headers={"If-None-Match": first["ETag"]}).status_code
        == 304
    )


# --- One booking as a file ----------------------------------------------------------------------


def test_the_booker_downloads_one_booking_as_ics(client, member, bookings):
    booking = bookings[0]
    client.force_login(member)
    response = client.get(reverse("feeds:booking_ics", kwargs={"pk": booking.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="booking-{booking.pk}.ics"'
    parsed = ical_js(response.content)
    assert parsed["method"] == "PUBLISH"
    assert js_instants(parsed) == {
        f"{booking.uid}@127.0.0.1": (iso(booking.starts_at), iso(booking.ends_at), "CONFIRMED")
    }


def test_a_venue_manager_downloads_a_booking_of_their_venue(client, manager, bookings):
    client.force_login(manager)
    assert (
        client.get(reverse("feeds:booking_ics", kwargs={"pk": bookings[0].pk})).status_code == 200
    )


def test_anyone_else_gets_404_for_a_booking_file(client, other_member, bookings):
    client.force_login(other_member)
    assert (
        client.get(reverse("feeds:booking_ics", kwargs={"pk": bookings[0].pk})).status_code == 404
    )
    assert client.get(reverse("feeds:booking_ics", kwargs={"pk": 999999})).status_code == 404
    client.logout()
    response = client.get(reverse("feeds:booking_ics", kwargs={"pk": bookings[0].pk}))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The "Add to calendar" include ----------------------------------------------------------------


def render_include(user, booking) -> str:
    request = RequestFactory().get(f"/bookings/{booking.pk}/")
    request.user = user
    return Template('{% include "feeds/_add_to_calendar.html" %}').render(
        Context({"booking": booking, "request": request})
    )


def test_add_to_calendar_offers_the_file_and_a_button_to_make_a_feed(member, bookings):
    html = render_include(member, bookings[0])
    assert reverse("feeds:booking_ics", kwargs={"pk": bookings[0].pk}) in html
    assert 'name="feed" value="member:"' in html
    assert reverse("feeds:mine") in html
    for app in ("Google Calendar", "Outlook", "Apple Calendar"):
        assert app in html


def test_add_to_calendar_shows_webcal_and_https_links_once_the_member_has_a_feed(member, bookings):
    token = FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER)
    html = render_include(member, bookings[0])
    assert f"webcal://127.0.0.1:8000/feeds/{token.token}.ics" in html
    assert f"http://127.0.0.1:8000/feeds/{token.token}.ics" in html
    assert 'name="feed" value="member:"' not in html


def test_add_to_calendar_never_shows_a_managers_own_feed_to_someone_else(bookings):
    stranger = MemberFactory()
    FeedToken.objects.create(owner=bookings[0].booker, scope=FeedToken.Scope.MEMBER)
    html = render_include(stranger, bookings[0])
    assert "/feeds/" not in html.replace(reverse("feeds:mine"), "")


def test_the_booking_page_offers_add_to_calendar_and_its_button_makes_the_feed(
    client, member, bookings
):
    client.force_login(member)
    page = client.get(reverse("bookings:detail", kwargs={"pk": bookings[0].pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("feeds:booking_ics", kwargs={"pk": bookings[0].pk}) in html
    response = client.post(
        reverse("feeds:create"), {"feed": "member:", "next": f"/bookings/{bookings[0].pk}/"}
    )
    assert response["Location"] == f"/bookings/{bookings[0].pk}/"
    token = FeedToken.objects.get(owner=member)
    html = client.get(reverse("bookings:detail", kwargs={"pk": bookings[0].pk})).content.decode()
    assert f"webcal://127.0.0.1:8000/feeds/{token.token}.ics" in html
