"""Time a 5,000-booking space feed: built cold, and answered with 304. Writes nothing that stays."""

import hashlib
import os
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.models import Booking
from feeds.builders import feed_window
from feeds.models import FeedToken
from feeds.views import token_feed
from members.models import Member
from spaces.models import Space, Venue


def _tenth(space_id: int, n: int) -> bool:
    digest = hashlib.blake2b(f"{space_id}:{n}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % 10 == 0


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Create (inside a rolled-back transaction) a space with N bookings and time its feed."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bookings", type=int, default=5000)
        parser.add_argument(
            "--outside", type=int, default=5000, help="extra bookings outside the window"
        )
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args, bookings: int, outside: int, repeat: int, **options) -> None:
        try:
            with transaction.atomic():
                self._run(bookings, outside, repeat)
                raise Rollback
        except Rollback:
            self.stdout.write("(rolled back: nothing was kept)")

    def _run(self, count: int, outside: int, repeat: int) -> None:
        now = timezone.now()
        window = feed_window(now)
        manager = Member.objects.create_user(
            email="feeds-benchmark@example.invalid", display_name="Benchmark"
        )
        venue = Venue.objects.create(
            name="Benchmark venue", slug="feeds-benchmark-venue", address="1 Test Street"
        )
        venue.managers.add(manager)
        space = Space.objects.create(
            venue=venue,
            name="Benchmark room",
            slug="room",
            kind=Space.Kind.MEETING_ROOM,
            capacity=10,
        )
        step = (window.end - window.start - timedelta(days=1)) / count
        rows = []
        for n in range(count):
            starts = (window.start + step * n).replace(second=0, microsecond=0)
            rows.append(self._booking(space, manager, starts, n))
        for n in range(outside):  # history before the window: must not cost anything
            starts = window.start - timedelta(days=60, hours=n)
            rows.append(self._booking(space, manager, starts, count + n))
        Booking.objects.bulk_create(rows, batch_size=1000)
        token = FeedToken.objects.create(owner=manager, scope=FeedToken.Scope.SPACE, space=space)
        factory = RequestFactory()

        url = f"/feeds/{token.token}.ics"

        def fetch(**headers):
            """(response, wall ms, CPU ms of this process, queries): CPU time is what the build
            itself costs when the machine is shared; wall time includes waiting for the database."""
            request = factory.get(url, **headers)
            with CaptureQueriesContext(connection) as queries:
                wall, cpu = time.perf_counter(), time.process_time()
                response = token_feed(request, token.token)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            return response, wall * 1000, cpu * 1000, len(queries)

        # Cold: no event of this feed has been serialised before (new rows, so new cache keys).
        response, cold_wall, cold_cpu, cold_queries = fetch()
        assert response.status_code == 200
        body, etag = response.content, response["ETag"]
        conditional = [fetch(HTTP_IF_NONE_MATCH=etag) for _run in range(repeat)]
        assert all(r.status_code == 304 for r, *_rest in conditional)
        # Warm: one booking changed since the client's copy; the other events come from the cache.
        warm = []
        in_window = Booking.objects.filter(space=space, starts_at__gte=window.start).order_by(
            "starts_at"
        )
        for n in range(repeat):
            booking = in_window[count // 2 + n]
            booking.title = f"Changed {n}"
            booking.save()
            warm.append(fetch(HTTP_IF_NONE_MATCH=etag))
            assert warm[-1][0].status_code == 200

        def best(runs: list) -> str:
            return f"wall {min(r[1] for r in runs):.1f} ms, CPU {min(r[2] for r in runs):.1f} ms, {runs[0][3]} queries"

        self.stdout.write(f"database: {connection.vendor}, load average {os.getloadavg()[0]:.1f}")
        self.stdout.write(f"bookings in window: {count}, outside it: {outside}")
        self.stdout.write(
            f"feed size: {len(body) / 1024:.0f} KiB, {body.count(b'BEGIN:VEVENT')} events"
        )
        self.stdout.write(
            f"200, built cold: wall {cold_wall:.0f} ms, CPU {cold_cpu:.0f} ms, {cold_queries} queries"
        )
        self.stdout.write(
            f"200 after one booking changed (other events cached), best of {repeat}: {best(warm)}"
        )
        self.stdout.write(f"304 (If-None-Match), best of {repeat}: {best(conditional)}")

    @staticmethod
    def _booking(space: Space, booker: Member, starts, n: int) -> Booking:
        return Booking(
            space=space,
            booker=booker,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
            blocked_until=starts + timedelta(minutes=30),
            exclusive=True,
            # One in ten cancelled, chosen by a hash of the booking, not by n % 10.
            status=Booking.Status.CANCELLED if _tenth(space.pk, n) else Booking.Status.CONFIRMED,
            title=f"Booking {n}",
            purpose="Benchmark booking with a purpose long enough to fold once or twice " * 2,
        )
