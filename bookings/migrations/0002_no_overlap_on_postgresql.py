"""No double booking, enforced by PostgreSQL itself.

An exclusion constraint: no two active (pending or confirmed) bookings of the same exclusive space
may have overlapping [starts_at, blocked_until) ranges. SQLite has no such constraint; there the
booking service's check runs inside a write-locked (IMMEDIATE) transaction instead.
The constraint lives outside the model state so that Django never tries to build it on SQLite.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

CONSTRAINT = "booking_no_overlap_in_exclusive_space"


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        PostgreSQLOnly(
            sql=f"""
                ALTER TABLE bookings_booking ADD CONSTRAINT {CONSTRAINT}
                EXCLUDE USING gist (space_id WITH =, tstzrange(starts_at, blocked_until, '[)') WITH &&)
                WHERE (exclusive AND status IN ('pending', 'confirmed'))
            """,
            reverse_sql=f"ALTER TABLE bookings_booking DROP CONSTRAINT {CONSTRAINT}",
        ),
    ]
