"""Every feed, file and invitation is strictly valid iCalendar, even when names, titles and purposes
hold the characters TEXT values must escape (`,` `;` `\\` and newlines), and both parsers read
those values back exactly."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from bookings.ical import build_invitation
from bookings.services import request_booking
from feeds.models import FeedToken
from feeds.services import create_feed_token
from members.models import OrganisationMembership
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)
from tests.feeds.conftest import ical_js, text_lint

HOSTILE = 'a, b; c\\d\nline two "quoted"'
TITLE = f"Hot desks, Hub; {HOSTILE}"
START = NOW.replace(hour=10) + timedelta(days=1)


@pytest.fixture
def world(db, frozen_now):
    booker = MemberFactory(email="ann@example.org", display_name=f"Ann, B; \\{HOSTILE}")
    manager = MemberFactory(email="mo@example.org", display_name="Mo, Manager;")
    venue = VenueFactory(
        name=f"St Luke's, Ladywood; {HOSTILE}",
        slug="st-lukes",
        address="1 Ladywood Road; Unit 2\nBirmingham, West Mids",
        publish_busy_times=True,
    )
    venue.managers.add(manager)
    space = SpaceFactory(venue=venue, name=f"Hot desks, Hub; {HOSTILE}", slug="hot-desks")
    organisation = OrganisationFactory(name=f"Food, Bank; {HOSTILE}", slug="food-bank")
    OrganisationMembershipFactory(
        organisation=organisation, member=booker, role=OrganisationMembership.Role.ADMIN
    )
    booking = BookingFactory(
        space=space,
        booker=booker,
        organisation=organisation,
        starts_at=START,
        title=TITLE,
        purpose=f"Purpose, with; {HOSTILE}",
    )
    return {
        "booker": booker,
        "manager": manager,
        "venue": venue,
        "space": space,
        "organisation": organisation,
        "booking": booking,
    }


def _token_url(token: FeedToken) -> str:
    return reverse("feeds:token_feed", kwargs={"token": token.token})


def every_document(client, world) -> dict[str, bytes]:
    """Each kind of iCalendar document Commonshare writes, about the hostile booking."""
    booker, manager, venue, space = (world[k] for k in ("booker", "manager", "venue", "space"))
    Scope = FeedToken.Scope
    tokens = {
        "member": create_feed_token(owner=booker, scope=Scope.MEMBER),
        "organisation": create_feed_token(
            owner=booker, scope=Scope.ORGANISATION, target_id=world["organisation"].pk
        ),
        "venue": create_feed_token(owner=manager, scope=Scope.VENUE, target_id=venue.pk),
        "space": create_feed_token(owner=manager, scope=Scope.SPACE, target_id=space.pk),
    }
    documents = {kind: client.get(_token_url(token)).content for kind, token in tokens.items()}
    documents["busy venue"] = client.get(
        reverse("feeds:busy_venue", kwargs={"venue_slug": venue.slug})
    ).content
    documents["busy space"] = client.get(
        reverse("feeds:busy_space", kwargs={"venue_slug": venue.slug, "space_slug": space.slug})
    ).content
    client.force_login(booker)
    documents["booking file"] = client.get(
        reverse("feeds:booking_ics", kwargs={"pk": world["booking"].pk})
    ).content
    return documents


def test_every_feed_file_and_invitation_escapes_every_text_value(
    client, world, django_capture_on_commit_callbacks
):
    documents = every_document(client, world)
    with django_capture_on_commit_callbacks(execute=True):
        booked = request_booking(
            booker=world["booker"],
            space=world["space"],
            starts_at=START + timedelta(days=1),
            ends_at=START + timedelta(days=1, hours=1),
            title=TITLE,
            purpose=f"Purpose, with; {HOSTILE}",
            now=NOW,
        )
    (message,) = mail.outbox
    (invitation, *_copies) = [
        part.get_payload(decode=True)
        for part in message.message().walk()
        if part.get_content_type() == "text/calendar"
    ]
    # The email library keeps text parts with bare \n in memory; SMTP sends them as CRLF.
    documents["invitation in the email"] = invitation.replace(b"\r\n", b"\n").replace(
        b"\n", b"\r\n"
    )
    documents["invitation"] = build_invitation(booked)
    for kind, body in documents.items():
        assert body.startswith(b"BEGIN:VCALENDAR"), kind
        assert text_lint(body) == [], kind


def test_both_parsers_read_the_names_titles_and_places_back_exactly(client, world):
    documents = every_document(client, world)
    booking, space, venue = world["booking"], world["space"], world["venue"]
    expected_names = {
        "member": "My bookings (Commonshare)",
        "organisation": f"{world['organisation'].name} bookings (Commonshare)",
        "venue": f"{venue.name} bookings (Commonshare)",
        "space": f"{space} bookings (Commonshare)",
        "busy venue": f"{venue.name}: busy times",
        "busy space": f"{space}: busy times",
        "booking file": TITLE,
    }
    for kind, name in expected_names.items():
        body = documents[kind]
        calendar = Calendar.from_ical(body)
        assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"]) == name, kind
        parsed = ical_js(body)
        assert parsed["name"] == parsed["rfc7986_name"] == name, kind
    parsed = ical_js(documents["member"])
    (event,) = parsed["events"]
    assert event["summary"] == TITLE
    assert event["location"].startswith(f"{space.name}, {venue.name}, 1 Ladywood Road; Unit 2")
    assert f"Purpose, with; {HOSTILE}" in event["description"]
    (busy,) = ical_js(documents["busy space"])["events"]
    assert busy["location"] == f"{space.name}, {venue.name}"
    (managed,) = ical_js(documents["venue"])["events"]
    assert managed["summary"] == f"{TITLE} ({world['organisation'].name})"
    assert booking.booker.display_name in managed["description"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"SUMMARY:a, b", "unescaped ','"),
        (b"SUMMARY:a; b", "unescaped ';'"),
        (b"NAME:a\\b", "bare backslash"),
        (b"X-WR-CALNAME;VALUE=TEXT:end\\", "bare backslash"),
        (b"DESCRIPTION:tab\tok\x07bell", "control character"),
    ],
)
def test_the_lint_catches_each_unescaped_text_value(body, problem):
    document = b"BEGIN:VCALENDAR\r\n" + body + b"\r\nEND:VCALENDAR\r\n"
    (found,) = text_lint(document)
    assert problem in found


def test_the_lint_passes_escaped_values_folded_lines_and_non_text_properties():
    document = (
        b"BEGIN:VCALENDAR\r\n"
        b"SUMMARY:a\\, b\\; c\\\\ d\\nlong\r\n  folded\r\n"
        b'ATTENDEE;CN="Ann, B; C":mailto:ann@example.org\r\n'
        b"RRULE:FREQ=WEEKLY;BYDAY=MO,TU\r\n"
        b"X-PUBLISHED-TTL:PT1H\r\n"
        b"END:VCALENDAR\r\n"
    )
    assert text_lint(document) == []
    assert text_lint(document.replace(b"\r\n", b"\n")) == ["a line does not end with CRLF"]
