"""A venue's stats kept in Django's cache (shared by every app server: Redis, or the database
cache), under a key made from everything the figures are computed from.

`cached_stats` first asks the database one question, the *validator*: one row of small
aggregates (one-row subqueries, joined) over every row `compute_stats` reads, or could read, for the venue: its spaces, its
bookings starting before the period ends (the hirers' first bookings reach back that far), the
organisations, its weekly opening hours and their exceptions, its closures, imported
unavailability and community funds. A row added, deleted or changed changes a count, a sum or
a latest `updated_at`, so the key changes with it: nothing has to invalidate the cache, and no
writer (bulk updates included, when they set `updated_at` as the services do) has to know it
exists. The key also holds the venue's own fields that the figures use, the period, the space,
the language (the labels of kinds of hirer and activities are translated when computed) and
`VERSION`, raised when the computation changes. On a miss (PostgreSQL, outside a transaction)
the key is read again and the figures computed in one REPEATABLE READ snapshot, so a key never
holds figures of another state of the database.

Tables without `updated_at` (opening hours, exceptions, closures, unavailability, funds) are
summed over the columns the figures read (ids, times, dates, spaces). An organisation edit
changes every venue's key (organisations are few and rarely edited; joining them to a venue's
bookings would cost more than it saves). The validator reads a venue's whole booking history,
from the covering index (`booking_space_cover`), so it grows with that history, slowly.
"""

import hashlib
import pickle
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Model
from django.utils.translation import get_language

from bookings.models import Booking
from members.models import Organisation
from members.prepared import execute_prepared
from memberships.models import CommunityFund
from spaces.models import Closure, OpeningException, OpeningHours, Space, Unavailability, Venue

from .figures import PackedDaily, Stats
from .occupancy import compute_stats
from .periods import Period

# Raise when compute_stats or Stats change, so that no figure computed the old way is served.
VERSION = 1
# Kept a day: a key changes with any change, so the time only bounds what an unused key holds.
TIMEOUT = 24 * 3600


def _number(column: str) -> str:
    """SQL for a date, time or datetime column as a number (the same number for the same value)."""
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM {column})"
    return f"julianday({column})"


def _instants(column: str) -> str:
    """SQL for the exact sum of a datetime column over many rows (as an interval on PostgreSQL:
    whole microseconds, faster than numbers)."""
    if connection.vendor == "postgresql":
        return f"SUM({column} - TIMESTAMPTZ 'epoch')"
    return f"SUM(julianday({column}))"


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _validator_sql() -> str:
    """The validator: one row of aggregates, a few for each table the figures read."""
    updated = f"COUNT(*), {_instants('updated_at')}, MAX(updated_at)"
    timed = (
        f"COUNT(*), {_instants('starts_at')}, {_instants('ends_at')},"
        " SUM(id + 1000003 * COALESCE(space_id, 0))"
    )
    venue = "venue_id = %(venue)s"
    spaces = f"SELECT id FROM {_table(Space)} WHERE {venue}"
    aggregates = [
        # Only columns of the covering index `booking_space_cover`: an index-only scan. A change
        # moves updated_at (to whatever value: the sum moves), a deletion the count.
        f"SELECT {updated} FROM {_table(Booking)}"
        f" WHERE space_id IN ({spaces}) AND starts_at < %(end)s",
        f"SELECT {updated}, SUM(id) FROM {_table(Space)} WHERE {venue}",
        f"SELECT {updated}, SUM(id) FROM {_table(Organisation)}",
        f"SELECT COUNT(*), SUM((weekday + 1) * {_number('opens')}),"
        f" SUM((weekday + 1) * {_number('closes')}), SUM(id)"
        f" FROM {_table(OpeningHours)} WHERE {venue}",
        f"SELECT COUNT(*), SUM({_number('date')}),"
        f" SUM(COALESCE({_number('opens')}, -1) + 3 * COALESCE({_number('closes')}, -1)),"
        f" SUM(id) FROM {_table(OpeningException)} WHERE {venue}",
        f"SELECT {timed} FROM {_table(Closure)} WHERE {venue}",
        f"SELECT {timed} FROM {_table(Unavailability)} WHERE {venue}",
        "SELECT COUNT(*), SUM(CASE WHEN hours IS NULL THEN id ELSE 0 END), SUM(id),"
        f" SUM(organisation_id) FROM {_table(CommunityFund)} WHERE {venue}",
    ]
    # Each aggregate is one row: joined, they are one row too.
    return "SELECT * FROM " + ", ".join(
        f"({aggregate}) AS t{at}" for at, aggregate in enumerate(aggregates)
    )


# Planning the validator's eight subqueries took about 1 ms of a warm answer's 6–9 on the 1 M city
# (docs/benchmarks.md, the sixth session), every time: on PostgreSQL it is prepared once a
# database session (members.prepared).
_PREPARED = "stats_validator_1"


@lru_cache(maxsize=1)
def _prepare_sql() -> str:
    """PostgreSQL: PREPARE the validator, its venue $1 and its end $2."""
    body = _validator_sql().replace("%(venue)s", "$1").replace("%(end)s", "$2")
    return f"PREPARE {_PREPARED} (bigint, timestamptz) AS {body}"


def _validate(cursor, venue: Venue, end: datetime) -> tuple:
    """The validator's row."""
    if connection.vendor == "postgresql":
        execute_prepared(cursor, name=_PREPARED, prepare=_prepare_sql(), params=[venue.pk, end])
    else:
        cursor.execute(_validator_sql(), {"venue": venue.pk, "end": end})
    return cursor.fetchone()


def stats_key(venue: Venue, period: Period, *, space: Space | None, with_before: bool) -> str:
    """The cache key of these figures as the database holds them now: one query."""
    window = period.window(venue.zone)
    with connection.cursor() as cursor:
        found = [str(value) for value in _validate(cursor, venue, window.end)]
    what = (
        VERSION,
        venue.pk,
        str(venue.updated_at),  # a renamed venue too: its spaces carry it
        venue.time_zone,
        str(venue.peak_starts),
        str(venue.peak_ends),
        str(venue.opened_for_sharing_on),
        str(venue.baseline_weekly_hours),
        period.first.isoformat(),
        period.last.isoformat(),
        space.pk if space is not None else None,
        with_before,
        get_language(),
        found,
    )
    digest = hashlib.sha256(repr(what).encode()).hexdigest()
    return f"stats:{venue.pk}:{digest}"


@contextmanager
def _one_snapshot() -> Iterator[bool]:
    """On PostgreSQL, outside a transaction: one REPEATABLE READ transaction, so that the key and
    the figures computed are of the same state (a booking made between them and removed later
    would otherwise leave the old key holding figures with it). Yields whether it opened one."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield True


def cached_stats(
    venue: Venue, period: Period, *, space: Space | None = None, with_before: bool = False
) -> Stats:
    """`compute_stats(venue, period, space=space, with_before=with_before)`, from the shared cache
    when nothing it depends on has changed since it was computed (see the module's docstring)."""
    key = stats_key(venue, period, space=space, with_before=with_before)
    packed = cache.get(key)
    if packed is not None:
        stats = pickle.loads(zlib.decompress(packed))
    else:
        with _one_snapshot() as snapshot:
            if snapshot:  # the key of exactly what compute_stats reads
                key = stats_key(venue, period, space=space, with_before=with_before)
            stats = compute_stats(venue, period, space=space, with_before=with_before)
        for each in (stats, stats.before):
            if each is not None:
                each.daily = PackedDaily(each.daily)
        cache.set(key, zlib.compress(pickle.dumps(stats, pickle.HIGHEST_PROTOCOL), 1), TIMEOUT)
    # The caller's venue, as loaded, on the figures and on their spaces.
    for each in (stats, stats.before):
        if each is not None:
            each.venue = venue
            for one in each.spaces:
                one.venue = venue
    return stats
