"""What the occupancy and impact figures are held in: `Stats` for a venue (or one space) over a
period, `Use` for hours, `Mix` for a kind of hirer or an activity, and their labels.

The definitions are in docs/occupancy.md; stats/occupancy.py computes them. Nothing here reads
the database.
"""

from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bookings.models import Booking
from members.models import Organisation
from spaces.models import Space, Venue

from .periods import Period

# The kind of hirer of a booking made for no organisation.
INDIVIDUAL = "individual"
# Monday first, as date.weekday() counts; translated where shown.
WEEKDAYS = (
    gettext_noop("Monday"),
    gettext_noop("Tuesday"),
    gettext_noop("Wednesday"),
    gettext_noop("Thursday"),
    gettext_noop("Friday"),
    gettext_noop("Saturday"),
    gettext_noop("Sunday"),
)


@dataclass
class Use:
    """Open, capacity (seats x open) and booked (seat-)hours, with the peak part of each."""

    open_hours: float = 0.0
    capacity_hours: float = 0.0
    booked_hours: float = 0.0
    peak_capacity_hours: float = 0.0
    peak_booked_hours: float = 0.0

    def add_open(self, hours: float, seats: int, peak: bool) -> None:
        self.open_hours += hours
        self.capacity_hours += hours * seats
        if peak:
            self.peak_capacity_hours += hours * seats

    def add_booked(self, hours: float, peak: bool) -> None:
        self.booked_hours += hours
        if peak:
            self.peak_booked_hours += hours

    def __iadd__(self, other: "Use") -> "Use":
        self.open_hours += other.open_hours
        self.capacity_hours += other.capacity_hours
        self.booked_hours += other.booked_hours
        self.peak_capacity_hours += other.peak_capacity_hours
        self.peak_booked_hours += other.peak_booked_hours
        return self

    @property
    def spare_hours(self) -> float:
        return max(0.0, self.capacity_hours - self.booked_hours)

    @property
    def occupancy(self) -> float:
        return percent(self.booked_hours, self.capacity_hours)

    @property
    def offpeak_capacity_hours(self) -> float:
        return self.capacity_hours - self.peak_capacity_hours

    @property
    def offpeak_booked_hours(self) -> float:
        return self.booked_hours - self.peak_booked_hours

    @property
    def peak_occupancy(self) -> float:
        return percent(self.peak_booked_hours, self.peak_capacity_hours)

    @property
    def offpeak_occupancy(self) -> float:
        return percent(self.offpeak_booked_hours, self.offpeak_capacity_hours)

    @property
    def peak_spare_hours(self) -> float:
        return max(0.0, self.peak_capacity_hours - self.peak_booked_hours)

    @property
    def offpeak_spare_hours(self) -> float:
        return max(0.0, self.offpeak_capacity_hours - self.offpeak_booked_hours)


def percent(part: float, whole: float) -> float:
    """part / whole as a percentage in 0–100; 0 when there is nothing to divide by."""
    if whole <= 0:
        return 0.0
    return max(0.0, min(100.0, 100.0 * part / whole))


@dataclass
class Mix:
    """Use of one kind of hirer, or of one activity: booked room hours and desk seat-hours apart
    (never added up: docs/occupancy.md), with the hirings of each and the declared visits."""

    key: str
    label: str
    room_hours: float = 0.0
    desk_seat_hours: float = 0.0
    room_hirings: int = 0
    desk_hirings: int = 0
    participant_visits: int = 0
    # Money (stats/prices.py): the prices of its priced hirings, and how many hirings had one.
    income: Decimal = Decimal(0)
    priced_hirings: int = 0

    @property
    def hirings(self) -> int:
        """Confirmed bookings of rooms and desk pools: counts of bookings, so they may be added."""
        return self.room_hirings + self.desk_hirings


# How a booking was priced, from its price against its full price (docs/occupancy.md); FUNDED is
# not a fifth way but the bookings, free or reduced, that draw a community fund.
FULL, REDUCED, FREE, UNPRICED, FUNDED = "full", "reduced", "free", "unpriced", "funded"
PRICE_CLASSES = (FULL, REDUCED, FREE, UNPRICED)


@dataclass
class Priced:
    """The use and money of one way of pricing (full rate, reduced, free, not priced), or of the
    bookings drawing a community fund: room hours and desk seat-hours apart, like `Mix`; money
    (which may be added across rooms and desks) for rooms and desks apart too, for the public
    tables. `income` is the prices paid, `in_kind` the full prices less them."""

    key: str
    label: str
    room_hours: float = 0.0
    desk_seat_hours: float = 0.0
    room_hirings: int = 0
    desk_hirings: int = 0
    room_income: Decimal = Decimal(0)
    desk_income: Decimal = Decimal(0)
    room_in_kind: Decimal = Decimal(0)
    desk_in_kind: Decimal = Decimal(0)

    @property
    def hirings(self) -> int:
        return self.room_hirings + self.desk_hirings

    @property
    def income(self) -> Decimal:
        return self.room_income + self.desk_income

    @property
    def in_kind(self) -> Decimal:
        return self.room_in_kind + self.desk_in_kind


def price_labels() -> dict[str, str]:
    return {
        FULL: _("Full rate"),
        REDUCED: _("Reduced rate (paid less than the full rate)"),
        FREE: _("Free (paid nothing)"),
        UNPRICED: _("Not priced (made before the venue had prices)"),
        FUNDED: _("Drawing a community fund (also counted above)"),
    }


def price_table() -> dict[str, Priced]:
    """One empty row per way of pricing, and the community-fund row, in the order shown."""
    return {key: Priced(key, label) for key, label in price_labels().items()}


@dataclass
class Stats:
    """Every figure of docs/occupancy.md for a venue (or one space) over a period.

    `daily` is keyed by (day, space id), `monthly` by (first of the month, space id), `heatmap`
    (rooms) and `desk_heatmap` (desk pools) by (weekday, local hour) and `kind_by_month` (rooms)
    and `desk_kind_by_month` (desk pools) by (first of the month, kind of hirer).
    """

    venue: Venue
    period: Period
    spaces: list[Space]
    total: Use = field(default_factory=Use)
    by_space: dict[int, Use] = field(default_factory=dict)
    daily: Mapping[tuple[date, int], Use] = field(default_factory=dict)
    monthly: dict[tuple[date, int], Use] = field(default_factory=dict)
    heatmap: dict[tuple[int, int], Use] = field(default_factory=dict)  # rooms, hours
    desk_heatmap: dict[tuple[int, int], Use] = field(default_factory=dict)  # desk pools, seat-hours
    by_kind: dict[str, Mix] = field(default_factory=dict)
    kind_by_month: dict[tuple[date, str], float] = field(default_factory=dict)  # rooms, hours
    desk_kind_by_month: dict[tuple[date, str], float] = field(default_factory=dict)  # seat-hours
    by_activity: dict[str, Mix] = field(default_factory=dict)
    hirings: int = 0
    participant_visits: int = 0
    pending: int = 0
    declined: int = 0
    cancelled: int = 0
    hirers: int = 0
    new_hirers: int = 0
    returning_hirers: int = 0
    hirers_by_district: dict[str, int] = field(default_factory=dict)
    hirings_by_space: dict[int, int] = field(default_factory=dict)
    # By way of pricing (PRICE_CLASSES) and FUNDED; money drawn from the funds given in money.
    by_price: dict[str, Priced] = field(default_factory=price_table)
    fund_money_drawn: Decimal = Decimal(0)
    # Rooms (exclusive spaces) in hours, desk pools in seat-hours: added up apart, because an
    # hour of a room and a seat-hour of a desk are not the same use (docs/occupancy.md).
    rooms: Use = field(default_factory=Use)
    desks: Use = field(default_factory=Use)
    # False on the stats of one space: the managers' baseline is of the whole venue's rooms.
    whole_venue: bool = True
    # Use recorded in Commonshare before the venue opened for sharing (see recorded_before).
    before: "Stats | None" = None

    @property
    def cancellation_rate(self) -> float:
        """Cancelled as a share of confirmed plus cancelled bookings starting in the period."""
        return percent(self.cancelled, self.cancelled + self.hirings)

    @property
    def room_spaces(self) -> list[Space]:
        return [space for space in self.spaces if not is_desk_pool(space)]

    @property
    def desk_pools(self) -> list[Space]:
        return [space for space in self.spaces if is_desk_pool(space)]

    @property
    def room_hirings(self) -> int:
        return sum(self.hirings_by_space.get(space.pk, 0) for space in self.room_spaces)

    @property
    def desk_hirings(self) -> int:
        return sum(self.hirings_by_space.get(space.pk, 0) for space in self.desk_pools)

    @property
    def weekly_room_hours(self) -> float:
        """Booked room hours in an average week: what the managers' baseline is compared with."""
        return self.rooms.booked_hours * 7 / self.period.days

    @property
    def weekly_desk_seat_hours(self) -> float:
        return self.desks.booked_hours * 7 / self.period.days

    @property
    def baseline_weekly_hours(self) -> Decimal | None:
        """The managers' estimate of room hours a week before sharing; only beside the whole venue."""
        return self.venue.baseline_weekly_hours if self.whole_venue else None

    @property
    def income(self) -> Decimal:
        """The prices of the confirmed, priced hirings (unrounded: round once, for display)."""
        return sum((self.by_price[key].income for key in PRICE_CLASSES), Decimal(0))

    @property
    def in_kind(self) -> Decimal:
        """Full prices less prices of the confirmed, priced hirings."""
        return sum((self.by_price[key].in_kind for key in PRICE_CLASSES), Decimal(0))

    @property
    def priced_hirings(self) -> int:
        return self.hirings - self.by_price[UNPRICED].hirings

    @property
    def unpriced_hirings(self) -> int:
        return self.by_price[UNPRICED].hirings

    @property
    def any_priced(self) -> bool:
        """Whether any confirmed booking of the period had a price (its hours or its hiring)."""
        return any(
            row.hirings or row.room_hours or row.desk_seat_hours
            for key, row in self.by_price.items()
            if key in (FULL, REDUCED, FREE)
        )

    @property
    def months(self) -> list[date]:
        return sorted({month for month, _space in self.monthly})


class PackedDaily(Mapping[tuple[date, int], Use]):
    """`Stats.daily` packed for the cache (stats/cache.py): a year of a venue's days is thousands
    of `Use`, slow to pickle and unpickle one by one; here they are three arrays, and a `Use` is
    made only for a day asked for. Read-only: a `Use` read from it is a copy."""

    FIELDS = (
        "open_hours",
        "capacity_hours",
        "booked_hours",
        "peak_capacity_hours",
        "peak_booked_hours",
    )

    def __init__(self, daily: Mapping[tuple[date, int], Use]) -> None:
        self._days = array("l", [day.toordinal() for day, _space in daily])
        self._spaces = array("l", [space_id for _day, space_id in daily])
        self._values = array(
            "d", [getattr(use, name) for use in daily.values() for name in self.FIELDS]
        )
        self._index: dict[tuple[date, int], int] | None = None

    def _positions(self) -> dict[tuple[date, int], int]:
        if self._index is None:
            self._index = {key: at for at, key in enumerate(self)}
        return self._index

    def __getitem__(self, key: tuple[date, int]) -> Use:
        at = 5 * self._positions()[key]
        return Use(*self._values[at : at + 5])

    def __iter__(self) -> Iterator[tuple[date, int]]:
        return zip(map(date.fromordinal, self._days), self._spaces, strict=True)

    def __len__(self) -> int:
        return len(self._days)

    def __getstate__(self) -> tuple[array, array, array]:
        return self._days, self._spaces, self._values

    def __setstate__(self, state: tuple[array, array, array]) -> None:
        self._days, self._spaces, self._values = state
        self._index = None


def is_desk_pool(space: Space) -> bool:
    """A desk pool has several interchangeable seats; its use is counted in seat-hours."""
    return space.seats > 1


def kind_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in Organisation.Kind.choices}
    labels[INDIVIDUAL] = _("Individual member (no organisation)")
    return labels


def activity_labels() -> dict[str, str]:
    labels = {value: str(label) for value, label in Booking.Activity.choices}
    labels[""] = _("Not given")
    return labels
