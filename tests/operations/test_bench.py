"""The benchmark's seeder at a tiny scale: the city is the shape the issue asks for (exactly N
bookings, every status in every space, no overlap, no desk pool over its seats, the mirror in
step), on whichever database the suite runs on (PostgreSQL: the generate_series INSERT through
the exclusion constraint and the seat trigger; SQLite: the Python variant)."""

from collections import defaultdict

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from schedule.models import Event

from bookings.models import Booking
from operations.bench import layout
from operations.bench.layout import Scale
from operations.bench.seed import already_seeded, seed
from spaces.models import Space
from tests.conftest import NOW

# Enough bookings that the rarest status shows: about a tenth of them are still to come, and a
# request is pending in fewer than one in ten of those (layout.FUTURE_STATUSES); at 500 this city
# happened to hold no pending one.
TINY = Scale(bookings=1500, spaces=6, venues=2, members=30)


def quiet(step: str, done: int, total: int) -> None:
    pass


def most_at_once(intervals: list[tuple]) -> int:
    edges = sorted(
        [(start, 1) for start, _end in intervals] + [(end, -1) for _start, end in intervals]
    )
    held = most = 0
    for _at, step in edges:  # at one instant ends (-1) sort before starts (+1): half-open
        held += step
        most = max(most, held)
    return most


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One city for the module (seeding takes a second or two), rolled back after it."""
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=True), transaction.atomic():
        yield seed(TINY, progress=quiet)
        transaction.set_rollback(True)


@pytest.fixture
def city(seeded, db):
    return seeded


def test_the_seeder_makes_exactly_the_bookings_asked_for(city):
    assert Booking.objects.count() == TINY.bookings
    assert Space.objects.count() == TINY.spaces
    assert already_seeded() == city


def test_every_space_gets_bookings_of_several_statuses(city):
    """No space's bookings all share one status (the old seeder's `n % 10` made 30 of 300
    spaces all cancelled), and every space has confirmed ones (a desk pool's seat-hours are
    measured). A space of this tiny city may lack one of the rarer statuses (with ~250 bookings
    a space, a few of them pending); at least two statuses each, and every status somewhere."""
    statuses = defaultdict(set)
    for space_id, status in Booking.objects.values_list("space_id", "status"):
        statuses[space_id].add(status)
    assert len(statuses) == TINY.spaces
    assert all("confirmed" in found and len(found) >= 2 for found in statuses.values()), statuses
    assert set().union(*statuses.values()) == {
        "confirmed",
        "cancelled",
        "declined",
        "no_show",
        "pending",
    }


def test_no_two_active_bookings_of_a_room_overlap_and_no_desk_pool_exceeds_its_seats(city):
    holds = defaultdict(list)
    for space_id, start, end in Booking.objects.active().values_list(
        "space_id", "starts_at", "blocked_until"
    ):
        holds[space_id].append((start, end))
    seats = dict(Space.objects.values_list("pk", "seats"))
    assert any(seats[space] > 1 for space in holds)  # desk pools are in the test
    for space_id, intervals in holds.items():
        assert most_at_once(intervals) <= seats[space_id], space_id


def test_bookings_fall_in_opening_hours_on_the_slots_of_the_layout(city):
    starts = {slot[0] for slot in layout.ROOM_SLOTS + layout.POOL_SLOTS}
    for booking in Booking.objects.select_related("space__venue")[:200]:
        local = booking.local_starts_at
        assert local.time() in starts
        assert local.date().weekday() < 6 or local.hour >= 10  # Sundays open at 10


def test_each_active_booking_has_its_mirror_event_and_no_other_does(city):
    active = Booking.objects.active()
    assert not active.filter(event=None).exists()
    assert not Booking.objects.exclude(status__in=Booking.ACTIVE_STATUSES).exclude(event=None)
    assert Event.objects.count() == active.count()
    booking = active.select_related("event", "space").first()
    assert booking.event.calendar_id == booking.space.calendar_id
    assert (booking.event.start, booking.event.end) == (booking.starts_at, booking.ends_at)


def test_seeding_twice_is_refused(city):
    with pytest.raises(ValueError, match="--reuse"):
        seed(TINY, progress=quiet)


def test_the_bench_command_refuses_to_seed_over_a_city_without_reuse(city):
    with pytest.raises(CommandError, match="--reuse"):
        call_command("bench", repeat=1, output="-")
