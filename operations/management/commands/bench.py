"""`manage.py bench`: seed a city-sized dataset (or reuse the one seeded before), measure each case
of issue 17 against its peer and floor, print the table and write it to docs/benchmarks.md.

Not a test and not part of `make test`: `make bench` (PostgreSQL) and `make bench-sqlite`.
"""

import sys
import warnings
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.test.utils import override_settings

from operations.bench import cases_booking, cases_calendar, cases_stats
from operations.bench.city import find_city
from operations.bench.layout import Scale
from operations.bench.measure import Case, Result, measure
from operations.bench.profiling import profile
from operations.bench.report import document, load, write
from operations.bench.seed import VENUE_PREFIX, Seeded, already_seeded, seed
from spaces.models import Venue

CASES = ("week", "page", "feed_cold", "feed_changed", "feed_304", "stats", "create")


def _bench_settings():
    """The site as served: templates without debug information, mail queued in production's
    queue (django-tasks-db's table, TASKS_BACKEND=database) and not sent (the worker's job),
    plus the bare views' URLs and the test client's host name."""
    templates = [
        {**engine, "OPTIONS": {**engine.get("OPTIONS", {}), "debug": False}}
        for engine in settings.TEMPLATES
    ]
    return override_settings(
        DEBUG=False,
        TEMPLATES=templates,
        ROOT_URLCONF="operations.bench.urls",
        BENCH_SITE_URLCONF=settings.ROOT_URLCONF,
        ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"],
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}},
        MAILERS={"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}},
    )


class Command(BaseCommand):
    help = (
        "Seed a city-sized dataset (or reuse it) and measure issue 17's cases against their peers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        scale = Scale()
        parser.add_argument("--bookings", type=int, default=scale.bookings)
        parser.add_argument("--spaces", type=int, default=scale.spaces)
        parser.add_argument("--venues", type=int, default=scale.venues)
        parser.add_argument("--members", type=int, default=scale.members)
        parser.add_argument("--repeat", type=int, default=7, help="Interleaved runs per case.")
        parser.add_argument(
            "--reuse", action="store_true", help="Measure the city seeded before, if there is one."
        )
        parser.add_argument("--only", nargs="+", choices=CASES, help="Measure only these cases.")
        parser.add_argument("--no-profile", action="store_true", help="Skip the profiled runs.")
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks.md"),
            help="The Markdown file whose table is replaced ('-': print only).",
        )

    def handle(self, *args, **options) -> None:
        load_before = load()
        scale = Scale(
            bookings=options["bookings"],
            spaces=options["spaces"],
            venues=options["venues"],
            members=options["members"],
        )
        if min(scale.bookings, scale.spaces, scale.venues, scale.members, options["repeat"]) < 1:
            raise CommandError(
                "--bookings, --spaces, --venues, --members and --repeat must be positive."
            )
        if scale.spaces < scale.venues:
            raise CommandError("Give each venue a space at least: --spaces must be ≥ --venues.")
        seeded = self._city(scale, reuse=options["reuse"])
        # WhiteNoise, with DEBUG off, looks for collected static files the bench never asks for.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        with _bench_settings():
            results, profiled = self._measure(options)
        body = document(
            results,
            seeded=seeded,
            repeat=options["repeat"],
            load_before=load_before,
            profile=profiled,
        )
        self.stdout.write("\n" + body)
        if options["output"] != "-":
            write(Path(options["output"]), body, section=seeded.vendor)
            self.stdout.write(f"Written to {options['output']}.")

    def _city(self, scale: Scale, *, reuse: bool) -> Seeded:
        if Venue.objects.exclude(slug__startswith=VENUE_PREFIX).exists():
            raise CommandError(
                "This database holds venues that are not the benchmark's: give the benchmark a "
                "database of its own (make bench uses commonshare_bench)."
            )
        found = already_seeded()
        if found is not None:
            if not reuse:
                raise CommandError(
                    "This database already holds a benchmark city: pass --reuse to measure it, "
                    "or drop and re-create the database to seed another."
                )
            self.stdout.write(f"Reusing the city seeded before ({found.scale}).")
            return found
        self.stdout.write(
            f"Seeding {scale.bookings:,} bookings over {scale.spaces} spaces in {scale.venues} "
            f"venues, {scale.members:,} members..."
        )
        seeded = seed(scale, progress=self._progress)
        self.stdout.write(f"\nSeeded in {seeded.seconds:,.1f} s.")
        return seeded

    def _progress(self, step: str, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if done >= total else ""
        if sys.stdout.isatty():
            self.stdout.write(f"\r{step:>10} [{bar}] {done}/{total}", ending=end)
        else:  # a log: a line a step
            self.stdout.write(f"{step:>10} [{bar}] {done}/{total}")
        self.stdout.flush()

    def _measure(self, options: dict) -> tuple[list[Result], list[str]]:
        city = find_city()
        signed_in = Client()
        signed_in.force_login(city.booker)
        anonymous = Client()
        builders = {
            "week": lambda: cases_calendar.week_availability(city),
            "page": lambda: cases_calendar.week_page(city, signed_in),
            "feed_cold": lambda: cases_calendar.feed_cold(city),
            "feed_changed": lambda: cases_calendar.feed_after_change(city),
            "feed_304": lambda: cases_calendar.feed_not_modified(city, anonymous),
            "stats": lambda: cases_stats.venue_year(city),
            "create": lambda: cases_booking.booking_creation(city, signed_in),
        }
        results, profiled = [], []
        for key in options["only"] or CASES:
            case: Case = builders[key]()
            self.stdout.write(f"Measuring: {case.title}...")
            results.append(measure(case, repeat=options["repeat"]))
            if not options["no_profile"]:
                profiled += profile(case)
                if key == "create":
                    cases_booking.clean_up(city)
        return results, profiled
