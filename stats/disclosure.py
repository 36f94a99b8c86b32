"""Statistical disclosure control for anything public, as UK official statistics practise it.

- A count under 10 is suppressed; other counts are rounded to the nearest 5.
- A percentage is shown only when it is based on 10 or more.
- Totals are protected: when a table with a total would have exactly one suppressed non-zero
  cell, the smallest other cell is suppressed too (secondary suppression), so nobody can work a
  suppressed cell out by subtracting the others from the total. A total under 10 is suppressed
  with everything in its table.
Totals are rounded from the true figures, so rounded cells need not add up to the rounded total.
Money (income, in-kind value) is shown only beside a count that is shown, rounded to the nearest
5 of the venue's currency.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from .values import money_whole

if TYPE_CHECKING:
    from .figures import Stats

THRESHOLD = 10
ROUND_TO = 5


def rounded(value: float) -> int:
    """To the nearest 5, halves upwards (12.5 → 15)."""
    return int(math.floor(value / ROUND_TO + 0.5) * ROUND_TO)


def safe_count(value: int) -> int | None:
    """A count fit to publish, or None when it must be suppressed."""
    return None if value < THRESHOLD else rounded(value)


def rounded_money(amount: Decimal, currency: str) -> str:
    """To the nearest 5 of the currency, halves upwards, written out: £1,235."""
    return money_whole((amount / ROUND_TO).quantize(Decimal(1), ROUND_HALF_UP) * ROUND_TO, currency)


def safe_percent(value: float, based_on: int) -> int | None:
    """A percentage fit to publish (whole percent), or None when it is based on fewer than 10."""
    return round(value) if based_on >= THRESHOLD else None


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None  # None: suppressed
    hours: int | None = None  # rounded hours, suppressed with the count
    money: str | None = None  # rounded money, written out, suppressed with the count


@dataclass(frozen=True)
class ProtectedTable:
    cells: list[Cell]
    total: int | None
    money_total: str | None = None  # rounded from the true total, shown with the total count

    @property
    def any_suppressed(self) -> bool:
        return any(cell.count is None for cell in self.cells)


def protect(
    counts: dict[str, int],
    labels: dict[str, str],
    *,
    hours: dict[str, float] | None = None,
    money: dict[str, Decimal] | None = None,
    currency: str = "GBP",
) -> ProtectedTable:
    """Suppress, round and protect the total of one table of counts (e.g. hirings by kind of hirer).

    `hours` and `money` (optional) go with the counts of the same rows: published rounded to 5,
    and suppressed wherever the row's count is; the money's total only with the total count.
    """
    keys = list(labels)
    true_counts = {key: counts.get(key, 0) for key in keys}
    total = sum(true_counts.values())
    hidden = _suppressed(true_counts, keys, total)
    cells = []
    for key in keys:
        if key in hidden:
            cells.append(Cell(key, labels[key], None, None))
        else:
            row_hours = rounded(hours.get(key, 0.0)) if hours is not None else None
            row_money = (
                rounded_money(money.get(key, Decimal(0)), currency) if money is not None else None
            )
            cells.append(Cell(key, labels[key], rounded(true_counts[key]), row_hours, row_money))
    money_total = None
    # A row with hirings may have no money (all free, or full rate beside in-kind value): the
    # money total is shown only if it cannot give away one hidden row's money.
    if money is not None and total >= THRESHOLD:
        hidden_money = [key for key in hidden if money.get(key, Decimal(0)) != 0]
        if len(hidden_money) != 1:
            money_total = rounded_money(sum(money.values(), Decimal(0)), currency)
    return ProtectedTable(cells, safe_count(total), money_total)


def _suppressed(true_counts: dict[str, int], keys: list[str], total: int) -> set[str]:
    """The rows to hide: all under a total under 10; else those under 10, and then the smallest
    others until no hidden non-zero row could be worked out from the total."""
    if total < THRESHOLD:
        hidden = set(keys)
    else:
        hidden = {key for key in keys if true_counts[key] < THRESHOLD}
        while sum(1 for key in hidden if true_counts[key] > 0) == 1 and len(hidden) < len(keys):
            # One non-zero hidden cell (the others hidden are zeros) would be total minus the rest.
            shown = sorted(
                (key for key in keys if key not in hidden), key=lambda key: true_counts[key]
            )
            hidden.add(shown[0])
    return hidden


def protect_districts(hirers_by_district: dict[str, int], other_label: str) -> ProtectedTable:
    """Local reach for the public: districts with fewer than 10 hirers are pooled before protecting."""
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for district, count in sorted(hirers_by_district.items()):
        key = district if count >= THRESHOLD else other_label
        counts[key] = counts.get(key, 0) + count
        labels[key] = key
    if other_label in labels:  # the pooled row last
        labels[other_label] = labels.pop(other_label)
    return protect(counts, labels)


@dataclass(frozen=True)
class PublicSpace:
    """One space on the public page: open hours always; use only where its hirings may be shown."""

    name: str
    seats: int
    open_hours: int  # seat-hours for a desk pool; the venue's published hours, not about people
    hirings: int | None
    booked_hours: int | None
    occupancy: int | None


def protect_spaces(stats: "Stats") -> list[PublicSpace]:
    """Per-space use under the same rules: a space's hours and occupancy go with its hirings.

    Hirings by space are protected like any table with a total (the headline hirings), so a
    hidden space cannot be worked out from the total and the others.
    """
    labels = {str(space.pk): space.name for space in stats.spaces}
    table = protect(
        {str(pk): count for pk, count in stats.hirings_by_space.items()},
        labels,
        hours={str(pk): use.booked_hours for pk, use in stats.by_space.items()},
    )
    cells = {cell.key: cell for cell in table.cells}
    rows = []
    for space in stats.spaces:
        cell, use = cells[str(space.pk)], stats.by_space[space.pk]
        rows.append(
            PublicSpace(
                name=space.name,
                seats=space.seats,
                open_hours=round(use.capacity_hours),
                hirings=cell.count,
                booked_hours=cell.hours,
                occupancy=None if cell.count is None else round(use.occupancy),
            )
        )
    return rows


def _protect_mix(mixes: dict, labels: dict[str, str], *, desks: bool) -> ProtectedTable:
    """The room (or, with `desks`, desk pool) part of a hirer mix or of the activities: each
    row's hirings of that kind of space, with its room hours (or desk seat-hours)."""
    if desks:
        counts = {key: mix.desk_hirings for key, mix in mixes.items()}
        hours = {key: mix.desk_seat_hours for key, mix in mixes.items()}
    else:
        counts = {key: mix.room_hirings for key, mix in mixes.items()}
        hours = {key: mix.room_hours for key, mix in mixes.items()}
    return protect(counts, labels, hours=hours)


@dataclass(frozen=True)
class PublicFigures:
    """What the public impact page may show of a Stats: nothing under 10, nothing by name.

    Rooms (in hours) and desk pools (in seat-hours) are published apart, each group's use only
    when its own hirings reach 10; `has_rooms` / `has_desks` say whether the venue has any.
    The weekly figures and the managers' baseline are of the rooms. The hirer mix and the
    activities are two tables each, rooms and desk pools, each protected on its own hirings
    (a kind of hirer with 12 room hirings and 3 desk hirings shows its room hours only).
    """

    period_first: date
    period_last: date
    has_rooms: bool
    has_desks: bool
    room_open_hours: int
    room_booked_hours: int | None
    room_occupancy: int | None
    desk_open_seat_hours: int
    desk_booked_seat_hours: int | None
    desk_occupancy: int | None
    weekly_room_hours: int | None
    baseline_weekly_hours: Decimal | None
    recorded_before_weekly_room_hours: (
        int | None
    )  # from room bookings before sharing, if 10 or more
    recorded_before_first: date | None
    recorded_before_last: date | None
    hirings: int | None
    participant_visits: int | None
    hirers: ProtectedTable
    room_hirer_mix: ProtectedTable  # hirings and room hours by kind of hirer
    desk_hirer_mix: ProtectedTable  # hirings and desk seat-hours by kind of hirer
    room_activities: ProtectedTable
    desk_activities: ProtectedTable
    reach: ProtectedTable
    spaces: list[PublicSpace]
    # Prices (stats/prices.py): hirings, hours and in-kind value by way of pricing, rooms and desk
    # pools apart; income by kind of hirer, counted on the hirings that had a price.
    any_priced: bool = False
    room_prices: ProtectedTable | None = None
    desk_prices: ProtectedTable | None = None
    income_by_kind: ProtectedTable | None = None


def public_figures(stats: "Stats") -> PublicFigures:
    from django.utils.translation import gettext as _

    from .figures import activity_labels, kind_labels

    enough = stats.hirings >= THRESHOLD
    rooms_enough = stats.room_hirings >= THRESHOLD
    desks_enough = stats.desk_hirings >= THRESHOLD
    before = stats.before
    return PublicFigures(
        period_first=stats.period.first,
        period_last=stats.period.last,
        has_rooms=bool(stats.room_spaces),
        has_desks=bool(stats.desk_pools),
        room_open_hours=round(stats.rooms.capacity_hours),
        room_booked_hours=rounded(stats.rooms.booked_hours) if rooms_enough else None,
        room_occupancy=safe_percent(stats.rooms.occupancy, stats.room_hirings),
        desk_open_seat_hours=round(stats.desks.capacity_hours),
        desk_booked_seat_hours=rounded(stats.desks.booked_hours) if desks_enough else None,
        desk_occupancy=safe_percent(stats.desks.occupancy, stats.desk_hirings),
        weekly_room_hours=round(stats.weekly_room_hours) if rooms_enough else None,
        baseline_weekly_hours=stats.baseline_weekly_hours if stats.room_spaces else None,
        recorded_before_weekly_room_hours=(
            round(before.weekly_room_hours)
            if before is not None and before.room_hirings >= THRESHOLD
            else None
        ),
        recorded_before_first=before.period.first if before else None,
        recorded_before_last=before.period.last if before else None,
        hirings=safe_count(stats.hirings),
        participant_visits=safe_count(stats.participant_visits) if enough else None,
        hirers=protect(
            {"new": stats.new_hirers, "returning": stats.returning_hirers},
            {"new": _("New hirers"), "returning": _("Returning hirers")},
        ),
        room_hirer_mix=_protect_mix(stats.by_kind, kind_labels(), desks=False),
        desk_hirer_mix=_protect_mix(stats.by_kind, kind_labels(), desks=True),
        room_activities=_protect_mix(stats.by_activity, activity_labels(), desks=False),
        desk_activities=_protect_mix(stats.by_activity, activity_labels(), desks=True),
        reach=protect_districts(stats.hirers_by_district, _("Other districts, or not given")),
        spaces=protect_spaces(stats),
        any_priced=stats.any_priced,
        room_prices=_protect_prices(stats, desks=False),
        desk_prices=_protect_prices(stats, desks=True),
        income_by_kind=protect(
            {key: mix.priced_hirings for key, mix in stats.by_kind.items()},
            kind_labels(),
            money={key: mix.income for key, mix in stats.by_kind.items()},
            currency=stats.venue.currency,
        ),
    )


def _protect_prices(stats: "Stats", *, desks: bool) -> ProtectedTable:
    """Hirings of rooms (or desk pools) by way of pricing, with their booked hours (seat-hours)
    and in-kind value; the community-fund row is left out, as it counts hirings twice."""
    from .figures import PRICE_CLASSES

    rows = {key: stats.by_price[key] for key in PRICE_CLASSES}
    labels = {key: row.label for key, row in rows.items()}
    if desks:
        counts = {key: row.desk_hirings for key, row in rows.items()}
        hours = {key: row.desk_seat_hours for key, row in rows.items()}
        in_kind = {key: row.desk_in_kind for key, row in rows.items()}
    else:
        counts = {key: row.room_hirings for key, row in rows.items()}
        hours = {key: row.room_hours for key, row in rows.items()}
        in_kind = {key: row.room_in_kind for key, row in rows.items()}
    return protect(counts, labels, hours=hours, money=in_kind, currency=stats.venue.currency)
