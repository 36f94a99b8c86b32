"""request_booking locks the space it is given and keeps the caller's copy only while the row is
unchanged since it was read (bookings.locking.lock_space_then): a copy read before a manager's
change is read again, so the rules, the price and the mirror's calendar are always the row's."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from schedule.models import Calendar

from bookings.models import Booking
from members.prepared import as_written
from spaces.models import Space
from tests.bookings.conftest import at
from tests.bookings.test_lock_scope import locked_elsewhere

pytestmark = pytest.mark.django_db


def read(space: Space) -> Space:
    """The space as the booking page reads it."""
    return Space.objects.select_related("venue").get(pk=space.pk)


def test_a_copy_read_before_approval_was_required_books_a_request(book, room):
    stale = read(room)
    changed = read(room)
    changed.requires_approval = True
    changed.save()

    booking = book(stale, at(10), at(11))

    assert booking.status == Booking.Status.PENDING
    assert booking.space.requires_approval


def test_a_copy_read_before_the_rate_changed_is_priced_at_the_new_rate(book, room):
    stale = read(room)
    changed = read(room)
    changed.rate = Decimal("12.00")
    changed.save()

    booking = book(stale, at(10), at(12))

    assert booking.price == Decimal("24.00")


def test_a_copy_read_before_the_space_had_a_calendar_books_onto_that_calendar(book, room):
    stale = read(room)
    assert stale.calendar_id is None
    first = book(room, at(9), at(10))  # the first booking creates the calendar

    second = book(stale, at(10), at(11))

    assert second.event.calendar_id == first.event.calendar_id == Space.objects.get().calendar_id
    assert Calendar.objects.filter(slug=f"space-{room.pk}").count() == 1


def test_an_unchanged_copy_is_locked_without_reading_the_space_again(book, room):
    book(room, at(9), at(10))  # the calendar exists; the copy below has it
    fresh = read(room)
    table = Space._meta.db_table

    with CaptureQueriesContext(connection) as queries:
        booking = book(fresh, at(10), at(11))

    # On PostgreSQL the rules' reads follow the lock in the same query: its first statement.
    # (As written: on PostgreSQL they are sent as prepared statements, members.prepared.)
    statements = [sql for query in queries for sql in as_written(query["sql"]).split("; ")]
    of_spaces = [sql for sql in statements if f'FROM "{table}"' in sql]
    assert len(of_spaces) == 1, of_spaces
    assert of_spaces[0].startswith("SELECT updated_at, calendar_id")
    if connection.features.has_select_for_update:
        assert of_spaces[0].rstrip().endswith("FOR UPDATE")
    assert booking.space is fresh


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_unchanged_copy_still_holds_the_space_lock_until_the_booking_commits(book, room):
    book(room, at(9), at(10))
    fresh = read(room)
    with transaction.atomic():
        book(fresh, at(10), at(11))
        assert locked_elsewhere(Space, room.pk)
    assert not locked_elsewhere(Space, room.pk)
