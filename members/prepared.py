"""Statements prepared once in each PostgreSQL session, then executed by name: the planner runs
once a session, not once a query. For the few hot statements whose planning costs more than a
small share of their answer: the feed poll (feeds/poll.py) and the stats' validator
(stats/cache.py).

A prepared statement lives in its database session (psycopg connection) and survives a
rollback, so it is prepared the first time a session runs it, whatever transaction it is in.
A pooler in front of PostgreSQL must therefore pool sessions, not transactions
(docs/deployment.md).
"""

from collections.abc import Sequence
from typing import Any
from weakref import WeakKeyDictionary

# The names each session (psycopg connection) has prepared; gone with the session.
_prepared: WeakKeyDictionary[Any, set[str]] = WeakKeyDictionary()


def execute_prepared(cursor, *, name: str, prepare: str, params: Sequence[Any]) -> None:
    """Run the statement `name` on `cursor` (a Django cursor on PostgreSQL) with `params`, once
    `prepare` (its whole `PREPARE name ... AS ...` statement) has prepared it in this session."""
    session = cursor.db.connection
    names = _prepared.setdefault(session, set())
    if name not in names:
        # Setting the session up, like Django's own time zone: not a query of the caller's.
        session.execute(prepare)
        names.add(name)
    cursor.execute(f"EXECUTE {name} ({', '.join(['%s'] * len(params))})", params)
