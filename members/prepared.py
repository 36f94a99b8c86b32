"""Statements prepared once in each PostgreSQL session, then executed by name: the planner runs
once a session, not once a query. For the few hot statements whose planning costs more than a
small share of their answer: the feed poll (feeds/poll.py), the stats' validator
(stats/cache.py), and the Book step's reads (spaces/lookup.py, bookings/locking.py).

A prepared statement lives in its database session (psycopg connection) and survives a
rollback, so it is prepared the first time a session runs it, whatever transaction it is in.
A pooler in front of PostgreSQL must therefore pool sessions, not transactions
(docs/deployment.md).
"""

import hashlib
import re
from collections.abc import Sequence
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from psycopg import ClientCursor

# The names each session (psycopg connection) has prepared; gone with the session.
_prepared: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()
# The text each name of prepared_text's stands for (a few statements: those written in the code).
_written: dict[str, str] = {}
_EXECUTE = re.compile(r"EXECUTE (p_[0-9a-f]{16})\b(?: \([^;]*\))?")


def execute_prepared(cursor, *, name: str, prepare: str, params: Sequence[Any]) -> None:
    """Run the statement `name` on `cursor` (a Django cursor on PostgreSQL) with `params`, once
    `prepare` (its whole `PREPARE name ... AS ...` statement) has prepared it in this session."""
    _ensure(cursor, name, prepare)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)


def prepared_text(cursor, sql: str) -> str:
    """What to send for `sql` (Django's `%s` placeholders, their types inferred by PostgreSQL
    from where they stand) with the same parameters: `EXECUTE` of it prepared in the cursor's
    session (prepared now if it is not yet), named after its text, so that a changed statement
    is another statement. `sql` itself where it cannot be prepared this way: not PostgreSQL, or
    psycopg's server-side binding (which prepares queries itself, and sends no `EXECUTE`'s
    parameters). Several such texts may go in one query (bookings.locking)."""
    if cursor.db.vendor != "postgresql" or not isinstance(cursor.cursor, ClientCursor):
        return sql
    name, prepare, execute = _texts(sql)
    _ensure(cursor, name, prepare)
    return execute


@cache
def _texts(sql: str) -> tuple[str, str, str]:
    """`sql`'s name, its PREPARE and its EXECUTE, worked out once a process."""
    name = "p_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
    count = sql.count("%s")
    numbered = iter(range(1, count + 1))
    body = re.sub(r"%s", lambda _: f"${next(numbered)}", sql).replace("%%", "%")
    _written[name] = sql
    execute = f"EXECUTE {name} ({', '.join(['%s'] * count)})" if count else f"EXECUTE {name}"
    return name, f"PREPARE {name} AS {body}", execute


def _ensure(cursor, name: str, prepare: str) -> None:
    session = cursor.db.connection
    names = _prepared.setdefault(session, set())
    if name not in names:
        # Setting the session up, like Django's own time zone: not a query of the caller's.
        session.execute(prepare)
        names.add(name)


def as_written(sent: str) -> str:
    """`sent` (a query as Django logged it) with each `EXECUTE` of prepared_text's replaced by
    the statement it stands for, as written (its `%s` unfilled): for tests and for reading logs."""
    return _EXECUTE.sub(lambda found: _written.get(found[1], found[0]), sent)
