"""PostgreSQL's own guard for desk pools (migration 0003): never more seats held than the pool has,
whoever writes the rows, and under real concurrency.

These run on PostgreSQL only (CI always does): SQLite has no such trigger and relies on the
booking service's check inside its write-locked transaction.
"""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from schedule.models import Event

from bookings import services
from bookings.models import Booking
from bookings.services import BookingError
from spaces.models import Space
from tests.bookings.conftest import at, change_stored
from tests.bookings.test_concurrency import THREADS, race
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    DeskPoolFactory,
    MemberFactory,
    VenueFactory,
)

pytestmark = pytest.mark.postgres

GUARD = "booking_seats_within_pool"


@pytest.fixture
def pool(venue):
    return DeskPoolFactory(venue=venue, name="Hot desks", seats=3, capacity=3)


def guard_refuses(write) -> bool:
    """Run `write` in a savepoint; True if the seats guard refused it (and nothing else went wrong)."""
    try:
        with transaction.atomic():
            write()
    except IntegrityError as exc:
        assert GUARD in str(exc)
        return True
    return False


def refuses(**fields) -> bool:
    return guard_refuses(lambda: BookingFactory(**fields))


def test_a_row_written_directly_that_would_overbook_a_pool_is_refused(pool):
    for _ in range(3):
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12))
    assert refuses(space=pool, starts_at=at(11), ends_at=at(13))
    assert refuses(space=pool, starts_at=at(9), ends_at=at(17), status=Booking.Status.PENDING)
    assert refuses(space=pool, starts_at=at(11, 30), ends_at=at(12))
    assert Booking.objects.filter(space=pool).count() == 3


def test_the_refusal_names_the_space_its_seats_and_the_time(pool):
    for _ in range(3):
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12))
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(11))
    message = str(caught.value)
    assert f"space {pool.pk} has 3 seats, but 4 bookings would hold one at once" in message
    assert "2027-01-05 10:00:00+00" in message


def test_a_pool_filled_to_exactly_its_seats_is_accepted(pool):
    for _ in range(3):
        assert not refuses(space=pool, starts_at=at(9), ends_at=at(17))
    assert Booking.objects.filter(space=pool, status="confirmed").count() == 3


def test_seats_are_reused_by_bookings_that_overlap_but_never_run_at_once(pool):
    """3 seats: 9–10, 10–11 and 9–11 twice never hold more than three at any instant."""
    for starts, ends in [(9, 10), (10, 11), (9, 11), (9, 11)]:
        assert not refuses(space=pool, starts_at=at(starts), ends_at=at(ends))
    assert refuses(space=pool, starts_at=at(9), ends_at=at(10))
    assert refuses(space=pool, starts_at=at(10, 30), ends_at=at(11))
    assert not refuses(space=pool, starts_at=at(11), ends_at=at(12))  # all three free again at 11
    assert Booking.objects.filter(space=pool).count() == 5


def test_the_buffer_of_each_booking_holds_its_seat(venue):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2, buffer_after=timedelta(minutes=30))
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(10))  # holds 09:00–10:30
    BookingFactory(space=pool, starts_at=at(9), ends_at=at(10))
    assert refuses(space=pool, starts_at=at(10), ends_at=at(11))
    assert not refuses(space=pool, starts_at=at(10, 30), ends_at=at(11))


def test_cancelled_and_declined_rows_hold_no_seat(pool):
    for status in (Booking.Status.CANCELLED, Booking.Status.DECLINED, Booking.Status.CANCELLED):
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12), status=status)
    for _ in range(3):
        assert not refuses(space=pool, starts_at=at(10), ends_at=at(12))
    assert not refuses(space=pool, starts_at=at(10), ends_at=at(12), status="cancelled")
    assert refuses(space=pool, starts_at=at(10), ends_at=at(12))


def test_other_spaces_bookings_do_not_count(pool, venue):
    other = DeskPoolFactory(venue=venue, seats=3, capacity=3)
    for _ in range(3):
        BookingFactory(space=other, starts_at=at(10), ends_at=at(12))
    for _ in range(3):
        assert not refuses(space=pool, starts_at=at(10), ends_at=at(12))


def test_reactivating_a_cancelled_row_into_a_full_pool_is_refused(pool):
    cancelled = BookingFactory(
        space=pool, starts_at=at(10), ends_at=at(12), status=Booking.Status.CANCELLED
    )
    for _ in range(3):
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12))
    assert guard_refuses(
        lambda: Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CONFIRMED)
    )
    cancelled.refresh_from_db()
    assert cancelled.status == Booking.Status.CANCELLED


def test_moving_or_widening_a_row_into_a_full_stretch_is_refused(pool):
    for _ in range(3):
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12))
    early = BookingFactory(space=pool, starts_at=at(9), ends_at=at(10))
    moved = {"starts_at": at(11), "ends_at": at(12), "blocked_until": at(12)}
    assert guard_refuses(lambda: Booking.objects.filter(pk=early.pk).update(**moved))
    assert guard_refuses(
        lambda: Booking.objects.filter(pk=early.pk).update(ends_at=at(11), blocked_until=at(11))
    )
    early.refresh_from_db()
    assert (early.starts_at, early.ends_at) == (at(9), at(10))


def test_a_bulk_insert_that_overbooks_is_refused_whole(pool):
    member = MemberFactory()
    rows = [
        Booking(
            space=pool,
            booker=member,
            starts_at=at(10),
            ends_at=at(12),
            blocked_until=at(12),
            exclusive=False,
            title=f"Desk {n}",
        )
        for n in range(4)
    ]
    assert guard_refuses(lambda: Booking.objects.bulk_create(rows))
    assert not Booking.objects.filter(space=pool).exists()


def test_a_row_not_marked_exclusive_cannot_slip_into_a_taken_room(room):
    """The exclusion constraint of 0002 sees exclusive rows only; the seats guard sees the rest."""
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12))
    assert refuses(space=room, starts_at=at(11), ends_at=at(13), exclusive=False)
    assert not refuses(space=room, starts_at=at(12), ends_at=at(13), exclusive=False)


def test_a_booking_kept_from_when_the_space_was_a_room_holds_a_seat(room):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12))  # exclusive: seats was 1
    change_stored(room, seats=2, capacity=2)
    assert not refuses(space=room, starts_at=at(10), ends_at=at(12), exclusive=False)
    assert refuses(space=room, starts_at=at(11), ends_at=at(12), exclusive=False)


def test_changes_that_take_no_new_seat_pass_even_in_a_pool_over_full_after_losing_seats(pool):
    """Removing desks does not rewrite existing bookings: approving or renaming one still works."""
    rows = [
        BookingFactory(space=pool, starts_at=at(10), ends_at=at(12), status=status)
        for status in (Booking.Status.PENDING, Booking.Status.CONFIRMED, Booking.Status.CONFIRMED)
    ]
    change_stored(pool, seats=2)
    Booking.objects.filter(pk=rows[0].pk).update(status=Booking.Status.CONFIRMED)
    rows[1].title = "Renamed"
    rows[1].save()
    Booking.objects.filter(pk=rows[2].pk).update(ends_at=at(11), blocked_until=at(11))
    assert (
        list(Booking.objects.filter(space=pool).values_list("status", flat=True))
        == ["confirmed"] * 3
    )
    assert refuses(space=pool, starts_at=at(11), ends_at=at(12))  # 2 already held then


def test_request_booking_turns_the_guards_refusal_into_a_booking_error(book, pool, monkeypatch):
    for _ in range(3):
        book(pool, at(10), at(12), booker=MemberFactory())
    monkeypatch.setattr(services, "check_free", lambda **kwargs: None)
    before = (Booking.objects.count(), Event.objects.count())
    with pytest.raises(BookingError) as caught:
        book(pool, at(11), at(12))
    assert caught.value.message == (
        "All 3 desks of Hot desks are taken for some of that time. Try another time."
    )
    assert (Booking.objects.count(), Event.objects.count()) == before


# --- The last seat under real concurrency ---------------------------------------------------


def nearly_full_pool(seats: int) -> Space:
    pool = DeskPoolFactory(venue=VenueFactory(), name="Race desks", seats=seats, capacity=seats)
    for _ in range(seats - 1):
        BookingFactory(space=pool, starts_at=at(9), ends_at=at(17))
    return pool


def assert_only_one_wins_the_last_seat(pool) -> None:
    won, refused, crashed = race(pool, [MemberFactory() for _ in range(THREADS)])
    assert crashed == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert {exc.message for exc in refused} == {
        "All 5 desks of Race desks are taken for some of that time. Try another time."
    }
    assert Booking.objects.filter(space=pool).active().count() == 5


@pytest.mark.django_db(transaction=True)
def test_twenty_members_racing_for_the_last_seat_leave_the_pool_exactly_full():
    pool = nearly_full_pool(5)
    assert_only_one_wins_the_last_seat(pool)


@pytest.mark.django_db(transaction=True)
def test_the_race_for_the_last_seat_is_won_once_by_the_database_alone(database_alone):
    """With the service's lock and check removed, the trigger alone keeps the pool within its seats."""
    pool = nearly_full_pool(5)
    assert_only_one_wins_the_last_seat(pool)


@pytest.mark.django_db(transaction=True)
def test_the_database_alone_fills_an_empty_pool_to_exactly_its_seats(database_alone):
    pool = DeskPoolFactory(venue=VenueFactory(), name="Race desks", seats=5, capacity=5)
    won, refused, crashed = race(pool, [MemberFactory() for _ in range(THREADS)])
    assert crashed == []
    assert (len(won), len(refused)) == (5, THREADS - 5)
    assert Booking.objects.filter(space=pool).active().count() == 5


# --- Fewer seats while members book ------------------------------------------------------------


def race_seat_cut_against_bookings(pool: Space, *, seats: int, bookers: int):
    """`bookers` members book 10:00–12:00 while a manager cuts the pool to `seats`, all at once."""
    barrier = threading.Barrier(bookers + 1)
    outcomes: list[object] = []
    lock = threading.Lock()

    def attempt(action) -> None:
        try:
            barrier.wait(timeout=30)
            result: object = action()
        except BookingError as exc:
            result = exc
        except BaseException as exc:  # noqa: BLE001 - anything else is what the test looks for
            result = ("crashed", exc)
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    members = [MemberFactory() for _ in range(bookers)]
    actions = [
        lambda member=member: services.request_booking(
            booker=member, space=pool, starts_at=at(10), ends_at=at(12), title="Desk", now=NOW
        )
        for member in members
    ] + [lambda: services.change_seats(space=pool, seats=seats, now=NOW)]
    threads = [threading.Thread(target=attempt, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))
def test_a_seat_cut_racing_members_who_book_never_leaves_the_pool_over_full(round_):
    """Each round: 5 seats, 2 held; 6 members book while the manager cuts to 3. Whichever goes
    first, the pool never holds more bookings at once than its seats."""
    pool = DeskPoolFactory(venue=VenueFactory(), name="Race desks", seats=5, capacity=5)
    for _ in range(2):
        BookingFactory(space=pool, starts_at=at(9), ends_at=at(17))
    outcomes = race_seat_cut_against_bookings(pool, seats=3, bookers=6)
    assert [o for o in outcomes if isinstance(o, tuple)] == []  # nothing crashed
    pool.refresh_from_db()
    held = Booking.objects.filter(space=pool).active().count()  # all overlap 10:00–12:00
    assert held <= pool.seats
    cut = [o for o in outcomes if isinstance(o, Space)]
    refused = [o for o in outcomes if isinstance(o, BookingError) and o.field == "seats"]
    assert len(cut) + len(refused) == 1
    if cut:
        assert pool.seats == 3 and held <= 3
    else:
        assert pool.seats == 5
        assert "before reducing the seats to 3" in refused[0].message
