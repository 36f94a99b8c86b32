"""The bench's notes count statements by kind: a union written in parentheses is a SELECT."""

import pytest

from operations.bench.measure import statement_kind


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
