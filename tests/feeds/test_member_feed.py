from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from bookings.models import Booking
from spaces.models import Space, Venue
from tests.factories import BookingFactory, SpaceFactory
from tests.feeds.conftest import ical_js, icalendar_events, iso, js_instants, uid_of

# 1 March 2026: both Europe/London changes of 2026 (29 March, 25 October) are inside the window.
SPRING = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(SPRING, tick=False) as traveller:
        yield traveller


def feed(client, token, **headers):
    return client.get(reverse("feeds:token_feed", kwargs={"token": token.token}), headers=headers)


@pytest.fixture
def dst_bookings(member, room):
    """Bookings around both DST changes, including the hour that happens twice in October."""
    return [
        # 00:30–01:30 UTC on 29 March: 00:30 GMT to 02:30 BST on the wall clock.
        BookingFactory(
            space=room,
            booker=member,
            starts_at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
            title="Spring",
        ),
        BookingFactory(
            space=room,
            booker=member,
            starts_at=datetime(2026, 3, 29, 9, tzinfo=UTC),
            title="Spring day",
        ),
        # 00:30–01:30 UTC on 25 October: 01:30 BST to 01:30 GMT; then 01:30–02:30 GMT, the wall clock repeating.
        BookingFactory(
            space=room,
            booker=member,
            starts_at=datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            title="Autumn",
        ),
        BookingFactory(
            space=room,
            booker=member,
            starts_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            title="Autumn 2",
        ),
        BookingFactory(
            space=room,
            booker=member,
            starts_at=datetime(2026, 10, 26, 9, tzinfo=UTC),
            title="After",
        ),
    ]


def test_member_feed_lists_each_booking_once_at_the_right_instants_in_icalendar(
    client, clock, member_token, dst_bookings
):
    response = feed(client, member_token)
    assert response.status_code == 200
    events = icalendar_events(response.content)
    assert set(events) == {uid_of(b) for b in dst_bookings}
    for booking in dst_bookings:
        event = events[uid_of(booking)]
        assert event.start == booking.starts_at
        assert event.end == booking.ends_at
        assert event.start.tzinfo is not None and event.start.utcoffset() == timedelta(0)


def test_member_feed_reads_the_same_in_ical_js_across_both_dst_changes(
    client, clock, member_token, dst_bookings
):
    parsed = ical_js(feed(client, member_token).content)
    assert parsed["method"] == "PUBLISH"
    assert parsed["name"] == "My bookings (Commonshare)"
    assert js_instants(parsed) == {
        uid_of(b): (iso(b.starts_at), iso(b.ends_at), "CONFIRMED") for b in dst_bookings
    }


def test_feed_has_the_calendar_properties_clients_need(client, clock, member_token, dst_bookings):
    body = feed(client, member_token).content
    text = body.decode()
    for line in (
        "VERSION:2.0",
        "PRODID:-//Commonshare//Calendar feeds//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME;VALUE=TEXT:My bookings (Commonshare)",
        "NAME;VALUE=TEXT:My bookings (Commonshare)",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
    ):
        assert f"\r\n{line}\r\n" in text, line
    assert "X-WR-TIMEZONE" not in text
    assert "VTIMEZONE" not in text
    # CRLF everywhere, lines folded at 75 octets.
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_each_event_carries_full_details_and_a_link_back(client, clock, member_token, member, room):
    booking = BookingFactory(
        space=room,
        booker=member,
        starts_at=datetime(2026, 3, 10, 10, tzinfo=UTC),
        title="Board meeting",
        purpose="Quarterly accounts, and a long purpose that needs folding across more than one line of the feed.",
        sequence=3,
    )
    event = icalendar_events(feed(client, member_token).content)[uid_of(booking)]
    assert str(event["SUMMARY"]) == "Board meeting"
    assert "Meeting room, St Luke's, 1 Ladywood Road, Birmingham" in str(event["LOCATION"])
    assert "Quarterly accounts" in str(event["DESCRIPTION"])
    assert str(event["URL"]) == f"http://127.0.0.1:8000/bookings/{booking.pk}/"
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    booking.refresh_from_db()
    assert booking.updated_at.replace(microsecond=0) == event.DTSTAMP
    assert event.last_modified == booking.updated_at.replace(microsecond=0)


def test_pending_is_tentative_and_cancelled_and_declined_stay_as_cancelled(
    client, clock, member_token, member, room
):
    pending = BookingFactory(
        space=room,
        booker=member,
        status=Booking.Status.PENDING,
        starts_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
    )
    cancelled = BookingFactory(
        space=room,
        booker=member,
        status=Booking.Status.CANCELLED,
        starts_at=datetime(2026, 3, 3, 10, tzinfo=UTC),
    )
    declined = BookingFactory(
        space=room,
        booker=member,
        status=Booking.Status.DECLINED,
        starts_at=datetime(2026, 3, 4, 10, tzinfo=UTC),
    )
    body = feed(client, member_token).content
    statuses = {uid: status for uid, (_s, _e, status) in js_instants(ical_js(body)).items()}
    assert statuses == {
        uid_of(pending): "TENTATIVE",
        uid_of(cancelled): "CANCELLED",
        uid_of(declined): "CANCELLED",
    }


def test_feed_holds_only_the_window_and_only_the_members_bookings(
    client, clock, member_token, member, other_member, room
):
    inside = BookingFactory(space=room, booker=member, starts_at=SPRING - timedelta(days=29))
    BookingFactory(space=room, booker=member, starts_at=SPRING - timedelta(days=40))
    BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=400))
    BookingFactory(space=room, booker=other_member, starts_at=SPRING + timedelta(days=1))
    assert set(icalendar_events(feed(client, member_token).content)) == {uid_of(inside)}


def test_window_follows_the_feed_days_settings(client, clock, member_token, member, room, settings):
    settings.FEED_DAYS_BACK = 1
    settings.FEED_DAYS_AHEAD = 7
    near = BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=6))
    BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=9))
    BookingFactory(space=room, booker=member, starts_at=SPRING - timedelta(days=3))
    assert set(icalendar_events(feed(client, member_token).content)) == {uid_of(near)}


def test_feed_costs_the_same_number_of_queries_however_many_bookings(
    client, clock, member_token, member, django_assert_num_queries
):
    space = SpaceFactory()
    BookingFactory(space=space, booker=member, starts_at=SPRING + timedelta(days=1))
    # The poll, the shared cache's copy (none), the validators, the bookings, last used.
    with django_assert_num_queries(5):
        feed(client, member_token)
    for day in range(2, 40):
        BookingFactory(
            space=SpaceFactory(),
            booker=member,
            starts_at=SPRING + timedelta(days=day),
            organisation=None,
        )
    with django_assert_num_queries(4):  # the same, last used already written this hour
        body = feed(client, member_token).content
    assert body.count(b"BEGIN:VEVENT") == 39


def test_response_is_uncompressed_text_calendar_with_polite_caching(
    client, clock, member_token, dst_bookings
):
    response = feed(client, member_token, **{"Accept-Encoding": "gzip, deflate, br"})
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert not response.has_header("Content-Encoding")
    assert "private" in response["Cache-Control"] and "max-age=900" in response["Cache-Control"]
    assert response.has_header("ETag") and response.has_header("Last-Modified")
    assert Calendar.from_ical(response.content)  # the body is the plain calendar


def test_a_matching_etag_gets_304_and_any_change_a_new_etag(
    client, clock, member_token, dst_bookings
):
    first = feed(client, member_token)
    again = feed(client, member_token, **{"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    booking = dst_bookings[0]
    clock.shift(timedelta(minutes=1))
    booking.title = "Renamed"
    booking.save()
    changed = feed(client, member_token, **{"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert b"Renamed" in changed.content


def test_renaming_the_venue_or_a_space_gives_the_feed_a_new_etag_and_the_new_names(
    client, clock, member_token, dst_bookings
):
    first = feed(client, member_token)
    space = dst_bookings[0].space
    clock.shift(timedelta(minutes=1))
    space.venue.name = "St Luke's Community Hub"
    space.venue.save()
    renamed_venue = feed(client, member_token, **{"If-None-Match": first["ETag"]})
    assert renamed_venue.status_code == 200
    assert renamed_venue["ETag"] != first["ETag"]
    assert "St Luke's Community Hub" in renamed_venue.content.decode()

    clock.shift(timedelta(minutes=1))
    space.name = "Garden studio"
    space.save()
    renamed_space = feed(client, member_token, **{"If-None-Match": renamed_venue["ETag"]})
    assert renamed_space.status_code == 200
    assert "Garden studio" in renamed_space.content.decode()


def test_if_modified_since_gets_304_until_a_booking_changes(client, member_token, member, room):
    # The venue and space were last changed before all this.
    Venue.objects.update(updated_at=SPRING - timedelta(days=30))
    Space.objects.update(updated_at=SPRING - timedelta(days=30))
    with time_machine.travel(SPRING, tick=False):
        booking = BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=3))
    with time_machine.travel(SPRING + timedelta(hours=2), tick=False):
        first = feed(client, member_token)
        assert (
            feed(client, member_token, **{"If-Modified-Since": first["Last-Modified"]}).status_code
            == 304
        )
    with time_machine.travel(SPRING + timedelta(hours=3), tick=False):
        booking.title = "Moved"
        booking.save()
        assert (
            feed(client, member_token, **{"If-Modified-Since": first["Last-Modified"]}).status_code
            == 200
        )


def test_a_malformed_if_modified_since_is_ignored(client, clock, member_token, dst_bookings):
    for value in (
        "yesterday",
        "Mon, 99 Foo 2026 25:61:00 GMT",
        "",
        "0",
        "Sat, 01 Jan 10000 00:00:00 GMT",
    ):
        response = feed(client, member_token, **{"If-Modified-Since": value})
        assert response.status_code == 200, value


def test_a_feed_only_answers_get_and_head(client, clock, member_token):
    assert (
        client.post(reverse("feeds:token_feed", kwargs={"token": member_token.token})).status_code
        == 405
    )
    assert (
        client.head(reverse("feeds:token_feed", kwargs={"token": member_token.token})).status_code
        == 200
    )


def test_the_spliced_feed_is_exactly_what_icalendar_writes_for_the_whole_calendar(
    clock, member, room
):
    from bookings.ical import booking_event, new_calendar
    from feeds.builders import build_feed, feed_window, windowed
    from feeds.models import FeedToken
    from feeds.scopes import feed_for_token

    for day in range(1, 4):
        BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=day))
    feed = feed_for_token(FeedToken(owner=member, scope=FeedToken.Scope.MEMBER))
    window = feed_window(SPRING)
    whole = new_calendar(name=feed.name, key=feed.key, method="PUBLISH")
    shown = windowed(feed.bookings, window).filter(feed.shown).order_by("starts_at", "pk")
    for booking in shown.select_related("space__venue", "booker", "organisation"):
        whole.add_component(booking_event(booking))
    assert build_feed(feed, window) == whole.to_ical()  # cold
    assert build_feed(feed, window) == whole.to_ical()  # from the event cache


def test_a_renamed_venue_shows_in_the_next_full_fetch(client, clock, member_token, member, room):
    BookingFactory(space=room, booker=member, starts_at=SPRING + timedelta(days=1))
    assert b"St Luke's" in feed(client, member_token).content
    room.venue.name = "St Luke's Hub"
    room.venue.save()
    assert b"St Luke's Hub" in feed(client, member_token).content
