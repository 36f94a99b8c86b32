"""A desk pool never has more concurrent active bookings than seats, at any instant."""

import random
from datetime import datetime, timedelta
from itertools import accumulate

import pytest
from schedule.models import Event

from bookings.models import Booking
from bookings.services import BookingError, cancel_booking
from tests.bookings.conftest import assert_readable, at
from tests.factories import DeskPoolFactory, MemberFactory


@pytest.fixture
def pool(venue):
    return DeskPoolFactory(venue=venue, name="Hot desks", seats=5, capacity=5)


def test_a_five_seat_pool_takes_five_overlapping_bookings_and_refuses_the_sixth(book, pool):
    for n in range(5):
        book(pool, at(9), at(17), booker=MemberFactory(), title=f"Desk {n}")
    before = Booking.objects.count()
    with pytest.raises(BookingError) as caught:
        book(pool, at(12), at(13))
    assert_readable(caught.value.message)
    assert "All 5 desks of Hot desks are taken" in caught.value.message
    assert Booking.objects.count() == before == 5


def test_a_freed_seat_can_be_booked_again(book, pool, member):
    bookings = [book(pool, at(9), at(17), booker=MemberFactory()) for _ in range(5)]
    cancel_booking(booking=bookings[0], by=bookings[0].booker, now=at(8))
    assert book(pool, at(10), at(11)).status == Booking.Status.CONFIRMED


def test_staggered_bookings_that_never_exceed_the_seats_are_accepted(book, venue):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2, one_seat_per_person=False)
    book(pool, at(9), at(11), title="A")
    book(pool, at(12), at(14), title="B")
    book(pool, at(10), at(13), title="C")  # overlaps A and B, but never both at once
    with pytest.raises(BookingError):
        book(pool, at(10, 30), at(11), title="D")  # A and C already hold both seats then
    book(pool, at(11), at(12), title="E")  # only C runs 11–12
    with pytest.raises(BookingError):
        book(pool, at(9), at(17), title="F")  # C and E fill 11–12 already
    assert sorted(Booking.objects.filter(space=pool).values_list("title", flat=True)) == [
        "A",
        "B",
        "C",
        "E",
    ]


def test_back_to_back_bookings_do_not_stack_on_a_seat(book, venue):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2, one_seat_per_person=False)
    book(pool, at(9), at(11))
    book(pool, at(9), at(11))
    book(pool, at(11), at(13))
    book(pool, at(11), at(13))
    assert Booking.objects.filter(space=pool).count() == 4


def test_seats_are_reused_by_bookings_that_overlap_but_never_run_at_once(book, venue):
    """3 seats: 9–10, 10–11 and 9–11 twice never hold more than three at once; a fifth would."""
    pool = DeskPoolFactory(venue=venue, seats=3, capacity=3)
    for starts, ends in [(9, 10), (10, 11), (9, 11), (9, 11)]:
        book(pool, at(starts), at(ends), booker=MemberFactory())
    with pytest.raises(BookingError):
        book(pool, at(10, 30), at(11))
    book(pool, at(11), at(12))
    assert Booking.objects.filter(space=pool, status="confirmed").count() == 5


def test_pool_bookings_are_not_marked_exclusive_but_rooms_are(book, pool, room):
    assert book(pool, at(9), at(10)).exclusive is False
    assert book(room, at(9), at(10)).exclusive is True


def test_a_pending_pool_booking_holds_a_seat(book, venue):
    pool = DeskPoolFactory(
        venue=venue, seats=2, capacity=2, requires_approval=True, one_seat_per_person=False
    )
    book(pool, at(9), at(11))
    book(pool, at(9), at(11))
    with pytest.raises(BookingError):
        book(pool, at(10), at(11))


def test_a_pool_with_a_buffer_counts_seats_held_at_the_same_instant(book, venue):
    pool = DeskPoolFactory(
        venue=venue,
        seats=2,
        capacity=2,
        buffer_after=timedelta(minutes=30),
        one_seat_per_person=False,
    )
    book(pool, at(9, 30), at(10), title="A")  # holds 09:30–10:30
    book(pool, at(10, 30), at(11), title="B")  # holds 10:30–11:30
    # Holds 10:00–11:00: with A until 10:30, then with B; never three at once.
    book(pool, at(10), at(10, 30), title="C")
    with pytest.raises(BookingError):
        book(pool, at(10), at(10, 30), title="D")  # A and C already fill 10:00–10:30


def test_a_pool_never_holds_more_than_its_seats_in_a_long_run_of_requests(book, venue):
    """A seeded run of 300 requests: every refusal was needed, and no instant is ever over-full."""
    seats, buffer = 3, timedelta(minutes=30)
    pool = DeskPoolFactory(
        venue=venue, seats=seats, capacity=seats, buffer_after=buffer, one_seat_per_person=False
    )
    rng = random.Random(2027)
    holds: list[tuple[datetime, datetime]] = []

    def most_at_once(intervals) -> int:
        edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
        return max(accumulate(step for _, step in edges), default=0)

    for _ in range(300):
        start = at(9) + timedelta(minutes=30 * rng.randrange(0, 14))
        end = min(start + timedelta(minutes=30 * rng.randrange(1, 7)), at(17))
        fits = most_at_once([*holds, (start, end + buffer)]) <= seats
        try:
            book(pool, start, end)
        except BookingError:
            assert not fits, f"refused {start:%H:%M}–{end:%H:%M} though a seat was free"
        else:
            assert fits, f"accepted {start:%H:%M}–{end:%H:%M} with every seat taken"
            holds.append((start, end + buffer))
    assert most_at_once(holds) == seats
    assert Booking.objects.filter(space=pool).count() == len(holds) > seats


def test_a_desk_pool_booking_is_for_one_person(book, pool):
    before = Booking.objects.count()
    with pytest.raises(BookingError) as caught:
        book(pool, at(9), at(17), attendees=3)
    assert_readable(caught.value.message)
    assert caught.value.field == "attendees"
    assert Booking.objects.count() == before
    assert book(pool, at(9), at(17), attendees=1).attendees == 1


def test_the_same_member_cannot_hold_two_seats_of_a_pool_at_once(book, pool):
    book(pool, at(10), at(12))
    before = (Booking.objects.count(), Event.objects.count())
    with pytest.raises(BookingError) as caught:
        book(pool, at(11), at(13))
    assert_readable(caught.value.message)
    assert caught.value.message == (
        "You already have a desk in Hot desks for some of that time (from Tue 5 Jan 2027 10:00 "
        "to 12:00). One desk per person: each person books their own."
    )
    assert caught.value.field == "starts_at"
    assert (Booking.objects.count(), Event.objects.count()) == before == (1, 1)


@pytest.mark.parametrize(
    ("starts", "ends", "allowed"),
    [
        ((9, 0), (10, 0), True),  # right before
        ((9, 0), (10, 30), False),  # runs into it
        ((10, 0), (12, 0), False),  # the same time
        ((10, 30), (11, 0), False),  # inside it
        ((12, 0), (13, 0), True),  # right after
    ],
)
def test_one_seat_per_person_compares_half_open_times(book, pool, starts, ends, allowed):
    book(pool, at(10), at(12))
    if allowed:
        book(pool, at(*starts), at(*ends))
    else:
        with pytest.raises(BookingError):
            book(pool, at(*starts), at(*ends))
    assert Booking.objects.filter(space=pool).count() == (2 if allowed else 1)


def test_one_seat_per_person_ignores_other_members_cancelled_bookings_and_other_pools(
    book, pool, member, venue
):
    book(pool, at(10), at(12), booker=MemberFactory())  # someone else's seat
    other_pool = DeskPoolFactory(venue=venue, name="Quiet desks", seats=3, capacity=3)
    book(other_pool, at(10), at(12))  # a desk in another pool
    cancelled = book(pool, at(10), at(12))
    cancel_booking(booking=cancelled, by=member, now=at(8))
    assert book(pool, at(10), at(12)).status == Booking.Status.CONFIRMED


def test_a_pool_may_let_one_member_book_several_seats(book, venue):
    pool = DeskPoolFactory(venue=venue, seats=3, capacity=3, one_seat_per_person=False)
    book(pool, at(10), at(12))
    book(pool, at(10), at(12))
    assert Booking.objects.filter(space=pool).count() == 2


def test_a_new_desk_pool_gives_one_seat_per_person_by_default(venue):
    assert DeskPoolFactory(venue=venue).one_seat_per_person is True


def test_moving_a_desk_onto_the_members_other_desk_is_refused_and_changes_nothing(
    book, pool, member
):
    from bookings.services import move_booking

    book(pool, at(10), at(12))
    later = book(pool, at(14), at(15))
    with pytest.raises(BookingError) as caught:
        move_booking(booking=later, by=member, starts_at=at(11), ends_at=at(12), now=at(8))
    assert "You already have a desk in Hot desks" in caught.value.message
    later.refresh_from_db()
    assert (later.starts_at, later.ends_at) == (at(14), at(15))
    # Moving within its own time is fine: a booking never clashes with itself.
    moved = move_booking(booking=later, by=member, starts_at=at(14), ends_at=at(16), now=at(8))
    assert moved.ends_at == at(16)
