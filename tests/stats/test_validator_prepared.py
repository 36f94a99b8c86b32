"""On PostgreSQL the stats' validator is a statement prepared once per database session
(stats/cache.py): each warm answer then skips planning its eight subqueries. The keys it gives
are those of the statement as written (every test of tests/stats/test_stats_cache.py runs
through it on PostgreSQL)."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stats import cache as stats_cache
from stats.cache import stats_key
from stats.periods import Period
from tests.factories import BookingFactory

pytestmark = pytest.mark.postgres

WEEK = Period(date(2027, 1, 4), date(2027, 1, 10))


def the_key(venue) -> str:
    return stats_key(venue, WEEK, space=None, with_before=False)


def written_out(venue) -> tuple:
    """The validator's row from its SQL as written, not prepared."""
    with connection.cursor() as cursor:
        cursor.execute(
            stats_cache._validator_sql(),
            {"venue": venue.pk, "end": WEEK.window(venue.zone).end},
        )
        return cursor.fetchone()


@pytest.mark.django_db
def test_the_validator_is_prepared_once_a_session_and_reads_what_the_sql_reads(venue, room):
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    first = the_key(venue)
    with CaptureQueriesContext(connection) as queries:
        again = the_key(venue)

    assert again == first
    assert [query["sql"].split(" (")[0] for query in queries] == ["EXECUTE stats_validator_1"]
    with connection.cursor() as cursor:
        row = stats_cache._validate(cursor, venue, WEEK.window(venue.zone).end)
    assert row == written_out(venue)


@pytest.mark.django_db(transaction=True)
def test_a_new_session_prepares_it_again(venue, room):
    before = the_key(venue)
    connection.close()  # the next query opens a new session, without the statement
    assert the_key(venue) == before
    BookingFactory(space=room, starts_at=datetime(2027, 1, 5, 10, tzinfo=UTC))
    assert the_key(venue) != before
