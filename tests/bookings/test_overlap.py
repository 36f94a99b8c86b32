"""Half-open overlap for an exclusive room, pinned by one table (after indico's room booking tests).

The existing booking runs 12:00–14:00 on Tuesday 5 January 2027 (London, GMT).
"""

from datetime import timedelta

import pytest

from bookings.models import Booking
from bookings.services import BookingError, cancel_booking, decline_booking
from tests.bookings.conftest import assert_readable, at
from tests.factories import SpaceFactory

OVERLAP_TABLE = [
    # (case, new start, new end, allowed)
    ("before", at(9), at(11), True),
    ("right before", at(10), at(12), True),
    ("same", at(12), at(14), False),
    ("overlapping start", at(11), at(13), False),
    ("overlapping end", at(13), at(15), False),
    ("inside", at(12, 30), at(13, 30), False),
    ("enclosing", at(11), at(15), False),
    ("right after", at(14), at(16), True),
    ("after", at(15), at(16), True),
]


@pytest.mark.parametrize(
    ("case", "starts_at", "ends_at", "allowed"),
    OVERLAP_TABLE,
    ids=[row[0] for row in OVERLAP_TABLE],
)
def test_an_exclusive_room_allows_only_bookings_that_do_not_overlap_half_open(
    book, room, other_member, case, starts_at, ends_at, allowed
):
    book(room, at(12), at(14), booker=other_member)
    count = Booking.objects.count()
    if allowed:
        booking = book(room, starts_at, ends_at)
        assert booking.status == Booking.Status.CONFIRMED
        assert Booking.objects.active().filter(space=room).count() == count + 1
    else:
        with pytest.raises(BookingError) as caught:
            book(room, starts_at, ends_at)
        assert_readable(caught.value.message)
        assert "already booked" in caught.value.message
        assert Booking.objects.count() == count


BUFFER_TABLE = [
    # The room keeps 30 minutes free after each booking; the existing booking holds 12:00–14:30.
    ("before, with its own buffer ending before the other starts", at(11), at(11, 30), True),
    ("right before, its own buffer running into the other", at(11), at(12), False),
    ("its own buffer ending exactly when the other starts", at(10, 30), at(11, 30), True),
    ("same", at(12), at(14), False),
    ("right after, inside the other's buffer", at(14), at(16), False),
    ("starting inside the other's buffer", at(14, 0), at(14, 30), False),
    ("right after the buffer", at(14, 30), at(16), True),
    ("after", at(15), at(16), True),
]


@pytest.mark.parametrize(
    ("case", "starts_at", "ends_at", "allowed"), BUFFER_TABLE, ids=[row[0] for row in BUFFER_TABLE]
)
def test_a_buffer_after_each_booking_is_kept_free_both_ways(
    book, venue, other_member, case, starts_at, ends_at, allowed
):
    room = SpaceFactory(venue=venue, buffer_after=timedelta(minutes=30))
    existing = book(room, at(12), at(14), booker=other_member)
    assert existing.blocked_until == at(14, 30)
    if allowed:
        assert book(room, starts_at, ends_at).blocked_until == ends_at + timedelta(minutes=30)
    else:
        with pytest.raises(BookingError) as caught:
            book(room, starts_at, ends_at)
        assert_readable(caught.value.message)
        assert Booking.objects.filter(space=room).count() == 1


def test_a_pending_booking_holds_its_slot(book, venue, other_member):
    room = SpaceFactory(venue=venue, requires_approval=True)
    pending = book(room, at(12), at(14), booker=other_member)
    assert pending.status == Booking.Status.PENDING
    with pytest.raises(BookingError):
        book(room, at(13), at(15))


def test_a_declined_booking_frees_its_slot(book, venue, manager, other_member):
    room = SpaceFactory(venue=venue, requires_approval=True)
    pending = book(room, at(12), at(14), booker=other_member)
    decline_booking(booking=pending, by=manager, reason="The hall is being painted.", now=at(8))
    assert book(room, at(12), at(14)).status == Booking.Status.PENDING


def test_a_cancelled_booking_frees_its_slot(book, room, other_member):
    existing = book(room, at(12), at(14), booker=other_member)
    cancel_booking(booking=existing, by=other_member, now=at(8))
    assert book(room, at(12), at(14)).status == Booking.Status.CONFIRMED


def test_a_cancelled_booking_with_a_buffer_frees_the_buffer_too(book, venue, other_member):
    room = SpaceFactory(venue=venue, buffer_after=timedelta(minutes=30))
    existing = book(room, at(12), at(14), booker=other_member)
    cancel_booking(booking=existing, by=other_member, now=at(8))
    book(room, at(11), at(12))
    book(room, at(14), at(15))


def test_bookings_of_other_rooms_do_not_clash(book, room, venue, other_member):
    book(room, at(12), at(14), booker=other_member)
    other_room = SpaceFactory(venue=venue)
    assert book(other_room, at(12), at(14)).space == other_room
