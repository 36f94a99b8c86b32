"""A single booking of a room on PostgreSQL does not read the holds first: the exclusion
constraint refuses an overlap, under the same lock, with the words check_free would have used
(bookings.saving.refuses_overlaps). Either way the answer is the same, buffers included, and a
refusal writes nothing; the check step (preview), a series' dates and desk pools still read them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from schedule.models import Event

from bookings.availability import _holds_sql
from bookings.models import Booking
from bookings.rules import BookingError
from bookings.saving import refuses_overlaps
from bookings.services import request_booking
from members.audit import AuditEntry
from members.prepared import prepared_text
from tests.factories import BookingFactory, DeskPoolFactory, MemberFactory, SpaceFactory

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2027, 1, 5, tzinfo=UTC)  # London is on UTC in January


def at(hour: int, minute: int = 0) -> datetime:
    return TUESDAY + timedelta(hours=hour, minutes=minute)


def _holds_reads(queries: CaptureQueriesContext) -> list[str]:
    """The queries that read the holds: by their text, or on PostgreSQL the name of the
    statement prepared from it (members.prepared)."""
    with connection.cursor() as cursor:
        names = {
            prepared_text(cursor, _holds_sql(connection.vendor, excluding=excluding)).split(" (")[0]
            for excluding in (False, True)
        }
    marks = {"blocked_until >", *(name + " " for name in names)}
    return [q["sql"] for q in queries.captured_queries if any(m in q["sql"] for m in marks)]


def _book(space, starts_at, ends_at, **kwargs) -> Booking:
    return request_booking(
        booker=MemberFactory(),
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        title="Choir practice",
        now=at(0) - timedelta(days=1),
        **kwargs,
    )


@pytest.fixture
def buffered_room(venue):
    """Held 15 minutes after each booking, for the cleaners."""
    return SpaceFactory(venue=venue, name="Hall", slug="hall", buffer_after=timedelta(minutes=15))


def test_only_a_room_on_postgresql_is_left_to_the_database(venue):
    room, pool = SpaceFactory(venue=venue), DeskPoolFactory(venue=venue)
    assert refuses_overlaps(room) is (connection.vendor == "postgresql")
    assert refuses_overlaps(pool) is False


@pytest.mark.parametrize(
    ("starts", "ends", "why"),
    [
        ((10, 30), (11, 30), "meets the booking"),
        ((11, 0), (12, 0), "meets its buffer"),
        ((9, 0), (10, 0), "its own buffer meets the booking"),
        ((9, 0), (13, 0), "covers it"),
    ],
)
def test_a_clash_is_refused_with_the_same_words_and_writes_nothing(
    buffered_room, starts, ends, why
):
    BookingFactory(space=buffered_room, starts_at=at(10), ends_at=at(11), blocked_until=at(11, 15))
    counts = (Booking.objects.count(), Event.objects.count(), AuditEntry.objects.count())
    with CaptureQueriesContext(connection) as queries, pytest.raises(BookingError) as refused:
        _book(buffered_room, at(*starts), at(*ends))
    assert refused.value.message == "Hall is already booked then. Try another time.", why
    assert refused.value.code == "clash"
    assert (Booking.objects.count(), Event.objects.count(), AuditEntry.objects.count()) == counts
    # Read first only where the database would not refuse it itself.
    assert bool(_holds_reads(queries)) is not refuses_overlaps(buffered_room)


def test_the_time_just_after_the_buffer_is_free_either_way(buffered_room):
    BookingFactory(space=buffered_room, starts_at=at(10), ends_at=at(11), blocked_until=at(11, 15))
    after = _book(buffered_room, at(11, 30), at(12, 30))
    before = _book(buffered_room, at(9), at(9, 30))  # held until 09:45
    assert after.status == before.status == Booking.Status.CONFIRMED
    assert Booking.objects.filter(space=buffered_room).count() == 3


def test_cancelled_and_declined_bookings_hold_nothing(buffered_room):
    for status in (Booking.Status.CANCELLED, Booking.Status.DECLINED, Booking.Status.NO_SHOW):
        BookingFactory(
            space=buffered_room,
            starts_at=at(10),
            ends_at=at(11),
            blocked_until=at(11, 15),
            status=status,
        )
    assert _book(buffered_room, at(10), at(11)).pk is not None


def test_the_check_step_still_reads_the_holds_and_refuses(buffered_room):
    BookingFactory(space=buffered_room, starts_at=at(10), ends_at=at(11), blocked_until=at(11, 15))
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(BookingError, match="already booked"),
    ):
        _book(buffered_room, at(11), at(12), preview=True)
    assert len(_holds_reads(queries)) == 1


def test_a_desk_pool_still_reads_the_holds(venue):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2, name="Desks", slug="desks")
    BookingFactory.create_batch(2, space=pool, starts_at=at(10), ends_at=at(11))
    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(BookingError, match="All 2 desks of Desks are taken"),
    ):
        _book(pool, at(10), at(11))
    assert len(_holds_reads(queries)) == 1
    assert Booking.objects.filter(space=pool).count() == 2


def test_the_check_step_refuses_a_clash_even_for_a_copy_read_before_the_space_moved(
    buffered_room, venue
):
    """The reads made with the lock were for the copy's venue: they are dropped, and the check
    step still reads the holds itself."""
    from spaces.models import Space
    from tests.factories import VenueFactory

    stale = Space.objects.select_related("venue").get(pk=buffered_room.pk)
    elsewhere = VenueFactory(name="Neighbourhood Lab")
    moved = Space.objects.get(pk=buffered_room.pk)
    moved.venue = elsewhere
    moved.save()
    BookingFactory(space=moved, starts_at=at(10), ends_at=at(11), blocked_until=at(11, 15))
    with pytest.raises(BookingError, match="already booked"):
        _book(stale, at(10), at(11), preview=True)
    assert Booking.objects.filter(space=moved).count() == 1
