"""Statistical disclosure control for anything public, as UK official statistics practise it.

- A count under 10 is suppressed; other counts are rounded to the nearest 5.
- A percentage is shown only when it is based on 10 or more.
- Totals are protected: when a table with a total would have exactly one suppressed non-zero
  cell, the smallest other cell is suppressed too (secondary suppression), so nobody can work a
  suppressed cell out by subtracting the others from the total. A total under 10 is suppressed
  with everything in its table.
Totals are rounded from the true figures, so rounded cells need not add up to the rounded total.
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

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


def safe_percent(value: float, based_on: int) -> int | None:
    """A percentage fit to publish (whole percent), or None when it is based on fewer than 10."""
    return round(value) if based_on >= THRESHOLD else None


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int | None  # None: suppressed
    hours: int | None = None  # rounded hours, suppressed with the count


@dataclass(frozen=True)
class ProtectedTable:
    cells: list[Cell]
    total: int | None

    @property
    def any_suppressed(self) -> bool:
        return any(cell.count is None for cell in self.cells)


def protect(
    counts: dict[str, int], labels: dict[str, str], *, hours: dict[str, float] | None = None
) -> ProtectedTable:
    """Suppress, round and protect the total of one table of counts (e.g. hirings by kind of hirer).

    `hours` (optional) go with the counts of the same rows: published rounded to 5, and
    suppressed wherever the row's count is.
    """
    keys = list(labels)
    true_counts = {key: counts.get(key, 0) for key in keys}
    total = sum(true_counts.values())
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
    cells = []
    for key in keys:
        if key in hidden:
            cells.append(Cell(key, labels[key], None, None))
        else:
            row_hours = rounded(hours.get(key, 0.0)) if hours is not None else None
            cells.append(Cell(key, labels[key], rounded(true_counts[key]), row_hours))
    return ProtectedTable(cells, safe_count(total))


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
    )
