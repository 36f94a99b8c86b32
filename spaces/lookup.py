"""A space found by its venue's slug and its own, with its venue: the first read of every page
about one space and of the Book step, so of every booking made on the site.

`Space.objects.select_related("venue").get(venue__slug=..., slug=...)` asks the ORM to build the
same statement on every request, and building it (two models, every column) cost as long as the
database took to answer it (docs/design.md, Speed). Here the statement is written once per
process from the models' own columns, and each row is turned into instances as the ORM's does:
every value through the converters the ORM would apply (SQLite's text dates, decimals and
durations; none on PostgreSQL), then `Model.from_db`, the venue cached on the space as
`select_related` caches it. tests/spaces/test_lookup.py checks every field against the ORM's read.
"""

from collections.abc import Callable
from functools import cache
from typing import Any, cast
from weakref import WeakKeyDictionary

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model
from django.http import Http404

from members.prepared import prepared_text

from .models import Space, Venue

_SPACE, _VENUE = "s", "v"  # the statement's table aliases
_MODELS: tuple[tuple[type[Model], str], ...] = ((Space, _SPACE), (Venue, _VENUE))

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]
# Each connection's converters (bound to its own operations), by column, in the statement's order.
_converters: WeakKeyDictionary[BaseDatabaseWrapper, list[tuple[Any, list[Converter]]]] = (
    WeakKeyDictionary()
)


def _fields(model: type[Model]) -> list[Field]:
    return list(model._meta.concrete_fields)


@cache
def _names(model: type[Model]) -> list[str]:
    return [field.attname for field in _fields(model)]


@cache
def _statement(vendor: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"{alias}.{quote(cast(str, field.column))}"
        for model, alias in _MODELS
        for field in _fields(model)
    )
    return (
        f"SELECT {columns} FROM {quote(Space._meta.db_table)} {_SPACE}"
        f" INNER JOIN {quote(Venue._meta.db_table)} {_VENUE} ON {_VENUE}.id = {_SPACE}.venue_id"
        f" WHERE {_VENUE}.slug = %s AND {_SPACE}.slug = %s"
    )


def _column_converters(wrapper: BaseDatabaseWrapper) -> list[tuple[Any, list[Converter]]]:
    found = _converters.get(wrapper)
    if found is None:
        found = []
        for model, alias in _MODELS:
            for field in _fields(model):
                column = field.get_col(alias)
                found.append(
                    (
                        column,
                        wrapper.ops.get_db_converters(column) + column.get_db_converters(wrapper),
                    )
                )
        _converters[wrapper] = found
    return found


def space_by_slugs(venue_slug: str, space_slug: str) -> Space:
    """The space `space_slug` of the venue `venue_slug`, its venue loaded with it; Http404 if
    there is none (slugs are unique within their venue, and venues' slugs unique)."""
    with connection.cursor() as cursor:
        # Prepared once a session on PostgreSQL: planning it took as long as answering it.
        cursor.execute(
            prepared_text(cursor, _statement(connection.vendor)), [venue_slug, space_slug]
        )
        row = cursor.fetchone()
    if row is None:
        raise Http404("No space matches the given query.")
    wrapper = connections[DEFAULT_DB_ALIAS]  # this thread's (`connection` is a proxy to it)
    values = list(row)
    for index, (column, converters) in enumerate(_column_converters(wrapper)):
        for convert in converters:
            values[index] = convert(values[index], column, wrapper)
    space_names, venue_names = _names(Space), _names(Venue)
    split = len(space_names)
    space = Space.from_db(connection.alias, space_names, values[:split])
    venue = Venue.from_db(connection.alias, venue_names, values[split:])
    Space.venue.field.set_cached_value(space, venue)
    return space
