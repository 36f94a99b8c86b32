"""bookings.locking.lock_space_then sends the space's lock and the rules' reads as one query on
PostgreSQL, and each read still sees what was committed while the lock was waited for: every
statement of a query has its own snapshot. Elsewhere the reads run one after another; either
way their rows are the ones the single reads give."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.availability import held_around, holds_from, holds_statement
from bookings.locking import lock_for_checks, lock_space_then
from spaces.intervals import Interval
from spaces.models import Space
from spaces.open_hours import known_for, known_from, known_statement
from tests.factories import BookingFactory, ClosureFactory, SpaceFactory

TUESDAY = datetime(2027, 1, 5, tzinfo=UTC)
REACH = Interval(TUESDAY, TUESDAY + timedelta(days=1))


def read(space: Space) -> Space:
    """The space as the booking page reads it."""
    return Space.objects.select_related("venue").get(pk=space.pk)


@pytest.mark.django_db
def test_the_reads_give_what_the_single_reads_give(venue, room):
    BookingFactory(space=room, starts_at=TUESDAY + timedelta(hours=10))
    ClosureFactory(venue=venue, starts_at=TUESDAY + timedelta(hours=15), reason="Boiler")
    fresh = read(room)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        locked, rows = lock_space_then(
            fresh, known_statement(fresh, REACH), holds_statement(fresh, REACH)
        )
    assert locked is fresh and rows is not None
    hours, holds = rows
    assert len(queries) == (1 if connection.vendor == "postgresql" else 3)
    # The rows read back into what the single reads give.
    assert known_from(fresh, REACH, hours) == known_for(fresh, REACH)
    assert holds_from(holds) == held_around(fresh, REACH)
    assert len(holds) == 1 and known_for(fresh, REACH).blocked[room.pk][0].reason == "Boiler"


@pytest.mark.django_db
def test_lock_for_checks_reads_the_holds_only_when_asked(room):
    BookingFactory(space=room, starts_at=TUESDAY + timedelta(hours=10))
    fresh = read(room)
    starts, ends = TUESDAY + timedelta(hours=9), TUESDAY + timedelta(hours=12)
    with transaction.atomic():
        _space, known_open, without = lock_for_checks(fresh, starts, ends, holds=False)
        _space, _open, known = lock_for_checks(fresh, starts, ends, holds=True)
    assert known_open is not None and without is None
    assert known is not None
    assert known.holds[room.pk] == [(TUESDAY + timedelta(hours=10), TUESDAY + timedelta(hours=11))]


@pytest.mark.django_db
def test_a_space_moved_to_another_venue_since_it_was_read_gives_no_rows(room):
    stale = read(room)
    other = SpaceFactory()  # with a venue of its own
    moved = read(room)
    moved.venue = other.venue
    moved.save()
    with transaction.atomic():
        locked, rows = lock_space_then(stale, known_statement(stale, REACH))
    assert locked.venue_id == other.venue_id
    assert rows is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_read_sent_with_the_lock_sees_the_booking_committed_while_it_waited(room):
    """Another transaction holds the space's lock and books 10:00–11:00; the lock and the holds
    read, sent as one query meanwhile, wait for it and then find that booking."""
    fresh = read(room)
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def book_elsewhere() -> None:
        try:
            with transaction.atomic():
                Space.objects.select_for_update().get(pk=room.pk)
                BookingFactory(space=room, starts_at=TUESDAY + timedelta(hours=10))
                holding.set()
                release.wait(timeout=10)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)
            holding.set()
        finally:
            connection.close()

    other = threading.Thread(target=book_elsewhere)
    other.start()
    assert holding.wait(timeout=10)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _locked, rows = lock_space_then(fresh, holds_statement(fresh, REACH))
    waited = time.monotonic() - started
    other.join(timeout=10)

    assert failures == []
    assert waited >= 0.4  # the query waited for the other transaction's lock
    assert len(queries) == 1  # the lock and the read: one query
    assert rows is not None
    assert rows[0] == [(TUESDAY + timedelta(hours=10), TUESDAY + timedelta(hours=11))]


@pytest.mark.django_db
def test_one_after_another_where_one_query_cannot_carry_them(monkeypatch, venue, room):
    """A server-side binding cursor (prepared statements) takes one statement a query: the lock
    and the reads then go one after another, with the same rows."""
    from bookings import locking

    BookingFactory(space=room, starts_at=TUESDAY + timedelta(hours=10))
    fresh = read(room)
    with transaction.atomic():
        _space, together = lock_space_then(
            fresh, known_statement(fresh, REACH), holds_statement(fresh, REACH)
        )
    monkeypatch.setattr(locking, "_several_at_once", lambda cursor: False)
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        _space, apart = lock_space_then(
            fresh, known_statement(fresh, REACH), holds_statement(fresh, REACH)
        )
    assert len(queries) == 3
    assert apart == together and apart is not None and len(apart[1]) == 1
