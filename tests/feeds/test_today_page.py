"""The today page on the screen in the hall (feeds.today, feeds.display_views): in use now and
next, free desks, opening hours; nothing personal; per venue; a revoked link is refused; a fixed
number of queries whatever the number of spaces."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from feeds.models import DisplayLink
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    DeskPoolFactory,
    DisplayLinkFactory,
    MemberFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

# Monday 4 January 2027, 10:30 in London (GMT: UTC is the wall clock).
HALF_PAST_TEN = datetime(2027, 1, 4, 10, 30, tzinfo=UTC)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, 4, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(HALF_PAST_TEN, tick=False):
        yield HALF_PAST_TEN


PEOPLE = [
    ("Fay Freelancer", "fay@example.org"),
    ("Otto Other", "otto@example.org"),
    ("Priya Patel", "priya@example.org"),
    ("Sam O'Neill", "sam@example.org"),
]
PRIVATE_TITLES = ["Fay's pitch to the bank", "Otto's appraisal"]


@pytest.fixture
def scene(db):
    """St Luke's: a meeting room in use (two bookings back to back), a hall free until a public
    lunch, a desk pool with two desks taken, a studio closed this morning; bookings by named
    members for a named organisation. And Beta Lab, with a booking of its own running now."""
    venue = VenueFactory(name="St Luke's", slug="st-lukes")
    people = [MemberFactory(display_name=name, email=email) for name, email in PEOPLE]
    food = OrganisationFactory(name="Ladywood Food Share")
    room = SpaceFactory(venue=venue, name="Meeting room", slug="meeting-room", capacity=8)
    hall = SpaceFactory(venue=venue, name="Main hall", slug="main-hall", capacity=80)
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    desks = DeskPoolFactory(venue=venue, name="Hot desks", slug="hot-desks", seats=5)
    BookingFactory(
        space=room,
        booker=people[0],
        organisation=food,
        starts_at=at(10),
        ends_at=at(11),
        title=PRIVATE_TITLES[0],
        public_title=False,
    )
    BookingFactory(
        space=room, booker=people[1], starts_at=at(11), ends_at=at(12), title=PRIVATE_TITLES[1]
    )
    BookingFactory(
        space=hall,
        booker=people[2],
        organisation=food,
        starts_at=at(14),
        ends_at=at(16),
        title="Community lunch",
        public_title=True,
        attendees=40,
    )
    for person in people[2:]:
        BookingFactory(space=desks, booker=person, starts_at=at(9), ends_at=at(17))
    # A cancelled booking holds nothing.
    BookingFactory(
        space=desks,
        booker=people[0],
        starts_at=at(9),
        ends_at=at(17),
        status=Booking.Status.CANCELLED,
    )
    ClosureFactory(venue=venue, space=studio, starts_at=at(9), ends_at=at(13), reason="Leak")
    other = VenueFactory(name="Beta Lab", slug="beta")
    beta_room = SpaceFactory(venue=other, name="Beta workshop", slug="workshop")
    BookingFactory(
        space=beta_room,
        booker=people[3],
        starts_at=at(10),
        ends_at=at(12),
        title="Beta secret",
        public_title=True,
    )
    other.display_public_titles = True
    other.save()
    return {
        "venue": venue,
        "other": other,
        "people": people,
        "link": DisplayLinkFactory(venue=venue, created_by=people[0]),
        "other_link": DisplayLinkFactory(venue=other, name="Beta screen", created_by=people[3]),
    }


def page(client, link: DisplayLink):
    return client.get(f"/display/{link.token}/")


def test_it_shows_what_is_in_use_now_next_and_free(clock, client, scene):
    response = page(client, scene["link"])
    assert response.status_code == 200
    text = response.text
    assert "Today at St Luke&#x27;s" in text
    assert "Open today: 09:00–17:00" in text
    # The meeting room: in use until the back-to-back booking ends; nothing else today.
    room = text.split("<h2>Meeting room</h2>")[1].split("</li>")[0]
    assert "In use until 12:00" in room and "Booked" in room
    assert "Nothing else booked today" in room
    hall = text.split("<h2>Main hall</h2>")[1].split("</li>")[0]
    assert "Free now until 14:00" in hall
    assert "Next: 14:00–16:00 Booked" in hall  # the venue shows no titles
    desks = text.split("<h2>Hot desks</h2>")[1].split("</li>")[0]
    assert "3 desks free of 5" in desks  # two taken; the cancelled one holds nothing
    studio = text.split("<h2>Studio</h2>")[1].split("</li>")[0]
    assert "Closed now" in studio and "Opens at 13:00" in studio
    assert 'data-refresh="60"' in text and "js/today.js" in text
    assert response["Cache-Control"] == "no-store"


def test_it_shows_no_personal_data_and_no_title_unless_both_allow(clock, client, scene):
    body = page(client, scene["link"]).text
    for name, email in PEOPLE:
        assert name not in body and name.replace("'", "&#x27;") not in body
        assert email not in body
    assert "Ladywood Food Share" not in body
    for title in [*PRIVATE_TITLES, "Community lunch"]:
        assert title not in body and title.replace("'", "&#x27;") not in body


def test_a_public_title_shows_only_when_the_venue_shows_titles(clock, client, scene):
    venue = scene["venue"]
    venue.display_public_titles = True
    venue.save()
    body = page(client, scene["link"]).text
    assert "Next: 14:00–16:00 Community lunch" in body  # marked public by its booker
    for title in PRIVATE_TITLES:  # not marked public: still "Booked"
        assert title not in body and title.replace("'", "&#x27;") not in body
    for name, email in PEOPLE:
        assert name not in body and email not in body


def test_a_link_shows_its_own_venue_only(clock, client, scene):
    ours = page(client, scene["link"]).text
    assert "Beta" not in ours
    theirs = page(client, scene["other_link"]).text
    assert "Beta workshop" in theirs and "Beta secret" in theirs  # public, and Beta shows titles
    for name in ("Meeting room", "Main hall", "Hot desks", "St Luke"):
        assert name not in theirs


def test_a_revoked_link_is_refused_with_a_message_and_writes_nothing(clock, client, scene):
    link = scene["link"]
    link.revoked_at = at(9)
    link.save()
    response = page(client, link)
    assert response.status_code == 410
    assert "revoked by the venue" in response.text
    assert "Meeting room" not in response.text
    link.refresh_from_db()
    assert link.last_used_at is None


@pytest.mark.parametrize("token", ["not-a-token-we-made", "bad%00token", "x" * 80])
def test_an_unknown_link_is_a_404_with_a_message(clock, client, scene, token):
    response = client.get(f"/display/{token}/")
    assert response.status_code == 404
    assert "not a display link" in response.text


def test_it_notes_when_the_screen_last_asked_at_most_every_few_minutes(client, scene):
    link = scene["link"]
    with time_machine.travel(HALF_PAST_TEN, tick=False):
        page(client, link)
    link.refresh_from_db()
    assert link.last_used_at == HALF_PAST_TEN
    with time_machine.travel(HALF_PAST_TEN + timedelta(minutes=1), tick=False):
        page(client, link)
    link.refresh_from_db()
    assert link.last_used_at == HALF_PAST_TEN


def test_it_is_read_only_for_writes(clock, client, scene):
    response = client.post(f"/display/{scene['link'].token}/")
    assert response.status_code == 405


def _queries(client, link) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert page(client, link).status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_the_spaces(clock, client, scene):
    link = scene["link"]
    page(client, link)  # last_used_at written once; later asks within minutes do not write
    few = _queries(client, link)
    venue = scene["venue"]
    for n in range(6):
        space = SpaceFactory(venue=venue, name=f"Room {n}", slug=f"room-{n}")
        BookingFactory(space=space, starts_at=at(10), ends_at=at(11))
        BookingFactory(space=space, starts_at=at(15), ends_at=at(16))
        ClosureFactory(venue=venue, space=space, starts_at=at(16), ends_at=at(17))
    pool = DeskPoolFactory(venue=venue, name="More desks", slug="more-desks", seats=3)
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(12))
    assert _queries(client, link) == few
    assert few <= 7  # the link, the spaces, 4 of opening hours and closures, the bookings


def test_the_log_filter_blanks_display_tokens_out_of_request_lines(scene):
    import logging

    from feeds.logging import RedactFeedTokens

    token = scene["link"].token
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /display/{token}/ HTTP/1.1", 200, 900),
        None,
    )
    assert RedactFeedTokens().filter(record)
    assert record.getMessage() == '"GET /display/[token]/ HTTP/1.1" 200 900'
