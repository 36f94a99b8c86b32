"""The stats cache's validator and the feeds' ETags read a space's (or a member's) bookings from
a covering index on either database: on PostgreSQL booking_space_cover and booking_booker_cover
INCLUDE the columns they aggregate; SQLite has no INCLUDE, so there (migration bookings 0017)
those columns are trailing key columns of the same indexes. Without it SQLite read every
booking's row of a venue's history on each stats hit."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from bookings.models import Booking
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

TABLE = Booking._meta.db_table
HELD = "ends_at, blocked_until, updated_at, status, organisation_id"


def _sqlite_plan(sql: str, params: list) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return " ".join(str(row[-1]) for row in cursor.fetchall())


def _postgresql_definition(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("index", "keys", "included"),
    [
        ("booking_space_cover", "space_id, starts_at", f"{HELD}, booker_id"),
        ("booking_booker_cover", "booker_id, starts_at", HELD),
    ],
)
def test_the_windows_bookings_are_read_from_the_index_alone(member, room, index, keys, included):
    for hour in (9, 10, 11):
        BookingFactory(space=room, booker=member, starts_at=datetime(2027, 1, 5, hour, tzinfo=UTC))
    lead = keys.split(",")[0]
    sql = (
        f"SELECT COUNT(*), MAX({'), MAX('.join(included.split(', '))})"
        f" FROM {TABLE} WHERE {lead} = %s AND starts_at < %s"
    )
    params = [room.pk if lead == "space_id" else member.pk, datetime(2028, 1, 1, tzinfo=UTC)]
    if connection.vendor == "sqlite":
        assert f"USING COVERING INDEX {index} " in _sqlite_plan(sql, params)
    else:
        definition = _postgresql_definition(index)
        assert f"({keys}) INCLUDE ({included})" in definition, definition
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] == 3
