from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.core import mail
from icalendar import Calendar

from bookings.services import approve_booking, cancel_booking, decline_booking, request_booking
from tests.conftest import NOW
from tests.feeds.conftest import ical_js, iso

START = NOW.replace(hour=10) + timedelta(days=1)
END = START + timedelta(hours=1)


def invitations(message) -> list:
    """The text/calendar parts of a sent email."""
    return [part for part in message.message().walk() if part.get_content_type() == "text/calendar"]


def only_invitation(message):
    """The invitation's attachment part, its bytes and its calendar; the email carries the same
    invitation once more, inline in its multipart/alternative body (mime_tree checks where)."""
    inline, attached = invitations(message)
    body = attached.get_payload(decode=True)
    assert inline.get_payload(decode=True) == body
    assert inline.get_param("method") == attached.get_param("method")
    return attached, body, Calendar.from_ical(body)


def mime_tree(part) -> tuple:
    """(content type with method, disposition, children) for each part, e.g.
    ("multipart/mixed", None, (("multipart/alternative", None, (...)), ...))."""
    content_type = part.get_content_type()
    if part.get_param("method"):
        content_type += f"; method={part.get_param('method')}"
    children = tuple(mime_tree(child) for child in part.iter_parts())
    return (content_type, part.get_content_disposition(), children)


@pytest.fixture
def book(member, room, django_capture_on_commit_callbacks):
    def book(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request_booking(
                booker=member,
                space=room,
                starts_at=START,
                ends_at=END,
                title="Planning",
                now=NOW,
                **kwargs,
            )

    return book


def test_a_confirmed_booking_email_carries_a_request_invitation(book, member):
    booking = book()
    (message,) = mail.outbox
    part, body, calendar = only_invitation(message)
    assert part.get_param("method") == "REQUEST" and part.get_content_charset() == "utf-8"
    assert part.get_filename() == "invite.ics"
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{booking.uid}@127.0.0.1"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert str(event["ORGANIZER"]) == "mailto:bookings@commonshare.localhost"
    assert event["ORGANIZER"].params["CN"] == "St Luke's"
    assert str(event["ATTENDEE"]) == f"mailto:{member.email}"
    parsed = ical_js(body)
    assert parsed["method"] == "REQUEST"
    assert parsed["events"][0]["start"] == iso(START) and parsed["events"][0]["end"] == iso(END)


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_the_invitation_is_an_alternative_of_the_text_and_an_attachment(
    book, member, django_capture_on_commit_callbacks, method
):
    booking = book()
    if method == "CANCEL":
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            cancel_booking(booking=booking, by=member, now=NOW)
    (message,) = mail.outbox
    sent = message.message()
    assert mime_tree(sent) == (
        "multipart/mixed",
        None,
        (
            (
                "multipart/alternative",
                None,
                (
                    ("text/plain", None, ()),
                    (f"text/calendar; method={method}", None, ()),
                ),
            ),
            (f"text/calendar; method={method}", "attachment", ()),
        ),
    )
    alternative, attachment = sent.iter_parts()
    text, inline = alternative.iter_parts()
    assert "invite.ics" in text.get_content()
    assert inline.get_content_charset() == "utf-8" and inline.get_filename() is None
    assert attachment.get_filename() == "invite.ics"
    calendar = Calendar.from_ical(inline.get_payload(decode=True))
    assert calendar["METHOD"] == method
    assert str(calendar.walk("VEVENT")[0]["UID"]) == f"{booking.uid}@127.0.0.1"
    # As a mail server receives it: the same tree, and the header says the method.
    received = message_from_bytes(sent.as_bytes(), policy=policy.default)
    assert mime_tree(received) == mime_tree(sent)
    (_text, received_inline) = next(received.iter_parts()).iter_parts()
    assert received_inline["Content-Type"].params == {"charset": "utf-8", "method": method}


def test_a_pending_request_is_a_tentative_invitation_and_the_manager_gets_none(book, room, manager):
    room.requires_approval = True
    room.save()
    book()
    to_booker, to_manager = mail.outbox
    _part, _body, calendar = only_invitation(to_booker)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar.walk("VEVENT")[0]["STATUS"] == "TENTATIVE"
    assert invitations(to_manager) == []


def test_approval_sends_an_update_with_a_higher_sequence(
    book, room, manager, django_capture_on_commit_callbacks
):
    room.requires_approval = True
    room.save()
    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_booking(booking=booking, by=manager, now=NOW)
    _part, body, calendar = only_invitation(mail.outbox[0])
    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert (event["STATUS"], event["SEQUENCE"]) == ("CONFIRMED", 1)
    assert ical_js(body)["events"][0]["sequence"] == 1


def test_decline_sends_a_cancel_for_the_same_uid(
    book, room, manager, django_capture_on_commit_callbacks
):
    room.requires_approval = True
    room.save()
    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decline_booking(booking=booking, by=manager, reason="Hall closed for repairs", now=NOW)
    part, body, calendar = only_invitation(mail.outbox[0])
    assert part.get_param("method") == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert (str(event["UID"]), event["STATUS"], event["SEQUENCE"]) == (
        f"{booking.uid}@127.0.0.1",
        "CANCELLED",
        1,
    )
    assert ical_js(body)["method"] == "CANCEL"


def test_cancellation_sends_a_cancel_with_a_higher_sequence(
    book, member, django_capture_on_commit_callbacks
):
    booking = book()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=member, now=NOW)
    part, body, calendar = only_invitation(mail.outbox[0])
    assert part.get_param("method") == "CANCEL"
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert (str(event["UID"]), event["STATUS"], event["SEQUENCE"]) == (
        f"{booking.uid}@127.0.0.1",
        "CANCELLED",
        1,
    )
    parsed = ical_js(body)
    assert parsed["events"][0]["status"] == "CANCELLED" and parsed["events"][0]["sequence"] == 1


def test_a_rolled_back_booking_sends_no_invitation(
    member, room, django_capture_on_commit_callbacks
):
    from bookings.services import BookingError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BookingError):
        request_booking(
            booker=member, space=room, starts_at=START, ends_at=START, title="Nothing", now=NOW
        )
    assert mail.outbox == []


def test_the_email_text_mentions_the_invitation_and_is_not_html_escaped(book):
    book()
    body = mail.outbox[0].body
    assert "St Luke's" in body and "&#x27;" not in body
    assert "invite.ics" in body
