"""The bookings of the benchmark city on PostgreSQL: generate_series, INSERT ... SELECT.

One statement chooses the booked slots of every space (the weighted sample of layout.py) into a
temporary table; then, chunk by chunk of spaces (the progress bar), the active ones get their
django-scheduler mirror event and every one its booking row, through the exclusion constraint
and the desk-pool trigger like any other writer.
"""

from datetime import date
from typing import Any

from django.db import connection

from members.models import Member
from spaces.models import Space, Venue

from . import layout
from .layout import Scale
from .seed import Progress, organisation_of

CHUNKS = 20
HASH_MASK = 2**47 - 1


def _status_case(thresholds: tuple[tuple[int, str], ...]) -> str:
    # Constants of layout.py, not input: safe to write into the SQL.
    arms = " ".join(f"WHEN r.u < {bound} THEN '{status}'" for bound, status in thresholds)
    return f"CASE {arms} END"


def _slot_arrays() -> dict[str, list]:
    slots = [(False, n, *slot) for n, slot in enumerate(layout.ROOM_SLOTS)]
    slots += [(True, n, *slot) for n, slot in enumerate(layout.POOL_SLOTS)]
    return {
        "slot_pool": [s[0] for s in slots],
        "slot_n": [s[1] for s in slots],
        "slot_starts": [s[2] for s in slots],
        "slot_ends": [s[3] for s in slots],
        "slot_weight": [s[4] for s in slots],
    }


CHOOSE = """
CREATE TEMPORARY TABLE bench_chosen ON COMMIT DROP AS
WITH days AS (
    SELECT d::date AS day, d::date - %(first)s::date AS day_index
    FROM generate_series(%(first)s::date, %(last)s::date, interval '1 day') AS d
),
slots AS (
    SELECT * FROM unnest(%(slot_pool)s::boolean[], %(slot_n)s::int[], %(slot_starts)s::time[],
                         %(slot_ends)s::time[], %(slot_weight)s::float8[])
        AS t(pool, n, starts, ends, weight)
),
lanes AS (
    SELECT s.id AS space_id, v.slug || '/' || s.slug AS space_key, s.venue_id, s.seats, lane
    FROM spaces_space s JOIN spaces_venue v ON v.id = s.venue_id
    CROSS JOIN LATERAL generate_series(0, s.seats - 1) AS lane
    WHERE s.venue_id = ANY(%(venues)s)
),
candidates AS (
    SELECT l.space_id, l.space_key, l.lane, d.day, sl.n AS slot, sl.starts, sl.ends,
        -ln(((hashtextextended(l.space_key || ':' || l.lane || ':' || d.day || ':' || sl.n, 17)
              & %(mask)s)::float8 + 0.5) / (%(mask)s + 1)::float8)
        / (sl.weight * (%(weekday_weights)s::float8[])[extract(isodow FROM d.day)::int]
           * (%(growth)s + (1 - %(growth)s) * d.day_index / %(span)s::float8)) AS key
    FROM lanes l CROSS JOIN days d JOIN slots sl ON sl.pool = (l.seats > 1)
    WHERE EXISTS (
            SELECT 1 FROM spaces_openinghours oh
            WHERE oh.venue_id = l.venue_id AND oh.weekday = extract(isodow FROM d.day)::int - 1
              AND oh.opens <= sl.starts AND sl.ends <= oh.closes)
      AND NOT EXISTS (
            SELECT 1 FROM spaces_openingexception e WHERE e.venue_id = l.venue_id AND e.date = d.day)
)
SELECT row_number() OVER (ORDER BY key) AS n, chosen.*
FROM (SELECT * FROM candidates ORDER BY key LIMIT %(count)s) AS chosen
"""

# Times in the venue's zone; a quarter of the long slots booked 30 minutes short; statuses,
# bookers and organisations from a hash of (space, n). A space is hashed by its slugs
# (layout.space_key), never its id: the ids a database hands out differ from one to the next,
# and with them the city would.
SHAPE = f"""
CREATE TEMPORARY TABLE bench_rows ON COMMIT DROP AS
SELECT r.*,
    CASE WHEN r.starts_at < now() THEN {_status_case(layout.PAST_STATUSES)}
         ELSE {_status_case(layout.FUTURE_STATUSES)} END AS status
FROM (
    SELECT c.n, c.space_id, s.calendar_id, s.seats, s.rate, s.buffer_after,
        (c.day + c.starts) AT TIME ZONE v.time_zone AS starts_at,
        (c.day + c.ends) AT TIME ZONE v.time_zone
          - CASE WHEN mod(abs(hashtextextended(c.space_key || '~' || c.n, 3)), 4) = 0
                      AND c.ends - c.starts > interval '90 minutes'
                 THEN interval '30 minutes' ELSE interval '0' END AS ends_at,
        mod(abs(hashtextextended(c.space_key || '/' || c.n, 5)), 1000) AS u,
        (%(members)s::bigint[])[1 + mod(abs(hashtextextended(c.space_key || '@' || c.n, 7)), %(member_count)s)] AS booker_id,
        mod(abs(hashtextextended(c.space_key || '#' || c.n, 11)), 1000) AS u_org,
        mod(c.space_id, {CHUNKS}) AS chunk
    FROM bench_chosen c JOIN spaces_space s ON s.id = c.space_id JOIN spaces_venue v ON v.id = s.venue_id
) AS r
"""

MIRROR = """
CREATE TEMPORARY TABLE bench_full ON COMMIT DROP AS
SELECT r.*,
    CASE WHEN r.status IN ('pending', 'confirmed')
         THEN nextval(pg_get_serial_sequence('schedule_event', 'id')) END AS event_id,
    CASE WHEN r.u_org < 650 THEN m.organisation_id END AS organisation_id,
    (%(titles)s::text[])[1 + mod(r.n, %(title_count)s)] AS title,
    (%(activities)s::text[])[1 + mod(r.u_org, %(activity_count)s)] AS activity,
    least(now(), r.starts_at - interval '1 day' * (1 + mod(r.u, 45))) AS created_at
FROM bench_rows r
LEFT JOIN unnest(%(member_ids)s::bigint[], %(member_orgs)s::bigint[]) AS m(member_id, organisation_id)
    ON m.member_id = r.booker_id
"""

EVENTS = """
INSERT INTO schedule_event (id, start, "end", title, description, creator_id, created_on,
    updated_on, calendar_id, color_event)
SELECT f.event_id, f.starts_at, f.ends_at, f.title, %(purpose)s, f.booker_id, f.created_at,
    f.created_at, f.calendar_id, ''
FROM bench_full f WHERE f.chunk = %(chunk)s AND f.event_id IS NOT NULL
"""

# Prices as the services would set them: a desk-day, or the hours at the space's rate; charities
# and social enterprises half, community groups free.
BOOKINGS = """
INSERT INTO bookings_booking (uid, space_id, booker_id, organisation_id, starts_at, ends_at,
    blocked_until, exclusive, status, title, purpose, activity, attendees, created_at, updated_at,
    sequence, decision_reason, cancellation_reason, price, full_price, price_basis, event_id,
    cancelled_at)
SELECT gen_random_uuid(), f.space_id, f.booker_id, f.organisation_id, f.starts_at, f.ends_at,
    f.ends_at + f.buffer_after, f.seats = 1, f.status, f.title, %(purpose)s, f.activity,
    CASE WHEN f.seats = 1 THEN 1 + mod(f.u, 25) ELSE 1 END, f.created_at, f.created_at, 0, '', '',
    round(p.full_price * CASE o.kind WHEN 'community_group' THEN 0
        WHEN 'charity' THEN 0.5 WHEN 'social_enterprise' THEN 0.5 ELSE 1 END, 2),
    p.full_price,
    CASE o.kind WHEN 'community_group' THEN 'free' WHEN 'charity' THEN 'reduced'
        WHEN 'social_enterprise' THEN 'reduced' ELSE 'full' END,
    f.event_id,
    CASE WHEN f.status = 'cancelled' THEN f.created_at END
FROM bench_full f
LEFT JOIN members_organisation o ON o.id = f.organisation_id
CROSS JOIN LATERAL (
    SELECT round(CASE WHEN f.seats > 1 THEN f.rate
        ELSE f.rate * extract(epoch FROM f.ends_at - f.starts_at) / 3600 END, 2) AS full_price
) AS p
WHERE f.chunk = %(chunk)s
"""


def seed_bookings(
    *,
    scale: Scale,
    venues: list[Venue],
    spaces: list[Space],
    members: list[Member],
    first_day: date,
    last_day: date,
    progress: Progress,
) -> None:
    """Insert exactly `scale.bookings` bookings (fewer only if the city has fewer free slots)."""
    orgs = organisation_of(members)
    from bookings.models import Booking

    params: dict[str, Any] = {
        **_slot_arrays(),
        "first": first_day,
        "last": last_day,
        "span": max(1, (last_day - first_day).days),
        "venues": [venue.pk for venue in venues],
        "mask": HASH_MASK,
        "weekday_weights": list(layout.WEEKDAY_WEIGHTS),
        "growth": layout.GROWTH_FROM,
        "count": scale.bookings,
        "members": [member.pk for member in members],
        "member_count": len(members),
        "member_ids": list(orgs),
        "member_orgs": list(orgs.values()),
        "titles": list(layout.TITLES),
        "title_count": len(layout.TITLES),
        "activities": [value for value, _label in Booking.Activity.choices] + [""],
        "activity_count": len(Booking.Activity.choices) + 1,
        "purpose": layout.PURPOSE,
    }
    steps = 3 + CHUNKS
    with connection.cursor() as cursor:
        # The sample sorts a few million candidates: in memory, not on disk.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(CHOOSE, params)
        progress("bookings", 1, steps)
        cursor.execute(SHAPE, params)
        progress("bookings", 2, steps)
        cursor.execute(MIRROR, params)
        progress("bookings", 3, steps)
        for chunk in range(CHUNKS):
            cursor.execute(EVENTS, {**params, "chunk": chunk})
            cursor.execute(BOOKINGS, {**params, "chunk": chunk})
            progress("bookings", 4 + chunk, steps)
