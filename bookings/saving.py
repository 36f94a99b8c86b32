"""Saving a booking (or a space) the services have checked: field limits as a sentence, and the
database's own guards translated into the same answer the checks would have given.

`check_booking_fields` validates what the rules do not cover (a title too long), with no query.
What `full_clean` would add costs a query each and cannot fail for a booking a service built:
its relations are rows the service has just read or locked, its uid is random and unique in
the database, and the model's check constraints are CHECK constraints in the database too, each
a rule the services check first (times, buffer, attendees, price, fund, status). Measured, those
queries were 44 % of a booking's creation.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any, cast

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, models
from django.db.models import Field, Model
from django.utils.translation import gettext as _
from schedule.models import Event

from members import audit
from members.audit import AuditEntry
from spaces.models import Space

from .models import Booking
from .rules import BookingError

# Named in the error raised by the PostgreSQL trigger of migration 0003 (desk pool seats).
SEATS_GUARD = "booking_seats_within_pool"


def check_booking_fields(booking: Booking) -> None:
    """Field limits the checks do not cover (a title too long): a sentence, not a crash; no query."""

    def validate() -> None:
        booking.clean_fields(
            exclude=[field.name for field in booking._meta.fields if field.is_relation]
        )
        booking.clean()

    _as_booking_error(validate)


def check_fields(instance: models.Model) -> None:
    """All of `full_clean` (field limits, unique fields, constraints) as a sentence, not a crash."""
    _as_booking_error(instance.full_clean)


def _as_booking_error(validate: Callable[[], None]) -> None:
    try:
        validate()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def save_guarded(booking: Booking, space: Space) -> None:
    """Save `booking`; if PostgreSQL's own guards (migrations 0002 and 0003) catch what the checks
    should have, give the same answer as the checks would have given.

    Called inside a service's transaction (each service is atomic): the error leaves it, which
    rolls it back, so no savepoint of its own is needed.
    """
    with _guarded(space):
        booking.save()


def refuses_overlaps(space: Space) -> bool:
    """Whether the database itself refuses a new booking of `space` whose hold meets another
    active one's, with check_free's very words (`_guarded`): PostgreSQL's exclusion constraint
    (migration 0002) on an exclusive space. A single booking of one (request_booking) need not
    read the holds first: its INSERT, under the same lock, finds any clash. A desk pool's
    seats trigger (migration 0003) is not relied on in its place, nor SQLite, which has neither."""
    return connection.vendor == "postgresql" and not space.is_desk_pool


def save_new(booking: Booking, space: Space, *, event: Event, entry: AuditEntry) -> None:
    """Write a new `booking` with its mirror `event` and its audit `entry` (all three unsaved),
    guarded as save_guarded is.

    On PostgreSQL it is one statement: the three INSERTs chained by a WITH, each row taking the
    id the one before it was given. The ORM would send three statements, and building them cost
    it more than the database spent writing the rows (docs/design.md, Speed). The columns are
    the models' own, each value prepared by its field as the ORM prepares it. Elsewhere (SQLite,
    in-process: no round trips to save) the ORM writes them one after another.
    """
    gathered = audit.gathering()  # a series' dates: their entries are written together
    if connection.vendor != "postgresql":
        event.save()
        booking.event = event
        save_guarded(booking, space)
        entry.subject_id = booking.pk
        audit.write(entry)
        return
    rows: list[Model] = [event, booking] if gathered else [event, booking, entry]
    values = [_prepared(row) for row in rows]
    # NULLs are written into the statement, not sent: a new booking has a dozen, and with them
    # psycopg's limit for the statements it parses once (50 parameters) was passed.
    nulls = tuple(tuple(value is None for value in row) for row in values)
    params = [value for row in values for value in row if value is not None]
    with _guarded(space), connection.cursor() as cursor:
        cursor.execute(_chained_insert(nulls), params)
        ids = cursor.fetchone()
    for row, pk in zip(rows, ids, strict=True):
        row.pk = pk
        row._state.adding, row._state.db = False, connection.alias
    booking.event = event
    entry.subject_id = booking.pk
    if gathered:
        audit.write(entry)


# The order of the chain, and the column of each row that holds the id of the row before it.
_CHAIN: tuple[tuple[type[Model], str | None], ...] = (
    (Event, None),
    (Booking, "event_id"),
    (AuditEntry, "subject_id"),
)
_LINKED = dict(_CHAIN)


@cache
def _columns(model: type[Model]) -> list[Field]:
    """The columns an INSERT of `model` writes, the linked one (if any) last."""
    linked = _LINKED[model]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.generated and field.attname != linked
    ]
    return fields + [field for field in model._meta.concrete_fields if field.attname == linked]


def _prepared(row: Model) -> list[Any]:
    """The values of `row`'s columns as the ORM's INSERT prepares them (auto_now fields are set
    on `row` too), but for the linked one: the statement fills that in."""
    fields = _columns(type(row))
    if _LINKED[type(row)] is not None:
        fields = fields[:-1]
    return [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]


@lru_cache(maxsize=64)
def _chained_insert(nulls: tuple[tuple[bool, ...], ...]) -> str:
    """WITH r0 AS (INSERT event ... RETURNING id), r1 AS (INSERT booking ... (SELECT id FROM r0)
    RETURNING id) INSERT audit entry ... (SELECT id FROM r1) RETURNING each row's id: the first
    rows of the chain, one per entry of `nulls`, which says of each value `_prepared` gives for
    the row whether it is NULL (written as such) or a parameter."""
    quote = connection.ops.quote_name
    inserts = []
    for n, ((model, linked), null) in enumerate(zip(_CHAIN, nulls, strict=False)):
        fields = _columns(model)
        values = ["NULL" if is_null else "%s" for is_null in null]
        if linked is not None:
            values.append(f"(SELECT id FROM r{n - 1})")
        assert len(values) == len(fields)
        columns = ", ".join(quote(cast(str, field.column)) for field in fields)
        inserts.append(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(values)})"
        )
    *first, last = inserts
    chained = ", ".join(f"r{n} AS ({sql} RETURNING id)" for n, sql in enumerate(first))
    ids = ", ".join([*(f"(SELECT id FROM r{n})" for n in range(len(first))), "id"])
    return f"WITH {chained} {last} RETURNING {ids}"


@contextmanager
def _guarded(space: Space) -> Iterator[None]:
    """PostgreSQL's guards (the overlap constraint, the seats trigger) as the checks' answers."""
    try:
        yield
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise BookingError(
                _("%(space)s is already booked then. Try another time.") % {"space": space.name},
                code="clash",
            ) from exc
        if SEATS_GUARD in str(exc):
            raise BookingError(
                _(
                    "All %(seats)d desks of %(space)s are taken for some of that time. Try another time."
                )
                % {"seats": space.seats, "space": space.name},
                code="clash",
            ) from exc
        raise
