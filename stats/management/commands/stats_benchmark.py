"""Seed a city-sized booking history on PostgreSQL and time one venue's year of stats.

The seeded rows are committed before timing (a reader sees committed, analysed data, as in real
use) and deleted afterwards unless --keep. Every seeded name carries a run tag, so a kept run does
not clash with the next. Not a test: it prints figures for a person.
"""

import os
import statistics
import time as clock
from datetime import date, time, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.models import Booking
from members.models import Member, Organisation
from spaces.models import OpeningHours, Space, Venue
from stats.occupancy import compute_stats
from stats.periods import Period

SLOTS_PER_DAY = 6  # two-hour bookings from 08:00 UTC: never overlapping within a space


class Command(BaseCommand):
    help = "Seed N bookings across S spaces (PostgreSQL) and time a venue's year of stats."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bookings", type=int, default=1_000_000)
        parser.add_argument("--spaces", type=int, default=300)
        parser.add_argument("--spaces-per-venue", type=int, default=5)
        parser.add_argument(
            "--year", type=int, default=2025, help="The calendar year whose stats are timed."
        )
        parser.add_argument("--runs", type=int, default=5)
        parser.add_argument(
            "--keep", action="store_true", help="Keep the seeded data instead of rolling it back."
        )

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "The benchmark seeds with generate_series: run it with DATABASE_URL=postgres://..."
            )
        if options["bookings"] < 1 or options["spaces"] < 1 or options["spaces_per_venue"] < 1:
            raise CommandError("--bookings, --spaces and --spaces-per-venue must be positive.")
        tag = f"bench{int(clock.time())}"
        with transaction.atomic():
            venue = self._seed(options, tag)
        with connection.cursor() as cursor:
            # What autovacuum does soon after a bulk load: hint bits, visibility map, statistics.
            cursor.execute("VACUUM ANALYZE bookings_booking")
        try:
            self._measure(venue, options)
        finally:
            if not options["keep"]:
                self._clean_up(tag)

    def _clean_up(self, tag: str) -> None:
        started = clock.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM bookings_booking WHERE space_id IN"
                " (SELECT s.id FROM spaces_space s JOIN spaces_venue v ON v.id = s.venue_id WHERE v.slug LIKE %s)",
                [f"{tag}-%"],
            )
            Space.objects.filter(venue__slug__startswith=f"{tag}-").delete()
            Venue.objects.filter(slug__startswith=f"{tag}-").delete()
            Organisation.objects.filter(slug__startswith=f"{tag}-").delete()
            Member.objects.filter(email__startswith=f"{tag}-").delete()
        self.stdout.write(
            f"Deleted the seeded data in {clock.perf_counter() - started:.1f} s (use --keep to keep it)."
        )

    def _seed(self, options: dict, tag: str) -> Venue:
        started = clock.perf_counter()
        per_venue = options["spaces_per_venue"]
        venue_count = -(-options["spaces"] // per_venue)
        venues = Venue.objects.bulk_create(
            Venue(name=f"Benchmark venue {n}", slug=f"{tag}-venue-{n}", time_zone="Europe/London")
            for n in range(venue_count)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(venue=venue, weekday=day, opens=time(8), closes=time(21))
            for venue in venues
            for day in range(7)
        )
        spaces = Space.objects.bulk_create(
            Space(
                venue=venues[n // per_venue],
                name=f"Space {n}",
                slug=f"space-{n}",
                kind=Space.Kind.DESK_POOL if n % per_venue == 0 else Space.Kind.MEETING_ROOM,
                capacity=10,
                seats=10 if n % per_venue == 0 else 1,
            )
            for n in range(options["spaces"])
        )
        members = Member.objects.bulk_create(
            Member(email=f"{tag}-{n}@example.org") for n in range(500)
        )
        kinds = [kind for kind, _label in Organisation.Kind.choices]
        organisations = Organisation.objects.bulk_create(
            Organisation(
                name=f"Bench org {n}",
                slug=f"{tag}-org-{n}",
                kind=kinds[n % len(kinds)],
                postcode_district=f"B{n % 40}",
            )
            for n in range(120)
        )
        activities = [value for value, _label in Booking.Activity.choices] + [""]
        per_space = -(-options["bookings"] // options["spaces"])
        first_day = date(options["year"], 1, 1) - timedelta(days=per_space // SLOTS_PER_DAY // 2)
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO bookings_booking (uid, space_id, booker_id, organisation_id, starts_at, ends_at,
                    blocked_until, exclusive, status, title, purpose, activity, attendees, created_at,
                    updated_at, sequence, decision_reason, cancellation_reason, price_basis)
                SELECT gen_random_uuid(), sp.id, (%(members)s::bigint[])[1 + mod(h1, %(member_count)s)],
                    CASE WHEN mod(h2, 3) = 0 THEN NULL ELSE (%(orgs)s::bigint[])[1 + mod(h2, %(org_count)s)] END,
                    start_at, start_at + interval '2 hours', start_at + interval '2 hours', sp.seats = 1,
                    CASE WHEN mod(h3, 100) < 10 THEN 'cancelled' WHEN mod(h3, 100) < 12 THEN 'pending' ELSE 'confirmed' END,
                    'Benchmark', '', (%(activities)s::text[])[1 + mod(h4, %(activity_count)s)], 1 + mod(h4, 20),
                    now(), now(), 0, '', '', ''
                FROM (
                    -- Who, for whom, what status: a hash of (space, n), never n modulo something,
                    -- which the space count shares (300 spaces: every booking of every tenth
                    -- space was cancelled, so those desk pools' seat-hours were never measured).
                    SELECT *,
                        abs(hashtextextended(space_id || ':' || n, 1)) AS h1,
                        abs(hashtextextended(space_id || ':' || n, 2)) AS h2,
                        abs(hashtextextended(space_id || ':' || n, 3)) AS h3,
                        abs(hashtextextended(space_id || ':' || n, 4)) AS h4
                    FROM (
                    SELECT n, (%(spaces)s::bigint[])[1 + n %% %(space_count)s] AS space_id,
                        %(first_day)s::timestamptz
                          + ((n / %(space_count)s) / %(slots)s) * interval '1 day'
                          + interval '8 hours' + ((n / %(space_count)s) %% %(slots)s) * interval '2 hours' AS start_at
                    FROM generate_series(0, %(count)s - 1) AS n
                    ) AS laid_out
                ) AS g JOIN spaces_space sp ON sp.id = g.space_id
                """,
                {
                    "members": [m.pk for m in members],
                    "member_count": len(members),
                    "orgs": [o.pk for o in organisations],
                    "org_count": len(organisations),
                    "activities": activities,
                    "activity_count": len(activities),
                    "spaces": [s.pk for s in spaces],
                    "space_count": len(spaces),
                    "first_day": f"{first_day.isoformat()} 00:00:00+00",
                    "slots": SLOTS_PER_DAY,
                    "count": options["bookings"],
                },
            )
            cursor.execute("SELECT count(*), min(starts_at), max(starts_at) FROM bookings_booking")
            total, earliest, latest = cursor.fetchone()
        self.stdout.write(
            f"Seeded {options['bookings']:,} bookings over {len(spaces)} spaces in {len(venues)} venues "
            f"in {clock.perf_counter() - started:.1f} s ({total:,} bookings in the table, {earliest:%Y-%m-%d} to {latest:%Y-%m-%d})."
        )
        return venues[0]

    def _measure(self, venue: Venue, options: dict) -> None:
        period = Period(date(options["year"], 1, 1), date(options["year"], 12, 31))
        with CaptureQueriesContext(connection) as queries:  # counted once, outside the timing
            compute_stats(venue, period)
        timings, cpu = [], []
        for _run in range(options["runs"]):
            venue = Venue.objects.get(pk=venue.pk)
            started, started_cpu = clock.perf_counter(), clock.process_time()
            stats = compute_stats(venue, period)
            timings.append(clock.perf_counter() - started)
            cpu.append(clock.process_time() - started_cpu)
        self.stdout.write(
            f"{venue.name}, year {options['year']} ({len(stats.spaces)} spaces): {stats.hirings:,} hirings, "
            f"{stats.total.booked_hours:,.0f} booked of {stats.total.capacity_hours:,.0f} (seat-)hours, "
            f"{stats.total.occupancy:.1f}% occupancy, {len(queries.captured_queries)} queries."
        )
        self.stdout.write(
            "compute_stats wall time: "
            + ", ".join(f"{t * 1000:.0f} ms" for t in timings)
            + f" (median {statistics.median(timings) * 1000:.0f} ms, best {min(timings) * 1000:.0f} ms);"
            + f" of which Python CPU median {statistics.median(cpu) * 1000:.0f} ms."
        )
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        self.stdout.write(f"Load average during the run: {load:.1f} on {os.cpu_count()} CPUs.")
