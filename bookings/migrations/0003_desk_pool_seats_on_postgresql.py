"""A desk pool never holds more seats than it has, enforced by PostgreSQL itself.

A seat count is not a pairwise overlap, so no exclusion constraint can say it. Instead a
constraint trigger runs after each insert or update of an active (pending or confirmed)
non-exclusive booking, at the end of the statement, for any writer (the services, the admin, a
bulk insert, a shell). It locks the space row, so that two such writes to one space queue rather
than both counting before either commits, then sweeps the active bookings of the space over the
new row's [starts_at, blocked_until) and raises unless the most held at any instant is within
`spaces_space.seats`. The check runs at statement end (not deferred to commit) so that the
booking service can catch it around its own save.

A partial GiST index on the active non-exclusive rows (space, held range) keeps the check to the
bookings near the new one: without it each insert scanned the space's whole history (measured:
28 ms per insert into a pool with 20,000 past bookings, and quadratic time for a bulk insert).

An update that only narrows what a row already held (approving a pending booking, a new title)
is not checked again: it cannot take a seat that was not already taken. The lock is FOR NO KEY
UPDATE, which does not conflict with the key-share locks of foreign keys to the space.

SQLite has no such trigger; there the booking service's check runs inside a write-locked
(IMMEDIATE) transaction instead. Like 0002, this lives outside Django's model state.
"""

from django.db import migrations

GUARD = "booking_seats_within_pool"
HOLDS_INDEX = "booking_pool_holds"

FUNCTION = f"""
CREATE FUNCTION {GUARD}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    pool_seats integer;
    most integer;
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.status IN ('pending', 'confirmed')
        AND OLD.space_id = NEW.space_id
        AND NEW.starts_at >= OLD.starts_at
        AND NEW.blocked_until <= OLD.blocked_until
    THEN
        RETURN NULL;
    END IF;

    -- Every writer of this space's seats queues here. Each query below then takes a fresh
    -- snapshot (READ COMMITTED), so it sees what the previous holder of the lock committed.
    SELECT seats INTO pool_seats FROM spaces_space WHERE id = NEW.space_id FOR NO KEY UPDATE;

    -- Each branch reads one partial GiST index (non-exclusive rows: this migration's; exclusive
    -- rows, which only a space turned from room into pool still has: 0002's constraint), so the
    -- cost follows the bookings near the new one, not the space's whole history.
    -- Half-open holds: at one instant the ends (-1) count before the starts (+1).
    WITH holds AS (
        SELECT b.starts_at, b.blocked_until
        FROM bookings_booking b
        WHERE b.space_id = NEW.space_id
            AND NOT b.exclusive
            AND b.status IN ('pending', 'confirmed')
            AND tstzrange(b.starts_at, b.blocked_until, '[)')
                && tstzrange(NEW.starts_at, NEW.blocked_until, '[)')
        UNION ALL
        SELECT b.starts_at, b.blocked_until
        FROM bookings_booking b
        WHERE b.space_id = NEW.space_id
            AND b.exclusive
            AND b.status IN ('pending', 'confirmed')
            AND tstzrange(b.starts_at, b.blocked_until, '[)')
                && tstzrange(NEW.starts_at, NEW.blocked_until, '[)')
    )
    SELECT max(held) INTO most FROM (
        SELECT sum(step) OVER (ORDER BY at, step) AS held
        FROM (
            SELECT greatest(starts_at, NEW.starts_at) AS at, 1 AS step FROM holds
            UNION ALL
            SELECT least(blocked_until, NEW.blocked_until), -1 FROM holds
        ) AS edges
    ) AS running;

    IF most > pool_seats THEN
        RAISE EXCEPTION
            '{GUARD}: space % has % seats, but % bookings would hold one at once during [%, %)',
            NEW.space_id, pool_seats, most, NEW.starts_at, NEW.blocked_until
            USING ERRCODE = 'check_violation', CONSTRAINT = '{GUARD}';
    END IF;
    RETURN NULL;
END;
$$
"""

TRIGGER = f"""
CREATE CONSTRAINT TRIGGER {GUARD}
    AFTER INSERT OR UPDATE ON bookings_booking
    NOT DEFERRABLE
    FOR EACH ROW
    WHEN (NOT NEW.exclusive AND NEW.status IN ('pending', 'confirmed'))
    EXECUTE FUNCTION {GUARD}()
"""

INDEX = f"""
CREATE INDEX {HOLDS_INDEX} ON bookings_booking
    USING gist (space_id, tstzrange(starts_at, blocked_until, '[)'))
    WHERE (NOT exclusive AND status IN ('pending', 'confirmed'))
"""

FORWARDS = [INDEX, FUNCTION, TRIGGER]
BACKWARDS = [
    f"DROP TRIGGER {GUARD} ON bookings_booking",
    f"DROP FUNCTION {GUARD}()",
    f"DROP INDEX {HOLDS_INDEX}",
]


class PostgreSQLOnly(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0002_no_overlap_on_postgresql")]

    operations = [PostgreSQLOnly(sql=FORWARDS, reverse_sql=BACKWARDS)]
