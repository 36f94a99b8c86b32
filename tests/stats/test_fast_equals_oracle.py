"""The fast open-time cutting and clipping give exactly the figures the earlier implementation
gave (kept as the oracle in tests/stats/oracle_occupancy.py): a seeded year with split opening
hours, a night opening across both clock changes, closures of the venue and of one space at odd
minutes, a desk pool with overlapping bookings, organisations, prices and a community fund."""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from bookings.models import Booking
from spaces.intervals import subtract
from spaces.open_hours import closed_times, opening_intervals
from stats import occupancy
from stats.periods import Period
from tests.factories import (
    BookingFactory,
    ClosureFactory,
    CommunityFundFactory,
    DeskPoolFactory,
    MemberFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    SpaceFactory,
    VenueFactory,
)
from tests.stats.oracle_occupancy import (
    old_booked_seconds,
    old_compute_stats,
    old_split_open_time,
)

pytestmark = pytest.mark.django_db

YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def seeded():
    venue = VenueFactory(name="Oracle Hall", slug="oracle-hall", open_every_day=False)
    for weekday in range(5):
        OpeningHoursFactory(venue=venue, weekday=weekday, opens=time(8), closes=time(12, 30))
        OpeningHoursFactory(venue=venue, weekday=weekday, opens=time(13, 15), closes=time(21))
    OpeningHoursFactory(venue=venue, weekday=5, opens=time(10), closes=time(16, 45))
    # Sunday night: 29 March and 25 October change the clocks inside it.
    OpeningHoursFactory(venue=venue, weekday=6, opens=time(0), closes=time(4))
    rooms = [SpaceFactory(venue=venue, slug=f"room-{n}", name=f"Room {n}") for n in range(2)]
    pool = DeskPoolFactory(venue=venue, slug="desks", name="Desks", seats=4, capacity=4)
    ClosureFactory(
        venue=venue,
        starts_at=datetime(2026, 12, 24, 11, 7, tzinfo=UTC),
        ends_at=datetime(2026, 12, 28, tzinfo=UTC),
    )
    ClosureFactory(
        venue=venue,
        space=rooms[1],
        starts_at=datetime(2026, 3, 27, 14, 23, tzinfo=UTC),
        ends_at=datetime(2026, 3, 30, 9, 41, tzinfo=UTC),
    )
    organisations = [OrganisationFactory(kind=kind) for kind in ("charity", "business")]
    fund = CommunityFundFactory(
        venue=venue,
        organisation=organisations[0],
        starts_on=date(2025, 12, 1),
        ends_on=date(2027, 1, 31),
    )
    people = [MemberFactory() for _ in range(3)]
    dice = random.Random(17)
    activities = [value for value, _label in Booking.Activity.choices] + [""]
    rows = []
    # Rooms: one stream each, never overlapping; the pool: four streams, at most four at once.
    for space, streams in ((rooms[0], 1), (rooms[1], 1), (pool, 4)):
        for _stream in range(streams):
            here = datetime(2025, 12, 30, 7, tzinfo=UTC)
            while here < datetime(2027, 1, 2, tzinfo=UTC):
                here += timedelta(minutes=dice.randrange(15, 60 * 60), seconds=dice.choice([0, 17]))
                length = timedelta(minutes=dice.randrange(15, 60 * 11))
                organisation = dice.choice([None, *organisations])
                price = dice.choice([None, Decimal(0), Decimal("6.00"), Decimal("12.00")])
                drawn = organisation == organisations[0] and dice.random() < 0.3 or None
                rows.append(
                    BookingFactory.build(
                        space=space,
                        booker=dice.choice(people),
                        organisation=organisation,
                        starts_at=here,
                        ends_at=here + length,
                        status=dice.choice(["confirmed"] * 6 + ["cancelled", "pending"]),
                        activity=dice.choice(activities),
                        price=price,
                        full_price=None if price is None else Decimal("12.00"),
                        price_basis="" if price is None else Booking.PriceBasis.FULL,
                        fund=drawn and fund,
                        fund_drawn=drawn and Decimal(1),
                    )
                )
                here += length
    Booking.objects.bulk_create(rows)
    return venue, [*rooms, pool]


def _figures(stats) -> dict:
    return {
        "daily": occupancy.daily_rows(stats),
        "totals": (stats.total, stats.rooms, stats.desks),
        "by_space": stats.by_space,
        "monthly": stats.monthly,
        "heatmaps": (stats.heatmap, stats.desk_heatmap),
        "mix": (stats.by_kind, stats.by_activity, stats.by_price),
        "by_month": (stats.kind_by_month, stats.desk_kind_by_month),
        "counts": (stats.hirings, stats.hirers, stats.participant_visits),
    }


def test_open_time_is_cut_into_exactly_the_same_segments(seeded):
    venue, spaces = seeded
    window = YEAR.window(venue.zone)
    venue_open = opening_intervals(venue, window)
    for space in spaces:
        closed = [blocked.interval for blocked in closed_times(space, window)]
        intervals = subtract(venue_open, closed)
        assert occupancy.split_open_time(space, intervals, venue) == old_split_open_time(
            space, intervals, venue
        )


def test_bookings_are_clipped_to_exactly_the_same_seconds(seeded):
    venue, spaces = seeded
    window = YEAR.window(venue.zone)
    segments = occupancy._open_segments(venue, spaces, window)
    ids = [space.pk for space in spaces]
    fast = occupancy._booked_seconds(ids, window, segments)
    assert fast == sorted(tuple(row) for row in old_booked_seconds(ids, window, segments))
    assert {row[4] for row in fast} == {0, 1}  # the fund is drawn by some of them


@pytest.mark.parametrize("one_space", [False, True])
def test_a_years_figures_are_exactly_the_earlier_implementations(seeded, one_space):
    venue, spaces = seeded
    space = spaces[1] if one_space else None
    fast = _figures(occupancy.compute_stats(venue, YEAR, space=space))
    assert fast == _figures(old_compute_stats(venue, YEAR, space=space))
    assert fast["totals"][0].booked_hours > 0
