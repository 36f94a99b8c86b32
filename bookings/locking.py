"""The space's row lock, taken by every service that books, moves or decides a booking of the
space (bookings.services) before it reads the space's other bookings: two requests for the same
time queue here rather than both passing the checks."""

from django.db import connection

from spaces.models import Space
from spaces.timezones import db_instant


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


def lock_space_as_read(space: Space) -> Space:
    """lock_space for a caller's copy as it read it from the database (the booking page reads
    the space just before): the row is locked, and read again only if it changed since (its
    `updated_at`, which every save of a space moves). The ORM's locking read cost more than the
    rest of the lock (docs/design.md, Speed); this is one short indexed statement."""
    if space.updated_at is None or not Space.venue.is_cached(space):
        return lock_space(space)
    table, ops = Space._meta.db_table, connection.ops
    lock = ops.for_update_sql() if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT updated_at, calendar_id FROM {ops.quote_name(table)} WHERE id = %s {lock}",
            [space.pk],
        )
        row = cursor.fetchone()
    if row is None or db_instant(row[0]) != space.updated_at:
        return lock_space(space)
    # The calendar is set without a save the first time a space's booking is mirrored.
    space.calendar_id = row[1]
    return space
