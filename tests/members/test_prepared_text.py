"""members.prepared.prepared_text: on PostgreSQL (psycopg's client-side binding, Django's default)
a statement written with Django's `%s` is prepared once a database session and then sent as
`EXECUTE`; elsewhere it is sent as written. The Book step's reads go through it: the space by its
slugs (spaces/lookup.py) and the lock with the hours and closures (bookings/locking.py)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.locking import lock_for_checks
from members import prepared
from members.prepared import as_written, prepared_text
from spaces.intervals import Interval
from spaces.lookup import space_by_slugs
from spaces.open_hours import closed_times
from tests.factories import ClosureFactory

SQL = "SELECT CAST(%s AS integer) + 1, 'a%%b'"


def first_words(queries) -> list[str]:
    return [query["sql"].split(" (")[0].split(" ")[0] for query in queries]


@pytest.mark.django_db
def test_sent_as_written_only_where_it_cannot_be_prepared():
    with connection.cursor() as cursor:
        text = prepared_text(cursor, SQL)
        cursor.execute(text, [41])
        assert cursor.fetchone() == (42, "a%b")
    if connection.vendor == "postgresql":
        assert text.startswith("EXECUTE p_")
    else:
        assert text == SQL


@pytest.mark.postgres
@pytest.mark.django_db
def test_prepared_once_a_session_and_answers_as_written():
    with connection.cursor() as cursor:
        text = prepared_text(cursor, SQL)
        assert text.startswith("EXECUTE p_") and text.endswith(" (%s)")
        cursor.execute(text, [41])
        assert cursor.fetchone() == (42, "a%b")  # %% is a literal % in both
        assert prepared_text(cursor, SQL) == text  # not prepared twice: the same name, no error
        other = prepared_text(cursor, SQL.replace("+ 1", "+ 2"))
        assert other != text  # a changed statement is another statement
        cursor.execute(other, [40])
        assert cursor.fetchone() == (42, "a%b")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_it_again():
    with connection.cursor() as cursor:
        cursor.execute(prepared_text(cursor, SQL), [1])
    connection.close()  # the next cursor opens a new session, without the statement
    with connection.cursor() as cursor:
        assert cursor.db.connection not in prepared._prepared
        cursor.execute(prepared_text(cursor, SQL), [1])
        assert cursor.fetchone() == (2, "a%b")


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_space_is_read_prepared_and_whole(room):
    space_by_slugs(room.venue.slug, room.slug)  # prepares it in this session
    with CaptureQueriesContext(connection) as queries:
        found = space_by_slugs(room.venue.slug, room.slug)
    assert first_words(queries) == ["EXECUTE"]
    assert found.pk == room.pk and found.venue.slug == room.venue.slug
    assert found.rate == room.rate and found.slot_step == room.slot_step


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_lock_and_the_rules_reads_are_prepared_and_read_what_they_did(room):
    starts = datetime(2027, 1, 5, 10, tzinfo=UTC)
    ClosureFactory(
        venue=room.venue, starts_at=starts - timedelta(hours=1), ends_at=starts + timedelta(hours=1)
    )
    space = space_by_slugs(room.venue.slug, room.slug)
    lock_for_checks(space, starts, starts + timedelta(hours=1), holds=True)  # prepares them
    with CaptureQueriesContext(connection) as queries:
        locked, known_open, known = lock_for_checks(
            space, starts, starts + timedelta(hours=1), holds=True
        )
    (sent,) = [query["sql"] for query in queries]
    assert [part.split(" ")[0] for part in sent.split("; ")] == ["EXECUTE"] * 3
    assert locked.pk == room.pk
    assert known_open is not None and known is not None
    # The closure is read through the prepared statement, as the statement as written reads it.
    closed = closed_times(space, Interval(starts, starts + timedelta(hours=1)), known_open)
    assert [block.reason for block in closed] == ["Boiler repair"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_logged_query_reads_as_written():
    with connection.cursor() as cursor:
        one, two = prepared_text(cursor, SQL), prepared_text(cursor, "SELECT 1")
    assert as_written(f"{one}; {two}") == f"{SQL}; SELECT 1"
    assert as_written("EXECUTE p_0000000000000000 (1)") == "EXECUTE p_0000000000000000 (1)"
