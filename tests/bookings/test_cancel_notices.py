"""Who hears of a cancellation: the booker always (with the .ics CANCEL); the venue's managers when
a member cancels their own booking, and not when a manager cancels it (they know)."""

import pytest
from django.core import mail
from django.test import override_settings

from bookings.services import cancel_booking
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(book, room, manager):
    made = book(room, at(10), at(11), title="Trustees' meeting")
    mail.outbox.clear()
    return made


@override_settings(SITE_URL="https://book.example.org")
def test_managers_are_told_when_a_member_cancels_their_own_booking(
    booking, member, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=member, reason="Plans changed", now=NOW)
    to_managers = [message for message in mail.outbox if message.to == [manager.email]]
    assert [message.to for message in mail.outbox] == [[member.email], [manager.email]]
    (message,) = to_managers
    assert message.subject == "[Commonshare] Booking cancelled: Trustees' meeting in Meeting room"
    assert message.content_subtype == "plain" and message.attachments == []
    body = message.body
    assert "Fay Freelancer has cancelled their booking" in body
    assert "Reason: Plans changed" in body
    assert "Trustees' meeting" in body and "&#x27;" not in body
    assert "Meeting room, St Luke's" in body
    assert "Tuesday 5 January 2027, 10:00 – 11:00 (Europe/London)" in body
    assert f"https://book.example.org/bookings/{booking.pk}/" in body
    assert ":8000" not in body


def test_managers_are_not_told_when_a_manager_cancels(
    booking, member, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=manager, reason="Boiler broken", now=NOW)
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Cancelled: Trustees' meeting" in mail.outbox[0].subject


def test_a_manager_cancelling_their_own_booking_is_not_told_of_it_but_the_others_are(
    book, room, venue, manager, django_capture_on_commit_callbacks
):
    colleague = MemberFactory(email="colleague@example.org")
    venue.managers.add(colleague)
    own = book(room, at(10), at(11), booker=manager)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=own, by=manager, now=NOW)
    assert [message.to for message in mail.outbox] == [[manager.email], [colleague.email]]


def test_a_refused_cancellation_tells_nobody(booking, member, django_capture_on_commit_callbacks):
    from bookings.services import BookingError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(BookingError):
        cancel_booking(booking=booking, by=member, now=at(10, 30))
    assert mail.outbox == []
