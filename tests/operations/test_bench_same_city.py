"""The benchmark's seeder builds the same city whatever ids the database hands out: a space is
hashed by its slugs, not its id (operations/bench/layout.space_key). Before, the ids of a fresh
database changed which statuses the spaces of the tiny city got from one CI run to the next."""

import pytest
import time_machine
from django.db import transaction

from bookings.models import Booking
from operations.bench.layout import Scale
from operations.bench.seed import VENUE_PREFIX, seed
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory

TINY = Scale(bookings=300, spaces=4, venues=2, members=20)


def quiet(step: str, done: int, total: int) -> None:
    pass


def the_city() -> list[tuple]:
    """Every booking by what the layout fixes (slugs, times, status, booker's address...), never
    by an id."""
    return sorted(
        Booking.objects.values_list(
            "space__venue__slug",
            "space__slug",
            "starts_at",
            "ends_at",
            "status",
            "booker__email",
            "organisation__slug",
            "title",
            "activity",
            "attendees",
            "price",
        )
    )


def seeded_city(*, ids_taken: int) -> tuple[list[tuple], list[int]]:
    """The city seeded after `ids_taken` spaces and members were made first (so its rows get
    other ids), then rolled back: its bookings, and its spaces' ids."""
    with transaction.atomic():
        for _ in range(ids_taken):
            SpaceFactory()
            MemberFactory()
        seed(TINY, progress=quiet)
        city = the_city()
        ids = sorted(
            Booking.objects.filter(space__venue__slug__startswith=VENUE_PREFIX)
            .values_list("space_id", flat=True)
            .distinct()
        )
        transaction.set_rollback(True)
    return city, ids


@pytest.mark.django_db
def test_the_city_is_the_same_whatever_ids_its_rows_get():
    with time_machine.travel(NOW, tick=False):
        first, first_ids = seeded_city(ids_taken=0)
        second, second_ids = seeded_city(ids_taken=TINY.spaces)
    assert set(first_ids).isdisjoint(second_ids)  # other ids...
    assert len(first) == TINY.bookings
    assert second == first  # ...the same bookings
