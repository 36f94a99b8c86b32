"""The stats tables (django-tables2): sortable, each exportable as CSV with ?_export=csv&_table=<name>."""

from decimal import Decimal

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .figures import UNPRICED, WEEKDAYS, Stats, Use, percent
from .values import money, to_penny

NUMBER_ATTRS = {"td": {"class": "number"}, "th": {"class": "number"}}


class NumberColumn(tables.Column):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("attrs", NUMBER_ATTRS)
        super().__init__(*args, **kwargs)


NOT_PRICED = _("not priced")


class MoneyColumn(NumberColumn):
    """An amount in the venue's currency: £1,234.50 on the page, 1234.50 in an export; rounded
    to the penny here, once (ROUND_HALF_UP)."""

    def __init__(self, *args, currency: str, **kwargs) -> None:
        self.currency = currency
        super().__init__(*args, **kwargs)

    def render(self, value: Decimal) -> str:
        return money(to_penny(value), self.currency)

    def value(self, value: Decimal) -> str:
        return str(to_penny(value))


class StatsTable(tables.Table):
    class Meta:
        attrs = {"class": "table stats-table"}
        orderable = True


class SpaceTable(StatsTable):
    class Meta(StatsTable.Meta):
        pass

    space = tables.Column(verbose_name=_("Space"))
    seats = NumberColumn(verbose_name=_("Seats"))
    open_hours = NumberColumn(verbose_name=_("Open hours"))
    booked_hours = NumberColumn(verbose_name=_("Booked (seat-)hours"))
    spare_hours = NumberColumn(verbose_name=_("Spare (seat-)hours"))
    occupancy = NumberColumn(verbose_name=_("Occupancy %"))
    peak_occupancy = NumberColumn(verbose_name=_("Peak occupancy %"))
    offpeak_occupancy = NumberColumn(verbose_name=_("Off-peak occupancy %"))
    hirings = NumberColumn(verbose_name=_("Hirings"))


class MonthTable(StatsTable):
    class Meta(StatsTable.Meta):
        pass

    month = tables.Column(verbose_name=_("Month"))
    space = tables.Column(verbose_name=_("Space"))
    open_hours = NumberColumn(verbose_name=_("Open hours"))
    booked_hours = NumberColumn(verbose_name=_("Booked (seat-)hours"))
    occupancy = NumberColumn(verbose_name=_("Occupancy %"))


class MixTable(StatsTable):
    """Room hours and desk seat-hours in columns of their own, each with its share of its own
    total: they are never added up (docs/occupancy.md). Built with `mix_table`, which leaves out
    the columns of a kind of space the stats have none of."""

    class Meta(StatsTable.Meta):
        pass

    label = tables.Column(verbose_name=_("Kind of hirer"))
    room_hours = NumberColumn(verbose_name=_("Booked room hours"))
    room_share = NumberColumn(verbose_name=_("Share of room hours %"))
    desk_seat_hours = NumberColumn(verbose_name=_("Booked desk seat-hours"))
    desk_share = NumberColumn(verbose_name=_("Share of desk seat-hours %"))
    hirings = NumberColumn(verbose_name=_("Hirings"))
    participant_visits = NumberColumn(verbose_name=_("Participant visits (declared)"))

    ROOM_COLUMNS = ("room_hours", "room_share")
    DESK_COLUMNS = ("desk_seat_hours", "desk_share")


class ActivityTable(MixTable):
    class Meta(MixTable.Meta):
        pass

    label = tables.Column(verbose_name=_("Activity"))


class ReachTable(StatsTable):
    class Meta(StatsTable.Meta):
        pass

    district = tables.Column(verbose_name=_("Postcode district"))
    hirers = NumberColumn(verbose_name=_("Hirers"))


class HeatColumn(tables.Column):
    """A weekday x hour cell: the occupancy written out, and shaded in ten steps."""

    def render(self, value: float) -> str:
        step = min(10, int(value // 10))
        return format_html('<span class="heat heat-{}">{}%</span>', step, f"{value:.0f}")

    def value(self, value: float) -> float:
        return value


def _round(value: float) -> float:
    return round(value, 1)


def space_rows(stats: Stats) -> list[dict]:
    rows = []
    for space in stats.spaces:
        use = stats.by_space[space.pk]
        rows.append(
            {
                "space": space.name,
                "seats": space.seats,
                "open_hours": _round(use.open_hours),
                "booked_hours": _round(use.booked_hours),
                "spare_hours": _round(use.spare_hours),
                "occupancy": _round(use.occupancy),
                "peak_occupancy": _round(use.peak_occupancy),
                "offpeak_occupancy": _round(use.offpeak_occupancy),
                "hirings": stats.hirings_by_space.get(space.pk, 0),
            }
        )
    return rows


def month_rows(stats: Stats) -> list[dict]:
    names = {space.pk: space.name for space in stats.spaces}
    return [
        {
            "month": date_format(month, "Y-m"),
            "space": names[space_id],
            "open_hours": _round(use.open_hours),
            "booked_hours": _round(use.booked_hours),
            "occupancy": _round(use.occupancy),
        }
        for (month, space_id), use in sorted(
            stats.monthly.items(), key=lambda item: (item[0][0], names[item[0][1]])
        )
    ]


def mix_rows(stats: Stats, mixes: dict) -> list[dict]:
    """Rows busiest first: by room hours, then desk seat-hours (never by their sum)."""
    return [
        {
            "label": mix.label,
            "room_hours": _round(mix.room_hours),
            "room_share": _round(percent(mix.room_hours, stats.rooms.booked_hours)),
            "desk_seat_hours": _round(mix.desk_seat_hours),
            "desk_share": _round(percent(mix.desk_seat_hours, stats.desks.booked_hours)),
            "hirings": mix.hirings,
            "participant_visits": mix.participant_visits,
            "income": mix.income,
        }
        for mix in sorted(mixes.values(), key=lambda mix: (-mix.room_hours, -mix.desk_seat_hours))
    ]


def space_kind_columns(stats: Stats) -> tuple[str, ...]:
    """The columns to leave out: of rooms if there are none, of desk pools if there are none."""
    exclude: tuple[str, ...] = ()
    if not stats.room_spaces:
        exclude += MixTable.ROOM_COLUMNS
    if not stats.desk_pools:
        exclude += MixTable.DESK_COLUMNS
    return exclude


def mix_table(
    table_class: type[MixTable], stats: Stats, mixes: dict, prefix: str, *, income: bool = False
) -> MixTable:
    """A hirer-mix or activities table with the room columns only if there are rooms, the desk
    columns only if there are desk pools; with `income`, a column of the prices paid."""
    extra = []
    if income:
        extra.append(
            ("income", MoneyColumn(verbose_name=_("Income"), currency=stats.venue.currency))
        )
    return table_class(
        mix_rows(stats, mixes),
        prefix=prefix,
        exclude=space_kind_columns(stats),
        extra_columns=extra,
    )


class PriceTable(StatsTable):
    """Use and money by way of pricing; rows in a fixed order (the fund row last, counted above
    too), so not sortable."""

    class Meta(StatsTable.Meta):
        orderable = False

    label = tables.Column(verbose_name=_("Priced as"))
    room_hours = NumberColumn(verbose_name=_("Booked room hours"))
    desk_seat_hours = NumberColumn(verbose_name=_("Booked desk seat-hours"))
    hirings = NumberColumn(verbose_name=_("Hirings"))


def price_table(stats: Stats) -> PriceTable:
    rows = [
        {
            "label": row.label,
            "room_hours": _round(row.room_hours),
            "desk_seat_hours": _round(row.desk_seat_hours),
            "hirings": row.hirings,
            # No money is known of the bookings made before prices: never shown as £0.
            "income": None if row.key == UNPRICED else row.income,
            "in_kind": None if row.key == UNPRICED else row.in_kind,
        }
        for row in stats.by_price.values()
    ]
    currency = stats.venue.currency
    return PriceTable(
        rows,
        prefix="price-",
        exclude=space_kind_columns(stats),
        extra_columns=[
            (
                "income",
                MoneyColumn(verbose_name=_("Income"), currency=currency, default=NOT_PRICED),
            ),
            (
                "in_kind",
                MoneyColumn(verbose_name=_("In-kind value"), currency=currency, default=NOT_PRICED),
            ),
        ],
    )


def reach_rows(stats: Stats) -> list[dict]:
    return [
        {"district": district, "hirers": count}
        for district, count in stats.hirers_by_district.items()
    ]


def heatmap_table(stats: Stats, *, desks: bool = False) -> tables.Table:
    """Rows are weekdays, columns the local hours that were ever open; cells show occupancy % of
    the rooms (booked / open hours) or, with `desks`, of the desk pools (booked / open seat-hours)."""
    heatmap = stats.desk_heatmap if desks else stats.heatmap
    hours = sorted({hour for _weekday, hour in heatmap})
    rows = []
    for weekday, name in enumerate(WEEKDAYS):
        row: dict = {"weekday": gettext(name)}
        for hour in hours:
            use = heatmap.get((weekday, hour), Use())
            row[f"h{hour:02d}"] = round(use.occupancy, 1)
        rows.append(row)
    hour_columns = [
        (f"h{hour:02d}", HeatColumn(verbose_name=f"{hour:02d}:00", orderable=False))
        for hour in hours
    ]
    table = StatsTable(
        rows,
        extra_columns=[
            ("weekday", tables.Column(verbose_name=_("Day"), orderable=False)),
            *hour_columns,
        ],
        # Its own prefix: the caption's id (and so the scroll region's name) must be unique.
        prefix="desk-heatmap-" if desks else "heatmap-",
    )
    table.attrs = {"class": "table heatmap"}
    return table


# Each table's caption: it names the table, and its scroll region, apart from the section around it.
CAPTIONS = {
    "values": _(
        "Estimates: a figure of the period times each proxy value, with source and licence; values per booked hour count room hours only, not desk seat-hours."
    ),
    "space": _("Open, booked and spare hours, occupancy and hirings of each space."),
    "month": _("Open and booked hours and occupancy of each space, month by month."),
    "kind": _(
        "Booked room hours and desk seat-hours by kind of hirer, each with its share of its own total (never added together), with hirings and participant visits."
    ),
    "activity": _(
        "Booked room hours and desk seat-hours by activity, each with its share of its own total (never added together), with hirings and participant visits."
    ),
    "reach": _("Hirers by the postcode district of their organisation."),
    "price": _(
        "Booked room hours and desk seat-hours (apart, never added together), hirings, income and in-kind value by how the bookings were priced; the community-fund row counts again bookings already counted above."
    ),
    "heatmap": _(
        "Rooms and halls: occupancy % (booked / open hours) by weekday (rows) and hour of the day (columns)."
    ),
    "desk_heatmap": _(
        "Desk pools: occupancy % (booked / open seat-hours) by weekday (rows) and hour of the day (columns)."
    ),
}


def build_tables(stats: Stats, estimates=()) -> dict[str, tables.Table]:
    """Every table of a stats page, keyed by the name used in ?_table= and as the sort prefix."""
    built = _tables(stats, estimates)
    for name, table in built.items():
        table.caption = CAPTIONS[name]
    return built


def _tables(stats: Stats, estimates) -> dict[str, tables.Table]:
    return {
        "values": EstimateTable(estimate_rows(estimates), prefix="values-"),
        "space": SpaceTable(space_rows(stats), prefix="space-"),
        "month": MonthTable(month_rows(stats), prefix="month-"),
        "kind": mix_table(MixTable, stats, stats.by_kind, "kind-", income=stats.any_priced),
        "price": price_table(stats),
        "activity": mix_table(ActivityTable, stats, stats.by_activity, "activity-"),
        "reach": ReachTable(reach_rows(stats), prefix="reach-"),
        "heatmap": heatmap_table(stats),
        "desk_heatmap": heatmap_table(stats, desks=True),
    }


class ProxyValueTable(tables.Table):
    """A venue's proxy values, on the page where its managers keep them."""

    name = tables.Column(verbose_name=_("Name"))
    measure = tables.Column(verbose_name=_("Counted"))
    activity = tables.Column(verbose_name=_("Activity"), default=_("All bookings"))
    amount = tables.Column(verbose_name=_("Value per unit"), attrs=NUMBER_ATTRS)
    source = tables.Column(verbose_name=_("Source"))
    licence = tables.Column(verbose_name=_("Licence"))
    actions = tables.TemplateColumn(
        template_name="stats/_proxy_value_actions.html",
        verbose_name=_("Change"),
        orderable=False,
        exclude_from_export=True,
    )

    labelled_by = "values-heading"

    class Meta:
        attrs = {"class": "table stats-table"}
        orderable = False

    def render_amount(self, record) -> str:
        return money(record.amount, record.currency)

    def render_source(self, record, value) -> str:
        if record.source_url:
            return format_html('<a href="{}" rel="noopener">{}</a>', record.source_url, value)
        return value


class EstimateTable(StatsTable):
    class Meta(StatsTable.Meta):
        pass

    name = tables.Column(verbose_name=_("Proxy value"))
    counted = tables.Column(verbose_name=_("Counted"))
    quantity = NumberColumn(verbose_name=_("Quantity in the period"))
    amount = NumberColumn(verbose_name=_("Value per unit"))
    value = NumberColumn(verbose_name=_("Estimate"))
    source = tables.Column(verbose_name=_("Source"))
    licence = tables.Column(verbose_name=_("Licence"))


def estimate_rows(estimates) -> list[dict]:
    rows = []
    for estimate in estimates:
        proxy = estimate.proxy
        counted = proxy.get_measure_display()
        if proxy.activity:
            counted = f"{counted}, {proxy.get_activity_display()}"
        rows.append(
            {
                "name": proxy.name,
                "counted": counted,
                "quantity": estimate.quantity,
                "amount": estimate.amount_display,
                "value": estimate.value_display,
                "source": proxy.source + (f" ({proxy.source_url})" if proxy.source_url else ""),
                "licence": proxy.licence,
            }
        )
    return rows
