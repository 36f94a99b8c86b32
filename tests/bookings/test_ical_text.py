"""The feeds' VEVENT writer (bookings.ical_text) writes exactly the bytes icalendar writes for the
same booking (bookings.ical.booking_event), whatever the text, status or kind of feed."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bookings.ical import booking_event, booking_uid, detail_url
from bookings.ical_text import EventFacts, _fold, event_text
from bookings.models import Booking
from members.models import Member, Organisation
from spaces.models import Space, Venue

# Letters that escaping and folding treat specially, among ordinary and multi-byte ones.
AWKWARD = st.text(
    alphabet=st.sampled_from(list("ab ,;:\\^\n\r\tNé€😀\"'")) | st.characters(codec="utf-8"),
    max_size=300,
)
KINDS = [
    (True, False),
    (True, True),
    (False, False),
]  # (detail, show_booker): member, manager, busy


def _booking(
    *,
    title: str = "Trustees' meeting",
    purpose: str = "",
    space_name: str = "Meeting room",
    venue_name: str = "St Luke's",
    address: str = "1 Church Street\nLadywood",
    postcode: str = "B16 8DN",
    booker: str = "Fay Freelancer",
    organisation: str | None = None,
    status: str = Booking.Status.CONFIRMED,
) -> Booking:
    venue = Venue(name=venue_name, slug="st-lukes", address=address, postcode=postcode)
    space = Space(venue=venue, name=space_name, slug="room")
    starts = datetime(2026, 10, 25, 0, 30, 15, 123456, tzinfo=UTC)
    return Booking(
        pk=4321,
        uid=uuid.UUID("12345678-1234-5678-1234-567812345678"),
        space=space,
        booker=Member(display_name=booker, email="fay@example.org"),
        organisation=Organisation(name=organisation) if organisation is not None else None,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_at=starts - timedelta(days=3, microseconds=17),
        updated_at=starts - timedelta(days=1, seconds=1),
        sequence=3,
        status=status,
        title=title,
        purpose=purpose,
        attendees=12,
    )


def _written(booking: Booking, *, detail: bool, show_booker: bool) -> bytes:
    facts = EventFacts.of(booking)
    return event_text(
        facts,
        detail=detail,
        show_booker=show_booker,
        uid=booking_uid(facts, busy=not detail),
        url=detail_url(booking.pk),
    )


@pytest.mark.parametrize("status", list(Booking.Status))
@pytest.mark.parametrize(("detail", "show_booker"), KINDS)
@pytest.mark.parametrize("organisation", [None, "Ladywood Food Share, CIC"])
def test_every_status_and_kind_of_feed_is_written_as_icalendar_writes_it(
    status, detail, show_booker, organisation
):
    booking = _booking(
        status=status, organisation=organisation, purpose="Budget; minutes, and a long agenda " * 4
    )
    expected = booking_event(booking, detail=detail, show_booker=show_booker).to_ical()
    assert _written(booking, detail=detail, show_booker=show_booker) == expected


@settings(max_examples=300, deadline=None)
@given(
    title=AWKWARD,
    purpose=AWKWARD,
    space_name=AWKWARD,
    venue_name=AWKWARD,
    address=AWKWARD,
    booker=AWKWARD,
    organisation=st.none() | AWKWARD,
    kind=st.sampled_from(KINDS),
)
def test_any_text_is_escaped_and_folded_as_icalendar_does(
    title, purpose, space_name, venue_name, address, booker, organisation, kind
):
    booking = _booking(
        title=title,
        purpose=purpose,
        space_name=space_name,
        venue_name=venue_name,
        address=address,
        booker=booker,
        organisation=organisation,
    )
    detail, show_booker = kind
    expected = booking_event(booking, detail=detail, show_booker=show_booker).to_ical()
    assert _written(booking, detail=detail, show_booker=show_booker) == expected


@pytest.mark.parametrize("length", [73, 74, 75, 76, 148, 149, 150])
@pytest.mark.parametrize("last", ["a", "\\", "^", "é"])
def test_lines_fold_under_75_octets_and_never_after_an_escape(length, last):
    from icalendar.parser.string import _foldline

    line = "x" * (length - 1) + last + "yz" * 40
    assert _fold(line[:length]) == _foldline(line[:length])
    assert _fold(line) == _foldline(line)
