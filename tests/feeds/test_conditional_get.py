"""Conditional GET: a client's copy is current exactly when it gets a 304, whether it revalidates
with If-None-Match or with If-Modified-Since alone."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.http import parse_http_date

from bookings.models import Booking
from bookings.services import cancel_booking
from tests.factories import BookingFactory, SpaceFactory

NOW = datetime(2026, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def published(venue):
    venue.publish_busy_times = True
    venue.save()
    return venue


def busy_urls(room) -> list[str]:
    return [
        reverse(
            "feeds:busy_space", kwargs={"venue_slug": room.venue.slug, "space_slug": room.slug}
        ),
        reverse("feeds:busy_venue", kwargs={"venue_slug": room.venue.slug}),
    ]


@pytest.mark.parametrize("feed", ["space", "venue"])
def test_cancelling_the_newest_booking_moves_a_busy_feeds_last_modified_forward(
    client, clock, published, room, member, feed
):
    url = dict(zip(["space", "venue"], busy_urls(room), strict=True))[feed]
    BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    clock.shift(timedelta(hours=1))
    newest = BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=2))
    first = client.get(url)
    assert first.content.count(b"BEGIN:VEVENT") == 2
    clock.shift(timedelta(hours=1))
    cancel_booking(booking=newest, by=member)
    # The client revalidates with If-Modified-Since alone: it must get the new feed.
    after = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert after.status_code == 200
    assert after.content.count(b"BEGIN:VEVENT") == 1
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(first["Last-Modified"])
    assert after["ETag"] != first["ETag"]
    # Nothing changed since: 304 either way.
    assert client.get(url, headers={"If-Modified-Since": after["Last-Modified"]}).status_code == 304
    assert client.get(url, headers={"If-None-Match": after["ETag"]}).status_code == 304


def test_a_busy_feeds_validators_stand_still_while_nothing_changes(
    client, clock, published, room, member
):
    BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    (url, _venue) = busy_urls(room)
    first = client.get(url)
    clock.shift(timedelta(hours=3))
    again = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 304
    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])


def test_a_change_to_a_booking_the_busy_feed_does_not_show_leaves_its_etag_alone(
    client, clock, published, room, member
):
    BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    gone = BookingFactory(
        space=room, booker=member, starts_at=NOW + timedelta(days=2), status="cancelled"
    )
    (url, _venue) = busy_urls(room)
    first = client.get(url)
    clock.shift(timedelta(hours=1))
    gone.title = "Renamed, still cancelled"
    gone.save()
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


def test_a_busy_feed_of_another_space_is_not_moved_by_this_spaces_bookings(
    client, clock, published, room, member
):
    other = SpaceFactory(venue=room.venue, name="Hall", slug="hall")
    booking = BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))
    url = reverse(
        "feeds:busy_space", kwargs={"venue_slug": other.venue.slug, "space_slug": other.slug}
    )
    first = client.get(url)
    clock.shift(timedelta(hours=1))
    cancel_booking(booking=booking, by=member)
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304


# --- One booking as a file ----------------------------------------------------------------------


@pytest.fixture
def booking(member, room):
    return BookingFactory(space=room, booker=member, starts_at=NOW + timedelta(days=1))


def booking_file(client, booking, **headers):
    return client.get(reverse("feeds:booking_ics", kwargs={"pk": booking.pk}), headers=headers)


def test_a_booking_file_has_an_etag_and_a_last_modified(client, clock, member, booking):
    client.force_login(member)
    response = booking_file(client, booking)
    assert response.status_code == 200
    assert response["ETag"].startswith('"') and response["ETag"].endswith('"')
    assert parse_http_date(response["Last-Modified"]) == int(booking.updated_at.timestamp())
    assert "private" in response["Cache-Control"]


def test_a_booking_file_answers_304_to_its_etag_or_its_date(client, clock, member, booking):
    client.force_login(member)
    first = booking_file(client, booking)
    for headers in (
        {"If-None-Match": first["ETag"]},
        {"If-None-Match": f'"other", W/{first["ETag"]}'},
        {"If-Modified-Since": first["Last-Modified"]},
    ):
        response = booking_file(client, booking, **headers)
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert response["Last-Modified"] == first["Last-Modified"]


def test_a_changed_booking_file_is_sent_again_with_new_validators(
    client, clock, member, booking, venue
):
    client.force_login(member)
    first = booking_file(client, booking)
    clock.shift(timedelta(hours=1))
    booking.status = Booking.Status.CANCELLED
    booking.sequence += 1
    booking.save()
    for headers in (
        {"If-None-Match": first["ETag"]},
        {"If-Modified-Since": first["Last-Modified"]},
    ):
        response = booking_file(client, booking, **headers)
        assert response.status_code == 200, headers
        assert b"STATUS:CANCELLED" in response.content
        assert response["ETag"] != first["ETag"]
    # A renamed venue changes the file's LOCATION: the file's validators move too.
    current = booking_file(client, booking)
    clock.shift(timedelta(hours=1))
    venue.name = "St Luke's Hub"
    venue.save()
    response = booking_file(client, booking, **{"If-None-Match": current["ETag"]})
    assert response.status_code == 200 and b"St Luke's Hub" in response.content
    response = booking_file(client, booking, **{"If-Modified-Since": current["Last-Modified"]})
    assert response.status_code == 200


def test_a_booking_files_304_still_needs_the_right_member(client, clock, other_member, booking):
    client.force_login(other_member)
    assert booking_file(client, booking, **{"If-None-Match": "*"}).status_code == 404
