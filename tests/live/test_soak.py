"""Soak and race: many members booking, moving, cancelling and reading feeds at once, through the
real pages of a real multi-process server (gunicorn, four workers) on PostgreSQL.

For SOAK_SECONDS (30 by default, at most 60) SOAK_CLIENTS members (12) each run a loop of
mixed actions on a few contended slots: two rooms, a hall that needs approval and a desk pool of
three seats, on two days, while a venue manager approves and declines the hall's requests and
reads the venue's feed and day page. Every client keeps its own account of what the server told
it. Afterwards SQL checks that no two active bookings of a room overlap, that the pool never
holds more than its seats, that every booking a client was told it has exists in the state it
was told (the manager's decisions included), that every refusal left nothing behind, and that
the server never answered 500 nor logged a traceback.
"""

import os
import random
import statistics
import threading
import time as clock
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from bookings.models import Booking
from feeds.services import create_feed_token
from tests.factories import DeskPoolFactory, MemberFactory, SpaceFactory, VenueFactory
from tests.live import pages
from tests.live.visitors import Visitor, hammer

pytestmark = pytest.mark.postgres

SECONDS = min(float(os.environ.get("SOAK_SECONDS", "30")), 60)
CLIENTS = int(os.environ.get("SOAK_CLIENTS", "12"))
POOL_SEATS = 3
# A member holds at most this many bookings at once: then they move, cancel or read.
MOST_HELD = 3
# Wall-clock slots, heavily overlapping on purpose (10:30-12:00 clashes with 10-11 and 11-12).
ROOM_SLOTS = [
    (time(10), time(11)),
    (time(11), time(12)),
    (time(12), time(13)),
    (time(10, 30), time(12)),
]
# Every pool slot holds 11:00-12:00, so three members at once fill it.
POOL_SLOTS = [(time(10), time(12)), (time(11), time(13)), (time(11), time(12))]
ACTIVE = ("pending", "confirmed")


@dataclass
class Held:
    """What the server last told a client about one of its bookings."""

    space_id: int
    starts_at: datetime
    ends_at: datetime
    status: str = "confirmed"
    # The booker was refused a cancellation (the manager had declined it): they stop trying.
    given_up: bool = False


@dataclass
class Client:
    """One member's browser and its account of what happened."""

    number: int
    visitor: Visitor
    feed_path: str
    rng: random.Random
    held: dict[int, Held] = field(default_factory=dict)
    refused_titles: list[str] = field(default_factory=list)
    booked_titles: list[str] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)
    refusals: Counter = field(default_factory=Counter)
    timings: list[tuple[str, int, float]] = field(default_factory=list)
    others: list[str] = field(default_factory=list)
    attempts: int = 0
    approved: list[int] = field(default_factory=list)  # a manager's decisions
    declined: list[int] = field(default_factory=list)

    def note(self, action: str, outcome: pages.Outcome) -> None:
        self.outcomes[(action, outcome.kind)] += 1
        for response in outcome.responses:
            self.timings.append((action, response.status, response.seconds))
        if outcome.kind == "refused":
            self.refusals[outcome.message] += 1
        elif outcome.kind == "other":
            last = outcome.last
            self.others.append(f"{action}: {last.status} {last.location} {last.text[:300]!r}")


def wall(day: date, at: time, zone) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


@pytest.fixture
def scene(transactional_db):
    venue = VenueFactory(name="Soak Hall", slug="soak-hall")
    rooms = [
        SpaceFactory(venue=venue, name="Room A", slug="room-a"),
        SpaceFactory(venue=venue, name="Room B", slug="room-b"),
    ]
    pool = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=POOL_SEATS, capacity=3)
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    manager = MemberFactory(email="soak-manager@example.org")
    # A second manager deciding the same requests: two decisions of one request race.
    other_manager = MemberFactory(email="soak-manager-2@example.org")
    venue.managers.add(manager, other_manager)
    today = timezone.now().astimezone(venue.zone).date()
    first = today + timedelta(days=10)
    days = [first, first + timedelta(days=1)]
    members = [MemberFactory(email=f"soak{n}@example.org") for n in range(CLIENTS)]
    feeds = [create_feed_token(owner=m, scope="member").token for m in members]
    venue_feed = create_feed_token(owner=manager, scope="venue", target_id=venue.pk).token
    return {
        "venue": venue,
        "rooms": rooms,
        "pool": pool,
        "hall": hall,
        "days": days,
        "members": members,
        "feeds": feeds,
        "managers": [manager, other_manager],
        "venue_feed": venue_feed,
    }


def run_client(client: Client, scene: dict, deadline: float) -> None:
    venue, rooms, pool, days = scene["venue"], scene["rooms"], scene["pool"], scene["days"]
    hall = scene["hall"]
    zone = venue.zone
    spaces = [*rooms, pool, pool, hall]  # the pool twice: it is where members crowd
    while clock.monotonic() < deadline:
        roll = client.rng.random()
        day = client.rng.choice(days)
        space = client.rng.choice(spaces)
        starts, ends = client.rng.choice(POOL_SLOTS if space is pool else ROOM_SLOTS)
        mine = [pk for pk, h in client.held.items() if h.status in ACTIVE and not h.given_up]
        # The hall's requests are the manager's to decide: its bookers only cancel them (a move
        # racing a decision would leave no single answer to check against).
        movable = [pk for pk in mine if client.held[pk].space_id != hall.pk]
        if movable and (roll < 0.2 or len(mine) >= MOST_HELD and roll < 0.45):
            pk = client.rng.choice(movable)
            if space is hall:  # nor do bookings move into the hall
                space = client.rng.choice(rooms)
            held = client.held[pk]
            outcome = pages.move(
                client.visitor,
                pk,
                space_id=space.pk,
                day=day,
                starts=starts,
                ends=ends,
                title=f"Soak {client.number}.{pk}",
            )
            client.note("move", outcome)
            if outcome.kind == "done":
                assert outcome.booking_id == pk, "a move made a new booking"
                held.space_id, held.starts_at, held.ends_at = (
                    space.pk,
                    wall(day, starts, zone),
                    wall(day, ends, zone),
                )
        elif mine and (roll < 0.35 or len(mine) >= MOST_HELD):
            pk = client.rng.choice(mine)
            outcome = pages.cancel(client.visitor, pk)
            client.note("cancel", outcome)
            if outcome.kind == "done":
                client.held[pk].status = "cancelled"
            elif outcome.kind == "refused":
                client.held[pk].given_up = True
        elif roll < 0.5:
            outcome = pages.read(client.visitor, client.feed_path, "BEGIN:VCALENDAR")
            if outcome.kind == "done":
                # Read your own writes: whichever worker serves the feed, every booking this
                # member holds is in it (the last change was answered before this request).
                text = pages.unfolded(outcome.last.text)
                missing = [pk for pk in movable if f"/bookings/{pk}/" not in text]
                if missing:
                    outcome = pages.Outcome("other", responses=outcome.responses)
                    outcome.responses[-1].text = f"feed lacks bookings {missing}"
            client.note("feed", outcome)
        elif roll < 0.6:
            monday = day - timedelta(days=day.weekday())
            path = f"/venues/{venue.slug}/{space.slug}/?week={monday.isoformat()}"
            client.note("week", pages.read(client.visitor, path, "Soak Hall"))
        else:
            client.attempts += 1
            title = f"Soak {client.number} #{client.attempts}"
            space_path = f"/venues/{venue.slug}/{space.slug}/"
            outcome = pages.book(client.visitor, space_path, day, starts, ends, title)
            client.note("book", outcome)
            if outcome.kind == "done":
                assert outcome.booking_id is not None
                client.booked_titles.append(title)
                client.held[outcome.booking_id] = Held(
                    space.pk,
                    wall(day, starts, zone),
                    wall(day, ends, zone),
                    status="pending" if space is hall else "confirmed",
                )
            elif outcome.kind == "refused":
                client.refused_titles.append(title)


def run_manager(manager: Client, scene: dict, deadline: float) -> None:
    """A venue manager decides the hall's requests (approves most, declines some) and keeps
    reading the venue's feed and its day page while members book."""
    venue = scene["venue"]
    reads = [
        (f"/feeds/{scene['venue_feed']}.ics", "BEGIN:VCALENDAR"),
        (f"/manage/venues/{venue.slug}/day/?date={scene['days'][0].isoformat()}", "Soak Hall"),
    ]
    n = 0
    while clock.monotonic() < deadline:
        n += 1
        if n % 3:
            listed = pages.pending_requests(manager.visitor)
            manager.note("requests", listed)
            waiting = [int(pk) for pk in listed.message.split(",") if pk]
            if not waiting:
                continue
            pk = manager.rng.choice(waiting)
            approve = manager.rng.random() < 0.7
            outcome = pages.decide(manager.visitor, pk, approve=approve)
            manager.note("approve" if approve else "decline", outcome)
            if outcome.kind == "done":
                (manager.approved if approve else manager.declined).append(pk)
        else:
            path, expect = reads[(n // 3) % len(reads)]
            manager.note("manager reads", pages.read(manager.visitor, path, expect))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def overlapping_room_bookings() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.id, b.id FROM bookings_booking a
            JOIN bookings_booking b ON b.space_id = a.space_id AND a.id < b.id
            JOIN spaces_space s ON s.id = a.space_id
            WHERE s.seats = 1
              AND a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
              AND tstzrange(a.starts_at, a.blocked_until) && tstzrange(b.starts_at, b.blocked_until)
            """
        )
        return cursor.fetchall()


def most_seats_held(pool_id: int) -> int:
    """The most active bookings of the pool at any one instant (some booking's start)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(max(held), 0) FROM (
                SELECT count(*) AS held FROM bookings_booking a
                JOIN bookings_booking b ON b.space_id = a.space_id
                 AND b.status IN ('pending', 'confirmed')
                 AND tstzrange(b.starts_at, b.blocked_until) @> a.starts_at
                WHERE a.space_id = %s AND a.status IN ('pending', 'confirmed')
                GROUP BY a.id
            ) AS instants
            """,
            [pool_id],
        )
        return cursor.fetchone()[0]


def test_a_soak_of_concurrent_members_loses_nothing_double_books_nothing_and_never_fails(
    app_server, scene, live_report
):
    base = app_server.base_url
    clients = [
        Client(
            number=n,
            visitor=Visitor.logged_in(base, member),
            feed_path=f"/feeds/{scene['feeds'][n]}.ics",
            rng=random.Random(n),  # the same mix of actions every run
        )
        for n, member in enumerate(scene["members"])
    ]
    managers = [
        Client(
            number=-n, visitor=Visitor.logged_in(base, person), feed_path="", rng=random.Random(-n)
        )
        for n, person in enumerate(scene["managers"], start=1)
    ]
    failures: list[BaseException] = []

    def guarded(target, *args):
        try:
            target(*args)
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    answered_before = len(app_server.service_times())
    started = clock.monotonic()
    deadline = started + SECONDS
    threads = [
        threading.Thread(target=guarded, args=(run_client, client, scene, deadline))
        for client in clients
    ]
    threads += [
        threading.Thread(target=guarded, args=(run_manager, manager, scene, deadline))
        for manager in managers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=SECONDS + 90)
    duration = clock.monotonic() - started
    assert not any(thread.is_alive() for thread in threads), "a client never came back"
    assert failures == []

    everyone = [*clients, *managers]
    timings = [t for client in everyone for t in client.timings]
    outcomes = sum((client.outcomes for client in everyone), Counter())
    refusals = sum((client.refusals for client in everyone), Counter())
    others = [o for client in everyone for o in client.others]
    statuses = Counter(status for _action, status, _s in timings)
    seconds = [s for _action, _status, s in timings]
    live_report.append(
        f"soak: {len(timings)} requests in {duration:.1f} s ({len(timings) / duration:.1f}/s) "
        f"from {CLIENTS} members and two managers on {app_server.workers} gunicorn workers; "
        f"p50 {percentile(seconds, 0.5) * 1000:.0f} ms, p95 {percentile(seconds, 0.95) * 1000:.0f} ms, "
        f"max {max(seconds) * 1000:.0f} ms"
    )
    in_worker = [took for _status, took in app_server.service_times()[answered_before:]]
    live_report.append(
        f"soak: time in the worker (gunicorn's access log, {len(in_worker)} requests): "
        f"p50 {percentile(in_worker, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(in_worker, 0.95) * 1000:.0f} ms; the rest is waiting for a free worker"
    )
    live_report.append(f"soak: statuses {dict(sorted(statuses.items()))}")
    live_report.append(
        "soak: outcomes "
        + ", ".join(f"{action} {kind} {n}" for (action, kind), n in sorted(outcomes.items()))
    )
    for action in ("book", "move", "cancel", "feed", "week", "requests", "approve", "decline"):
        took = [s for a, _status, s in timings if a == action]
        if took:
            live_report.append(
                f"soak: {action}: {len(took)} requests, p50 {statistics.median(took) * 1000:.0f} ms, "
                f"p95 {percentile(took, 0.95) * 1000:.0f} ms"
            )
    for message, n in refusals.most_common():
        live_report.append(f"soak: refused {n}x: {message}")

    # The server never failed, and every answer was one the pages give.
    assert statuses[500] == 0
    assert others == []
    assert app_server.tracebacks() == []
    # Clashes really happened, on the rooms and on the pool, and some bookings went through.
    assert outcomes[("book", "done")] > 0 and outcomes[("move", "done")] > 0
    assert outcomes[("cancel", "done")] > 0
    assert outcomes[("approve", "done")] + outcomes[("decline", "done")] > 0
    assert any("is already booked then" in message for message in refusals)
    assert any(f"All {POOL_SEATS} desks of Desks" in message for message in refusals)

    # The database agrees with what every member was told.
    assert overlapping_room_bookings() == []
    assert most_seats_held(scene["pool"].pk) <= POOL_SEATS
    rows = {
        b.pk: b for b in Booking.objects.filter(space__venue=scene["venue"]).select_related("space")
    }
    told = {pk: held for client in clients for pk, held in client.held.items()}
    assert set(rows) == set(told), "a booking the server confirmed is missing, or one appeared"
    # However the two managers' clicks raced, each request was decided at most once.
    decided = Counter(pk for m in managers for pk in [*m.approved, *m.declined])
    assert all(n == 1 for n in decided.values()), decided
    approved = {pk for m in managers for pk in m.approved}
    declined = {pk for m in managers for pk in m.declined}
    for pk, held in told.items():
        row = rows[pk]
        if held.space_id == scene["hall"].pk:
            # Cancelled by its booker (then no decline can have succeeded), or else as the
            # manager decided, or still waiting.
            if held.status == "cancelled":
                assert pk not in declined, f"request {pk} both cancelled and declined"
            elif pk in declined:
                held.status = "declined"
            elif pk in approved:
                held.status = "confirmed"
        assert (row.space_id, row.starts_at, row.ends_at, row.status) == (
            held.space_id,
            held.starts_at,
            held.ends_at,
            held.status,
        ), f"booking {pk} is not as its booker was told"
        if row.status in ACTIVE:
            assert row.event_id is not None, f"booking {pk} has no calendar mirror"
    refused = [title for client in clients for title in client.refused_titles]
    assert not Booking.objects.filter(title__in=refused).exists()
    booked = [title for client in clients for title in client.booked_titles]
    assert len(booked) == len(set(booked)) == len(rows)


def test_twenty_members_pressing_book_at_once_through_the_pages_get_exactly_the_free_places(
    app_server, scene
):
    """The race of tests/bookings/test_concurrency.py, through HTTP and four worker processes:
    everyone has seen the price on the check step; all press "Book" at the same moment. One
    wins a room; three win the three-seat pool."""
    racers = [Visitor.logged_in(app_server.base_url, member) for member in scene["members"]]
    racers += [
        Visitor.logged_in(app_server.base_url, MemberFactory()) for _ in range(20 - len(racers))
    ]
    racers = racers[:20]
    day = scene["days"][0]
    for space, winners in [(scene["rooms"][0], 1), (scene["pool"], POOL_SEATS)]:
        space_path = f"/venues/{scene['venue'].slug}/{space.slug}/"
        for visitor in racers:
            assert visitor.get(f"{space_path}book/").status == 200  # the form, a CSRF token

        outcomes = hammer(
            20,
            lambda n, path=space_path: pages.book(
                racers[n], path, day, time(10), time(12), f"Race {n}"
            ),
        )

        kinds = Counter(outcome.kind for outcome in outcomes)
        assert kinds == {"done": winners, "refused": 20 - winners}, space
        assert {o.booking_id for o in outcomes if o.kind == "done"} == set(
            Booking.objects.filter(space=space, status__in=ACTIVE).values_list("pk", flat=True)
        )
        assert Booking.objects.filter(space=space).count() == winners
    assert app_server.tracebacks() == []
