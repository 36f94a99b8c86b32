"""The bench's notes count statements by kind: a union written in parentheses is a SELECT."""

from collections import Counter

import pytest

from operations.bench.measure import Case, Result, Runner, Timing, statement_kind
from operations.bench.report import _notes


@pytest.mark.parametrize(
    ("sql", "kind"),
    [
        ('SELECT "spaces_space"."id" FROM "spaces_space"', "SELECT"),
        ('(SELECT "weekday" FROM "a") UNION ALL (SELECT "date" FROM "b")', "SELECT"),
        ("((SELECT 1) UNION ALL (SELECT 2))", "SELECT"),
        ('INSERT INTO "bookings_booking" ("uid") VALUES (%s)', "INSERT"),
        ('SAVEPOINT "s1_x1"', "SAVEPOINT"),
        ('RELEASE SAVEPOINT "s1_x1"', "RELEASE"),
        ("\n  select 1", "SELECT"),
        ("BEGIN", "BEGIN"),
    ],
)
def test_a_statement_is_counted_by_its_first_word_whatever_parentheses_open_it(sql, kind):
    assert statement_kind(sql) == kind


def test_the_booking_cases_notes_list_its_statements_even_without_savepoints():
    timing = Timing("booking form", seconds=[0.01], queries=[12], savepoints=[0])
    timing.statements = Counter({"SELECT": 7, "INSERT": 3, "BEGIN": 1, "COMMIT": 1})
    case = Case(key="create", title="Booking creation", contender=Runner("form", lambda: None))
    notes = _notes(Result(case=case, contender=timing, peer=None, floor=None))
    assert notes == "0 savepoints per run (statements: 7 SELECT, 3 INSERT, 1 BEGIN, 1 COMMIT)"


@pytest.mark.django_db
def test_queries_are_counted_in_an_untimed_run_and_every_round_is_timed():
    """The debug cursor that counts queries costs time per query: the timed runs go without it,
    and a case's rounds_per_repeat multiplies its rounds."""
    from django.db import connection

    from operations.bench.measure import measure

    def two_queries() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.execute("SELECT 2")

    def one_query() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    case = Case(
        key="k",
        title="t",
        contender=Runner("two", two_queries),
        floor=Runner("one", one_query),
        rounds_per_repeat=3,
    )
    result = measure(case, repeat=2)
    assert (result.contender.query_count, result.floor.query_count) == (2, 1)
    assert result.contender.queries == [2]  # one counting run; the timed ones count nothing
    assert len(result.contender.seconds) == len(result.floor.seconds) == 6
    assert result.contender.statements == Counter({"SELECT": 2})


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_query_of_several_statements_counts_as_one_query_and_each_statement():
    """The Book step sends the space's lock and its reads as one query on PostgreSQL: one round
    trip, every statement still listed (a semicolon inside a literal is not a statement's end)."""
    from django.db import connection

    from operations.bench.measure import measure

    def together() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1; SELECT 'a; b'; SELECT 3")
            while cursor.nextset():
                pass

    result = measure(Case(key="k", title="t", contender=Runner("one", together)), repeat=1)
    assert result.contender.query_count == 1
    assert result.contender.statements == Counter({"SELECT": 3})
