"""No double booking under real concurrency, and the PostgreSQL exclusion constraint that backs it up.

These run on PostgreSQL only (CI always does): SQLite in memory cannot show a race.
"""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from schedule.models import Event

from bookings import services
from bookings.models import Booking
from bookings.services import BookingError, request_booking
from members.audit import AuditEntry
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    DeskPoolFactory,
    MemberFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.postgres

THREADS = 20


def race(space, members) -> tuple[list[Booking], list[BookingError], list[BaseException]]:
    """Every member asks for the same slot at the same moment, each on its own connection."""
    barrier = threading.Barrier(len(members))
    won: list[Booking] = []
    refused: list[BookingError] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def attempt(member) -> None:
        try:
            barrier.wait(timeout=30)
            booking = request_booking(
                booker=member, space=space, starts_at=at(10), ends_at=at(12), title="Race", now=NOW
            )
            with lock:
                won.append(booking)
        except BookingError as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - anything else is what the test looks for
            with lock:
                crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(member,)) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return won, refused, crashed


@pytest.mark.django_db(transaction=True)
def test_twenty_members_racing_for_one_room_slot_give_exactly_one_booking():
    room = SpaceFactory(venue=VenueFactory(), name="Race room")
    members = [MemberFactory() for _ in range(THREADS)]
    won, refused, crashed = race(room, members)
    assert crashed == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert {exc.message for exc in refused} == {
        "Race room is already booked then. Try another time."
    }
    assert Booking.objects.filter(space=room).count() == 1
    assert Booking.objects.get(space=room).event_id is not None


@pytest.mark.django_db(transaction=True)
def test_twenty_members_racing_for_a_five_seat_pool_give_exactly_five_bookings():
    pool = DeskPoolFactory(venue=VenueFactory(), name="Race desks", seats=5, capacity=5)
    members = [MemberFactory() for _ in range(THREADS)]
    won, refused, crashed = race(pool, members)
    assert crashed == []
    assert len(won) == 5
    assert len(refused) == THREADS - 5
    assert {exc.message for exc in refused} == {
        "All 5 desks of Race desks are taken for some of that time. Try another time."
    }
    assert Booking.objects.filter(space=pool).count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_race_for_a_room_is_won_once_by_the_database_alone(database_alone):
    """With the lock and the check removed, the exclusion constraint alone keeps the room single-booked."""
    room = SpaceFactory(venue=VenueFactory(), name="Race room")
    won, refused, crashed = race(room, [MemberFactory() for _ in range(THREADS)])
    assert crashed == []
    assert len(won) == 1
    assert len(refused) == THREADS - 1
    assert {exc.message for exc in refused} == {
        "Race room is already booked then. Try another time."
    }


# --- The exclusion constraint itself -----------------------------------------------------------


def constraint_refuses(**fields) -> bool:
    try:
        with transaction.atomic():
            BookingFactory(**fields)
    except IntegrityError as exc:
        assert "booking_no_overlap_in_exclusive_space" in str(exc)
        return True
    return False


@pytest.mark.django_db
def test_the_database_refuses_an_overlapping_active_booking_written_directly(room):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12))
    assert constraint_refuses(space=room, starts_at=at(11), ends_at=at(13))
    assert constraint_refuses(
        space=room, starts_at=at(11), ends_at=at(13), status=Booking.Status.PENDING
    )
    assert Booking.objects.filter(space=room).count() == 1


@pytest.mark.django_db
def test_the_database_allows_what_does_not_overlap_or_is_not_active(room, venue):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12))
    assert not constraint_refuses(space=room, starts_at=at(12), ends_at=at(13))  # touching
    assert not constraint_refuses(space=room, starts_at=at(8), ends_at=at(10))  # touching before
    assert not constraint_refuses(
        space=room, starts_at=at(10), ends_at=at(12), status=Booking.Status.CANCELLED
    )
    assert not constraint_refuses(
        space=room, starts_at=at(10), ends_at=at(12), status=Booking.Status.DECLINED
    )
    assert not constraint_refuses(space=SpaceFactory(venue=venue), starts_at=at(10), ends_at=at(12))


@pytest.mark.django_db
def test_the_database_counts_the_buffer_of_a_booking(room):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12), blocked_until=at(12, 30))
    assert constraint_refuses(space=room, starts_at=at(12), ends_at=at(13))
    assert not constraint_refuses(space=room, starts_at=at(12, 30), ends_at=at(13))


@pytest.mark.django_db
def test_the_database_lets_desk_pool_bookings_overlap(venue):
    pool = DeskPoolFactory(venue=venue)
    BookingFactory(space=pool, starts_at=at(10), ends_at=at(12))
    assert not constraint_refuses(space=pool, starts_at=at(10), ends_at=at(12))


@pytest.mark.django_db
def test_reactivating_a_cancelled_booking_into_a_taken_slot_is_refused_by_the_database(room):
    BookingFactory(space=room, starts_at=at(10), ends_at=at(12))
    cancelled = BookingFactory(
        space=room, starts_at=at(10), ends_at=at(12), status=Booking.Status.CANCELLED
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.filter(pk=cancelled.pk).update(status=Booking.Status.CONFIRMED)


@pytest.mark.django_db
def test_request_booking_turns_the_constraints_refusal_into_a_booking_error(
    book, room, other_member, monkeypatch
):
    book(room, at(10), at(12), booker=other_member)
    monkeypatch.setattr(services, "check_free", lambda **kwargs: None)
    before = (Booking.objects.count(), Event.objects.count())
    with pytest.raises(BookingError) as caught:
        book(room, at(11), at(13))
    assert caught.value.message == "Meeting room is already booked then. Try another time."
    assert (Booking.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_request_booking_lets_other_integrity_errors_through(book, room, monkeypatch):
    """Only the overlap constraint means "already booked"; anything else is a real bug and must not hide."""
    first = book(room, at(10), at(11))
    before = (Booking.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    # A new booking given the first one's uid: the unique constraint refuses the row.
    monkeypatch.setattr(Booking._meta.get_field("uid"), "_get_default", lambda: first.uid)
    with pytest.raises(IntegrityError, match="uid"):
        book(room, at(12), at(13))
    assert (Booking.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == before
