"""Moving a booking: one service call that checks every rule under the lock as if it were new, keeps
the UID, raises the SEQUENCE, and either succeeds whole or changes nothing."""

import pytest
from django.core import mail

from bookings.models import Booking
from bookings.services import BookingError, move_booking
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(book, room):
    made = book(room, at(10), at(11))
    mail.outbox.clear()
    return made


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)


def snapshot(booking: Booking) -> tuple:
    booking.refresh_from_db()
    return (booking.space_id, booking.starts_at, booking.ends_at, booking.status, booking.sequence)


def test_a_booker_moves_their_booking_to_a_free_time(booking, member):
    uid, sequence = booking.uid, booking.sequence
    moved = move_booking(booking=booking, by=member, starts_at=at(14), ends_at=at(15), now=NOW)
    moved.refresh_from_db()
    assert (moved.starts_at, moved.ends_at) == (at(14), at(15))
    assert moved.uid == uid
    assert moved.sequence == sequence + 1
    assert moved.status == Booking.Status.CONFIRMED
    assert moved.blocked_until == at(15)


def test_the_booker_gets_an_updated_invitation(booking, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        move_booking(booking=booking, by=member, starts_at=at(14), ends_at=at(15), now=NOW)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject.endswith("Moved: Planning meeting")
    [invitation] = message.attachments
    text = invitation.get_content()
    assert "METHOD:REQUEST" in text
    assert f"UID:{booking.uid}@" in text
    assert "SEQUENCE:1" in text
    assert "DTSTART:20270105T140000Z" in text


def test_a_move_onto_a_taken_slot_is_refused_and_changes_nothing(
    booking, book, room, member, other_member
):
    book(room, at(14), at(16), booker=other_member)
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        move_booking(booking=booking, by=member, starts_at=at(15), ends_at=at(16), now=NOW)
    assert refused.value.message == "Meeting room is already booked then. Try another time."
    assert snapshot(booking) == before
    assert mail.outbox == []


def test_a_booking_may_move_over_its_own_time(booking, member):
    move_booking(booking=booking, by=member, starts_at=at(10, 30), ends_at=at(11, 30), now=NOW)
    assert snapshot(booking)[1:3] == (at(10, 30), at(11, 30))


def test_every_rule_of_a_new_booking_applies(booking, member):
    with pytest.raises(BookingError) as refused:
        move_booking(booking=booking, by=member, starts_at=at(16), ends_at=at(18), now=NOW)
    assert "not open for all of that time" in refused.value.message


def test_it_moves_to_another_space_of_the_same_venue(booking, member, venue):
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio", buffer_after=at(0, 30) - at(0))
    move_booking(
        booking=booking, by=member, space=studio, starts_at=at(10), ends_at=at(11), now=NOW
    )
    booking.refresh_from_db()
    assert booking.space == studio
    assert booking.blocked_until == at(11, 30)  # the new space's buffer


def test_it_does_not_move_to_another_venue(booking, member):
    elsewhere = SpaceFactory(venue=VenueFactory(name="Elsewhere"))
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        move_booking(
            booking=booking, by=member, space=elsewhere, starts_at=at(10), ends_at=at(11), now=NOW
        )
    assert refused.value.field == "space"
    assert snapshot(booking) == before


def test_moved_into_a_space_that_needs_approval_it_goes_back_to_pending(
    booking, member, hall, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move_booking(
            booking=booking, by=member, space=hall, starts_at=at(10), ends_at=at(11), now=NOW
        )
    assert snapshot(booking)[3] == Booking.Status.PENDING
    assert {tuple(message.to) for message in mail.outbox} == {(member.email,), (manager.email,)}


def test_a_managers_move_stands_as_confirmed_and_the_booker_is_told(
    booking, member, hall, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        move_booking(
            booking=booking, by=manager, space=hall, starts_at=at(12), ends_at=at(13), now=NOW
        )
    assert snapshot(booking)[3] == Booking.Status.CONFIRMED
    assert [message.to for message in mail.outbox] == [[member.email]]


def test_another_member_cannot_move_it(booking, other_member):
    before = snapshot(booking)
    with pytest.raises(BookingError) as refused:
        move_booking(booking=booking, by=other_member, starts_at=at(14), ends_at=at(15), now=NOW)
    assert refused.value.message == "Only the booker or a venue manager can move this booking."
    assert snapshot(booking) == before


def test_a_started_or_cancelled_booking_cannot_move(booking, member):
    with pytest.raises(BookingError, match="already started"):
        move_booking(booking=booking, by=member, starts_at=at(14), ends_at=at(15), now=at(10, 15))
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CANCELLED)
    with pytest.raises(BookingError, match="cancelled, so it cannot be moved"):
        move_booking(booking=booking, by=member, starts_at=at(14), ends_at=at(15), now=NOW)
