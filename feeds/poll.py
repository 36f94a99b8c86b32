"""A calendar app's poll of `/feeds/<token>.ics` in one SQL statement: the live token, its owner's
right to the feed (members.permissions.with_feed_rights) and a *print* of what the feed's bytes
depend on, so a feed whose print is unchanged is answered 304 without building anything.

The print: the count and the newest `updated_at` of the bookings of the token's scope in the
window, and the newest `updated_at` of all members, organisations, spaces and venues (an
index-only read of one row each: any rename anywhere changes it). It is a superset of what
`builders.feed_validators` reads, so an unchanged print means unchanged validators; a changed
print only means they must be worked out again (`builders.feed_summary`), not that the feed did.

The token's part is the ORM's own SQL for `with_feed_rights`, compiled once per process with
stand-in values and run with the request's: compiling it was half the cost of a poll.
"""

import re
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db import connection
from django.db.models import DateTimeField

from bookings.models import Booking
from members import permissions
from members.models import Member, Organisation
from members.prepared import execute_prepared
from spaces.intervals import Interval
from spaces.models import Space, Venue
from spaces.timezones import db_instant

from .builders import LONGEST_BOOKING
from .models import FeedToken

# The token's row as a poll and its feed read it (name: the ORM's path), with its owner's
# right (with_feed_rights) and what the feed's name and validators take from its target.
_TOKEN_COLUMNS = {
    **{name: name for name in ("id", "owner_id", "scope", "organisation_id", "venue_id")},
    **{name: name for name in ("space_id", "last_used_at", "owner_follows", "owner_manages")},
    # The owner's flags may_use_feed reads (members.permissions says which).
    **{field.removeprefix("owner__"): field for field in permissions.FEED_OWNER_FIELDS},
    "display_name": "owner__display_name",
    "email": "owner__email",
    "organisation_name": "organisation__name",
    "venue_name": "venue__name",
    "venue_updated_at": "venue__updated_at",
    "space_name": "space__name",
    "space_updated_at": "space__updated_at",
    "space_venue_id": "space__venue_id",
    "space_venue_name": "space__venue__name",
    "space_venue_updated_at": "space__venue__updated_at",
}
_NAMES = tuple(_TOKEN_COLUMNS)
_OWNER_FLAGS = [field.removeprefix("owner__") for field in permissions.FEED_OWNER_FIELDS]
_STAND_IN = "\x00feeds.poll token\x00"


@dataclass(frozen=True)
class Poll:
    """The live token, built from the row with what may_use_token, feed_for_token and
    note_token_used read, and the feed's print."""

    token: FeedToken
    # (count of the window's bookings, their newest updated_at, the newest of members,
    # organisations, spaces, venues)
    print: tuple[int | datetime | None, ...]


def _bookings_sql() -> str:
    b = Booking._meta.db_table
    s = Space._meta.db_table
    window = "bk.starts_at < %(end)s AND bk.ends_at > %(start)s AND bk.starts_at >= %(from)s"
    # One branch per scope, each walking one covering index from its target, a one-row scalar
    # subquery over the token `t` (NULL, so no row at once, in the other scopes' branches).
    # Not a join to `t`: SQLite's planner then walked the window's bookings of every space,
    # or scanned the table for a Bloom filter, in the branches of the other scopes (10 ms a
    # poll on a 20,000-booking city, where this takes under 1).
    return f"""
    SELECT bk.updated_at FROM {b} bk
     WHERE bk.booker_id = (SELECT owner_id FROM t WHERE scope = 'member') AND {window}
    UNION ALL
    SELECT bk.updated_at FROM {b} bk
     WHERE bk.organisation_id = (SELECT organisation_id FROM t WHERE scope = 'organisation')
       AND {window}
    UNION ALL
    SELECT bk.updated_at FROM {b} bk
     WHERE bk.space_id = (SELECT space_id FROM t WHERE scope = 'space') AND {window}
    UNION ALL
    SELECT bk.updated_at FROM {b} bk
     WHERE bk.space_id IN (SELECT sp.id FROM {s} sp
                            WHERE sp.venue_id = (SELECT venue_id FROM t WHERE scope = 'venue'))
       AND {window}"""


@dataclass(frozen=True)
class _Statement:
    sql: str  # with %s, for Django's cursor
    params: list  # with stand-ins where the token and the window go
    token_slot: int
    window_slots: list[tuple[int, str]]  # (index in params, "start" | "end" | "from")

    @cached_property
    def prepare(self) -> str:
        """PostgreSQL: the statement to PREPARE once per database session ($n, typed)."""
        numbered = iter(range(1, len(self.params) + 1))
        body = re.sub(r"%s", lambda _: f"${next(numbered)}", self.sql).replace("%%", "%")
        types = [_sql_type(value) for value in self._typed_params()]
        return f"PREPARE {_PREPARED} ({', '.join(types)}) AS {body}"

    def _typed_params(self) -> list:
        typed = list(self.params)
        typed[self.token_slot] = ""
        for slot, _name in self.window_slots:
            typed[slot] = datetime.min
        return typed


def _sql_type(value: object) -> str:
    for kind, name in (
        (bool, "boolean"),
        (int, "bigint"),
        (str, "text"),
        (datetime, "timestamptz"),
    ):
        if isinstance(value, kind):
            return name
    raise TypeError(f"feeds.poll: no SQL type for {value!r}")


def _compile() -> _Statement:
    """The statement, its parameters with stand-ins, and where the request's values go."""
    tokens = permissions.with_feed_rights(FeedToken.objects.live()).filter(token=_STAND_IN)
    token_sql, token_params = (
        tokens.order_by().values_list(*_TOKEN_COLUMNS.values()).query.sql_with_params()
    )
    slots = [i for i, value in enumerate(token_params) if value == _STAND_IN]
    assert len(slots) == 1, "the token query should take the token once"
    newest = ", ".join(
        f"(SELECT MAX(updated_at) FROM {model._meta.db_table})"
        for model in (Member, Organisation, Space, Venue)
    )
    named = _bookings_sql()
    params: list = list(token_params)
    window_slots: list[tuple[int, str]] = []
    # Django's cursor takes %s: note which window value goes where, in the order they appear.
    pieces = named.split("%(")
    body = pieces[0]
    for piece in pieces[1:]:
        name, rest = piece.split(")s", 1)
        window_slots.append((len(params), name))
        params.append(None)
        body += "%s" + rest
    names = ", ".join(_NAMES)
    sql = (
        f"WITH t ({names}) AS ({token_sql}), b AS ({body}) "
        f"SELECT t.*, seen.n, seen.newest, {newest} FROM t, "
        "(SELECT COUNT(*) AS n, MAX(updated_at) AS newest FROM b) seen"
    )
    return _Statement(sql=sql, params=params, token_slot=slots[0], window_slots=window_slots)


_compiled: _Statement | None = None
_lock = threading.Lock()
# Prepared once a database session (members.prepared): once planned generically, a poll skips
# PostgreSQL's planner (about 1 ms of a 304's 2.5 ms).
_PREPARED = "feeds_poll_1"


def _statement() -> _Statement:
    global _compiled
    if _compiled is None:
        with _lock:
            if _compiled is None:
                _compiled = _compile()
    return _compiled


def poll(token: str, window: Interval) -> Poll | None:
    """The live token with this secret and its feed's print, or None (one query)."""
    statement = _statement()
    field = DateTimeField()
    values = {
        "start": window.start,
        "end": window.end,
        "from": window.start - LONGEST_BOOKING,
    }
    prepared = {name: field.get_db_prep_value(v, connection) for name, v in values.items()}
    params = list(statement.params)
    params[statement.token_slot] = token
    for slot, name in statement.window_slots:
        params[slot] = prepared[name]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            execute_prepared(cursor, name=_PREPARED, prepare=statement.prepare, params=params)
        else:
            cursor.execute(statement.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    found = dict(zip(_NAMES, row[: len(_NAMES)], strict=True))
    count, *newest = row[len(_NAMES) :]
    return Poll(token=_token(found), print=(int(count), *(_aware(value) for value in newest)))


def _token(row: dict) -> FeedToken:
    token = FeedToken(
        id=row["id"],
        owner_id=row["owner_id"],
        scope=row["scope"],
        organisation_id=row["organisation_id"],
        venue_id=row["venue_id"],
        space_id=row["space_id"],
        last_used_at=_aware(row["last_used_at"]),
        revoked_at=None,
    )
    token.owner = Member(
        id=row["owner_id"],
        **{name: bool(row[name]) for name in _OWNER_FLAGS},
        display_name=row["display_name"],
        email=row["email"],
    )
    if row["organisation_id"] is not None:
        token.organisation = Organisation(id=row["organisation_id"], name=row["organisation_name"])
    if row["venue_id"] is not None:
        token.venue = Venue(
            id=row["venue_id"], name=row["venue_name"], updated_at=_when(row["venue_updated_at"])
        )
    if row["space_id"] is not None:
        venue = Venue(
            id=row["space_venue_id"],
            name=row["space_venue_name"],
            updated_at=_when(row["space_venue_updated_at"]),
        )
        token.space = Space(
            id=row["space_id"],
            venue=venue,
            name=row["space_name"],
            updated_at=_when(row["space_updated_at"]),
        )
    # What may_use_feed reads instead of asking (permissions.with_feed_rights).
    token.owner_follows = bool(row["owner_follows"])  # type: ignore[attr-defined]
    token.owner_manages = bool(row["owner_manages"])  # type: ignore[attr-defined]
    return token


def _when(value: object) -> datetime:
    """A NOT NULL timestamp of a row the token points to."""
    moment = _aware(value)
    assert moment is not None, "updated_at is never NULL"
    return moment


def _aware(value: object) -> datetime | None:
    """A raw cursor's timestamp as the ORM reads it (SQLite's is naive, or text)."""
    if value is None:
        return None
    return db_instant(value if isinstance(value, datetime) else str(value))
