"""The space's row lock, taken by every service that books, moves or decides a booking of the
space (bookings.services) before it reads the space's other bookings: two requests for the same
time queue here rather than both passing the checks."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from psycopg import ClientCursor

from members.prepared import prepared_text
from spaces.models import Space
from spaces.open_hours import KnownOpen, known_from, known_statement
from spaces.timezones import db_instant

from .availability import Known, holds_from, holds_statement
from .rules import free_window, hours_window

# A statement and its parameters.
Statement = tuple[str, Sequence[Any]]


def lock_space(space: Space) -> Space:
    """The space's row, locked for the rest of the caller's transaction, and read again."""
    # Lock late, lock once: every booking of this space queues here, and only here: of=self
    # leaves the venue's row alone, so bookings of different spaces never wait for each other
    # (shared allowances and funds take their own row locks). On SQLite the IMMEDIATE
    # transaction mode (settings) already holds the database write lock. The caller's venue is
    # kept (it is not locked either way): only the space's row is read again.
    locked = Space.objects.select_for_update(of=("self",))
    if not Space.venue.is_cached(space):
        return locked.select_related("venue").get(pk=space.pk)
    row = locked.get(pk=space.pk)
    if row.venue_id == space.venue_id:
        row.venue = space.venue
    return row


def lock_space_then(space: Space, *reads: Statement) -> tuple[Space, list[list[tuple]] | None]:
    """lock_space for a caller's copy as it read it from the database (the booking page reads
    the space just before), then `reads` (statements and their parameters), in order: the
    space, and each read's rows (None if the space moved to another venue since the copy was
    read: the reads were written for the old one).

    The row is locked, and read again only if it changed since (its `updated_at`, which every
    save of a space moves); the ORM's locking read of the whole row cost more than the rest of
    the lock (docs/design.md, Speed), this is one short indexed statement.

    Each read sees everything committed before the lock was granted, as a statement sent after
    it would: PostgreSQL gives every statement of a query its own snapshot (read committed). On
    PostgreSQL with client-side binding (Django's default) the lock and the reads are one query,
    one round trip, rather than one each (docs/design.md, Speed); elsewhere they run one after
    another."""
    if space.updated_at is None or not Space.venue.is_cached(space):
        locked = lock_space(space)
        rows = _run(list(reads)) if reads else []
        return locked, rows if locked.venue_id == space.venue_id else None
    table, ops = Space._meta.db_table, connection.ops
    lock = ops.for_update_sql() if connection.features.has_select_for_update else ""
    statement = f"SELECT updated_at, calendar_id FROM {ops.quote_name(table)} WHERE id = %s {lock}"
    first, *rows = _run([(statement, [space.pk]), *reads])
    row = first[0] if first else None
    if row is None or db_instant(row[0]) != space.updated_at:
        locked = lock_space(space)
        return locked, rows if locked.venue_id == space.venue_id else None
    # The calendar is set without a save the first time a space's booking is mirrored.
    space.calendar_id = row[1]
    return space, rows


def lock_for_checks(
    space: Space, starts_at: datetime, ends_at: datetime, *, holds: bool
) -> tuple[Space, KnownOpen | None, Known | None]:
    """The space locked (lock_space_then) with what check_rules reads for a booking of it over
    [starts_at, ends_at), and, if `holds`, what check_free reads: one round trip on PostgreSQL.
    None for what was not read (or was read for a venue the space has left)."""
    if ends_at <= starts_at:  # no time to read for: check_rules refuses it
        return lock_space_then(space)[0], None, None
    hours = hours_window(starts_at, ends_at)
    reach = free_window(space, starts_at, ends_at)
    reads = [known_statement(space, hours)]
    if holds:
        reads.append(holds_statement(space, reach))
    locked, rows = lock_space_then(space, *reads)
    if rows is None:
        return locked, None, None
    known_open = known_from(space, hours, rows[0])
    if not holds:
        return locked, known_open, None
    return locked, known_open, Known(known_open, reach, {space.pk: holds_from(rows[1])})


def _run(statements: list[Statement]) -> list[list[tuple]]:
    """Each statement's rows, the statements sent as one query where the cursor allows it."""
    with connection.cursor() as cursor:
        if len(statements) > 1 and _several_at_once(cursor):
            # Each prepared once a session (members.prepared): planning the hours and closures'
            # read took longer than answering it.
            cursor.execute(
                "; ".join(prepared_text(cursor, sql) for sql, _params in statements),
                [value for _sql, params in statements for value in params],
            )
            found = [cursor.fetchall()]
            while cursor.nextset():
                found.append(cursor.fetchall())
            return found
        found = []
        for sql, params in statements:
            cursor.execute(prepared_text(cursor, sql), params)
            found.append(cursor.fetchall())
        return found


def _several_at_once(cursor) -> bool:
    """Whether one execute may carry several statements: psycopg's client-side binding cursor
    (server-side binding prepares each query, which must then be a single statement)."""
    return connection.vendor == "postgresql" and isinstance(cursor.cursor, ClientCursor)
