"""What prices make possible in the stats: free and reduced-rate (subsidised) hours, income by
kind of hirer, community-fund hours and the in-kind value of what was given free or reduced.
Definitions in docs/occupancy.md ("Prices, subsidy and community funds").

Nothing here adds a query: the hours come from the one clipping query of stats/occupancy.py,
which also groups the booked seconds by way of pricing (`PRICED_SQL`) and by whether the booking
draws a community fund (`FUNDED_SQL`); the money from its one count of the bookings, which also
sums their prices (`MONEY`) by way of pricing and kind of fund (`price_class`, `fund_kind`).

Hours are clipped like booked hours; money goes with the hiring: a booking's whole price counts
in the period it starts in, as its hiring does. Money stays Decimal and is rounded once, to the
penny, where it is shown.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, CharField, F, Q, Sum, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .figures import FREE, FULL, FUNDED, REDUCED, UNPRICED, Mix, Priced, Stats
from .values import money, to_penny

# SQL columns of the clipping query's bookings (alias b): how each was priced, whether it draws a
# fund. A price of 0 is free whatever its full price; below the full price, reduced.
PRICED_SQL = (
    f"CASE WHEN b.price IS NULL THEN '{UNPRICED}' WHEN b.price = 0 THEN '{FREE}'"
    f" WHEN b.price < b.full_price THEN '{REDUCED}' ELSE '{FULL}' END"
)
FUNDED_SQL = "CASE WHEN b.fund_id IS NULL THEN 0 ELSE 1 END"

HOURS_FUND, MONEY_FUND = "hours", "money"


def price_class() -> Case:
    """The same ways of pricing as PRICED_SQL, for the ORM."""
    return Case(
        When(price__isnull=True, then=Value(UNPRICED)),
        When(price=0, then=Value(FREE)),
        When(price__lt=F("full_price"), then=Value(REDUCED)),
        default=Value(FULL),
        output_field=CharField(),
    )


def fund_kind() -> Case:
    """'' for a booking drawing no fund, else whether its fund is in hours or in money."""
    return Case(
        When(fund__isnull=True, then=Value("")),
        When(fund__hours__isnull=False, then=Value(HOURS_FUND)),
        default=Value(MONEY_FUND),
        output_field=CharField(),
    )


# Summed beside the counts of bookings (the priced ones only have a price).
MONEY = {
    "price_sum": Sum("price"),
    "full_price_sum": Sum("full_price", filter=Q(price__isnull=False)),
    "fund_drawn_sum": Sum("fund_drawn"),
}


def add_priced_hours(stats: Stats, space_ids: Sequence[int], booked_rows: Sequence[tuple]) -> None:
    """Add the booked (seat-)hours of the clipping's rows to their way of pricing and, if they
    draw a fund, to the community-fund row; rooms and desk pools apart. `space_ids` are the
    rows' spaces, in order."""
    desk_pools = {each.pk for each in stats.desk_pools}
    seconds: dict[tuple[bool, str, int], float] = defaultdict(float)
    for space_id, (_idx, _kind, _activity, priced, funded, secs) in zip(
        space_ids, booked_rows, strict=True
    ):
        seconds[(space_id in desk_pools, priced, int(funded))] += float(secs)
    for (desk, priced, funded), secs in seconds.items():
        for key in (priced, FUNDED) if funded else (priced,):
            row = stats.by_price[key]
            if desk:
                row.desk_seat_hours += secs / 3600
            else:
                row.room_hours += secs / 3600


def add_hirings_money(stats: Stats, row: Mapping[str, Any], *, desk: bool, by_kind: Mix) -> None:
    """Add one row of the count of confirmed hirings (grouped also by `price_class` and
    `fund_kind`, with MONEY) to the ways of pricing, the fund row and the kind of hirer."""
    n = row["n"]
    income = row["price_sum"] or Decimal(0)
    in_kind = (row["full_price_sum"] or Decimal(0)) - income
    keys = [row["priced"]] + ([FUNDED] if row["fund_kind"] else [])
    for key in keys:
        priced = stats.by_price[key]
        if desk:
            priced.desk_hirings += n
            priced.desk_income += income
            priced.desk_in_kind += in_kind
        else:
            priced.room_hirings += n
            priced.room_income += income
            priced.room_in_kind += in_kind
    if row["priced"] != UNPRICED:
        by_kind.income += income
        by_kind.priced_hirings += n
    if row["fund_kind"] == MONEY_FUND:
        stats.fund_money_drawn += row["fund_drawn_sum"] or Decimal(0)


@dataclass(frozen=True)
class PriceSummary:
    """The headline figures of prices for a stats page, money written out in the venue's currency."""

    any_priced: bool
    income: str
    in_kind: str
    fund_money_drawn: str
    free: Priced
    reduced: Priced
    funded: Priced
    coverage: str  # which hirings the money covers, or why there is none

    @property
    def subsidised_room_hours(self) -> float:
        return self.free.room_hours + self.reduced.room_hours

    @property
    def subsidised_desk_seat_hours(self) -> float:
        return self.free.desk_seat_hours + self.reduced.desk_seat_hours


def summary(stats: Stats) -> PriceSummary:
    currency = stats.venue.currency
    unpriced, hirings = stats.unpriced_hirings, stats.hirings
    if not stats.any_priced:
        if hirings == 0:
            coverage = _(
                "No confirmed booking in this period, so there is no income, free or reduced-rate hours or in-kind value to show."
            )
        else:
            coverage = ngettext(
                "The %(n)s hiring of this period was made before the venue had prices, so there is no income, free or reduced-rate hours or in-kind value to show; it is not counted as free.",
                "All %(n)s hirings of this period were made before the venue had prices, so there is no income, free or reduced-rate hours or in-kind value to show; they are not counted as free.",
                hirings,
            ) % {"n": hirings}
    elif unpriced:
        coverage = ngettext(
            "Income and in-kind value cover %(priced)s of %(n)s hirings; %(unpriced)s was made before the venue had prices and is counted apart, not as free.",
            "Income and in-kind value cover %(priced)s of %(n)s hirings; %(unpriced)s were made before the venue had prices and are counted apart, not as free.",
            unpriced,
        ) % {"priced": stats.priced_hirings, "n": hirings, "unpriced": unpriced}
    else:
        coverage = _("Income and in-kind value cover every hiring of this period.")
    return PriceSummary(
        any_priced=stats.any_priced,
        income=money(to_penny(stats.income), currency),
        in_kind=money(to_penny(stats.in_kind), currency),
        fund_money_drawn=money(to_penny(stats.fund_money_drawn), currency),
        free=stats.by_price[FREE],
        reduced=stats.by_price[REDUCED],
        funded=stats.by_price[FUNDED],
        coverage=coverage,
    )
