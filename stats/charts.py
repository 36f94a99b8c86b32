"""Charts drawn on the server as SVG by pygal: no JavaScript, no CDN; each comes with a summary sentence.

The template shows each chart beside a table of the same numbers (see stats/tables.py).
"""

import re
from dataclasses import dataclass

import pygal
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from .disclosure import PublicFigures
from .figures import WEEKDAYS, Stats

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2326",
    foreground_strong="#1d2326",
    foreground_subtle="#4f5b60",
    font_family="system-ui, sans-serif",
    colors=("#1f5f5b", "#b3471b", "#5b4a9e", "#8a5a00", "#1e6b32", "#a4262c", "#2f6fa3", "#6b6b6b"),
)


@dataclass(frozen=True)
class Chart:
    """One chart; `legend` names its series in order, each drawn in the STYLE colour of its index.

    The legend is written as an HTML list below the SVG rather than by pygal: pygal's legend
    shrinks with the drawing and its long labels run into each other on a phone.
    """

    svg: SafeString
    title: str
    summary: str
    legend: tuple[tuple[int, str], ...] = ()  # (colour index, series title)


def _legend(chart: pygal.graph.graph.Graph, *, fewest: int = 2) -> tuple[tuple[int, str], ...]:
    """The series of a chart (with at least `fewest` of them), with the index of the STYLE
    colour pygal gives each. Charts whose series are the things compared (one bar per space)
    need the legend even for one series: the bar has no other label."""
    if len(chart.raw_series) < fewest:
        return ()
    colours = len(STYLE.colors)
    return tuple(
        (n % colours, str(options["title"]))
        for n, (_values, options) in enumerate(chart.raw_series)
    )


def _render(chart: pygal.graph.graph.Graph) -> SafeString:
    # js=[] drops pygal's CDN tooltip script; the inline config <script> it still writes is of no use without it.
    svg = chart.render(is_unicode=True)
    # The CSP allows no style="" attributes: pygal's one (its hidden tooltip) as an SVG attribute.
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    return mark_safe(_SCRIPT.sub("", svg))  # pygal's own output, values are numbers and our labels


def _config(title: str, **extra) -> dict:
    return {
        "title": title,
        "js": [],
        "disable_xml_declaration": True,
        "style": STYLE,
        "height": 360,
        "width": 800,
        "show_legend": False,  # an HTML legend below the chart instead (see Chart)
        "print_values": False,
        "truncate_label": -1,  # whole labels: "Before sharing (manager's estimate)", not "Before sh…"
        "truncate_legend": -1,
        **extra,
    }


def occupancy_by_month(stats: Stats) -> Chart:
    title = _("Occupancy per month, by space (%)")
    chart = pygal.Line(
        **_config(title, range=(0, 100), x_title=_("Month"), y_title=_("Occupancy %"))
    )
    chart.x_labels = [date_format(month, "M Y") for month in stats.months]
    for space in stats.spaces:
        uses = [stats.monthly.get((month, space.pk)) for month in stats.months]
        chart.add(space.name, [round(use.occupancy, 1) if use else None for use in uses])
    busiest = max(stats.spaces, key=lambda s: stats.by_space[s.pk].occupancy, default=None)
    if busiest is None or not stats.months:
        summary = _("No open hours in this period.")
    else:
        parts = []
        if stats.room_spaces:
            parts.append(
                _("rooms and halls %(occupancy).1f%%") % {"occupancy": stats.rooms.occupancy}
            )
        if stats.desk_pools:
            parts.append(_("desk pools %(occupancy).1f%%") % {"occupancy": stats.desks.occupancy})
        summary = _(
            "Over the period occupancy was: %(parts)s; the busiest space was %(space)s at %(busiest).1f%%."
        ) % {
            "parts": ", ".join(parts),
            "space": busiest.name,
            "busiest": stats.by_space[busiest.pk].occupancy,
        }
    return Chart(_render(chart), title, summary, _legend(chart))


def hours_by_hirer_kind(stats: Stats, labels: dict[str, str], *, desks: bool = False) -> Chart:
    """Booked room hours (or, with `desks`, desk seat-hours) per month, stacked by kind of hirer."""
    if desks:
        title = _("Booked desk seat-hours per month, by kind of hirer")
        by_month, unit, total = stats.desk_kind_by_month, _("Seat-hours"), stats.desks.booked_hours
    else:
        title = _("Booked room hours per month, by kind of hirer")
        by_month, unit, total = stats.kind_by_month, _("Hours"), stats.rooms.booked_hours
    chart = pygal.StackedBar(**_config(title, x_title=_("Month"), y_title=unit))
    chart.x_labels = [date_format(month, "M Y") for month in stats.months]
    hours_of_kind: dict[str, float] = {}
    for (_month, kind), hours in by_month.items():
        hours_of_kind[kind] = hours_of_kind.get(kind, 0.0) + hours
    for kind in sorted(hours_of_kind):
        chart.add(
            labels.get(kind, kind),
            [round(by_month.get((m, kind), 0.0), 1) for m in stats.months],
        )
    top = max(hours_of_kind, key=lambda kind: hours_of_kind[kind], default=None)
    if top is None or hours_of_kind[top] == 0:
        summary = _("No booked hours in this period.")
    elif desks:
        summary = _("%(kind)s booked the most: %(hours).1f of %(total).1f seat-hours.") % {
            "kind": labels.get(top, top),
            "hours": hours_of_kind[top],
            "total": total,
        }
    else:
        summary = _("%(kind)s booked the most: %(hours).1f of %(total).1f room hours.") % {
            "kind": labels.get(top, top),
            "hours": hours_of_kind[top],
            "total": total,
        }
    return Chart(_render(chart), title, summary, _legend(chart))


def busy_hours(stats: Stats, *, desks: bool = False) -> Chart:
    """The weekday x hour heatmap of the rooms (or, with `desks`, of the desk pools) as a punch
    card: the bigger the dot, the busier that hour."""
    if desks:
        title = _("Desk pools: occupancy of seats by weekday and hour (%)")
        heatmap = stats.desk_heatmap
    else:
        title = _("Rooms and halls: occupancy by weekday and hour (%)")
        heatmap = stats.heatmap
    chart = pygal.Dot(**_config(title, x_title=_("Hour of the day"), show_legend=False))
    hours = sorted({hour for _weekday, hour in heatmap})
    chart.x_labels = [f"{hour:02d}" for hour in hours]
    cells = []
    for weekday, name in enumerate(WEEKDAYS):
        row = []
        for hour in hours:
            use = heatmap.get((weekday, hour))
            occupancy = round(use.occupancy) if use and use.capacity_hours else None
            row.append(occupancy)
            if occupancy is not None:
                cells.append((occupancy, weekday, hour))
        chart.add(_(name), row)
    if not cells or max(cells)[0] == 0:
        summary = _("No booked hours in this period.")
    else:
        busiest = max(cells, key=lambda cell: (cell[0], -cell[1], -cell[2]))
        quietest = min(cells, key=lambda cell: (cell[0], cell[1], cell[2]))
        summary = _(
            "Busiest: %(busy_day)s at %(busy_hour)02d:00 (%(busy)d%% occupied); quietest open hour: "
            "%(quiet_day)s at %(quiet_hour)02d:00 (%(quiet)d%%)."
        ) % {
            "busy_day": _(WEEKDAYS[busiest[1]]),
            "busy_hour": busiest[2],
            "busy": busiest[0],
            "quiet_day": _(WEEKDAYS[quietest[1]]),
            "quiet_hour": quietest[2],
            "quiet": quietest[0],
        }
    return Chart(_render(chart), title, summary)


def _before_and_after(
    after: float,
    estimate: float | None,
    recorded: float | None,
    recorded_period: tuple | None,
    format_hours,
) -> Chart:
    """Room hours in an average week: the manager's estimate (of rooms) and the recorded use
    before sharing (each when there is one) beside the chosen period; `format_hours` writes a
    figure for the summary. Desk pools are left out: their seat-hours are not room hours."""
    title = _("Room hours booked in an average week: before sharing and in this period")
    chart = pygal.Bar(**_config(title, y_title=_("Room hours a week")))
    labels, values, parts = [], [], []
    if estimate is not None:
        labels.append(_("Before sharing (manager's estimate)"))
        values.append(estimate)
        parts.append(
            _(
                "the managers estimate their rooms' use before sharing at about %(hours)s hours a week"
            )
            % {"hours": format_hours(estimate)}
        )
    if recorded is not None and recorded_period is not None:
        first, last = recorded_period
        labels.append(
            _("Recorded before sharing (%(first)s – %(last)s)")
            % {"first": date_format(first, "j M Y"), "last": date_format(last, "j M Y")}
        )
        values.append(recorded)
        parts.append(
            _("room bookings recorded before sharing come to %(hours)s hours a week")
            % {"hours": format_hours(recorded)}
        )
    chart.x_labels = [*labels, _("This period")]
    chart.add(_("Room hours a week"), [*values, after])
    summary = _("In this period the rooms were booked %(after)s hours in an average week") % {
        "after": format_hours(after)
    }
    if parts:
        summary += "; " + "; ".join(parts) + "."
    else:
        summary += _("; no use before sharing was recorded.")
    return Chart(_render(chart), title, summary)


def before_and_after(stats: Stats) -> Chart | None:
    """None when the stats have no rooms (a desk pool's page): there is nothing to compare."""
    if not stats.room_spaces:
        return None
    before = stats.before
    return _before_and_after(
        round(stats.weekly_room_hours, 1),
        float(stats.baseline_weekly_hours) if stats.baseline_weekly_hours is not None else None,
        round(before.weekly_room_hours, 1) if before is not None else None,
        (before.period.first, before.period.last) if before is not None else None,
        lambda hours: f"{hours:.1f}",
    )


# The public impact page draws only what stats/disclosure.py lets it publish. -----------------


def _hidden_note(names: list[str]) -> str:
    if not names:
        return ""
    return " " + _("Not shown, to protect small numbers: %(names)s.") % {"names": ", ".join(names)}


def public_occupancy_by_space(figures: PublicFigures) -> Chart | None:
    shown = [space for space in figures.spaces if space.occupancy is not None]
    if not shown:
        return None
    title = _("Occupancy by space over the period (%)")
    chart = pygal.HorizontalBar(**_config(title, range=(0, 100), x_title=_("Occupancy %")))
    for space in shown:
        chart.add(space.name, [space.occupancy])
    summary = "; ".join(
        _("%(space)s %(occupancy)s%%") % {"space": space.name, "occupancy": space.occupancy}
        for space in shown
    )
    hidden = [space.name for space in figures.spaces if space.occupancy is None]
    return Chart(
        _render(chart), title, summary + "." + _hidden_note(hidden), _legend(chart, fewest=1)
    )


def public_hours_by_hirer_kind(figures: PublicFigures, *, desks: bool = False) -> Chart | None:
    """Booked room hours (or, with `desks`, desk seat-hours) by kind of hirer, from the rows of
    that group the disclosure control lets through: never the two added together."""
    table = figures.desk_hirer_mix if desks else figures.room_hirer_mix
    shown = [cell for cell in table.cells if cell.hours]
    if not shown:
        return None
    if desks:
        title = _("Booked desk seat-hours by kind of hirer (rounded to 5)")
        unit = _("Seat-hours")
        line = _("%(kind)s %(hours)s seat-hours")
    else:
        title = _("Booked room hours by kind of hirer (rounded to 5)")
        unit = _("Room hours")
        line = _("%(kind)s %(hours)s room hours")
    chart = pygal.Bar(**_config(title, y_title=unit))
    for cell in shown:
        chart.add(cell.label, [cell.hours])
    summary = "; ".join(line % {"kind": cell.label, "hours": cell.hours} for cell in shown)
    hidden = [cell.label for cell in table.cells if cell.count is None]
    return Chart(
        _render(chart), title, summary + "." + _hidden_note(hidden), _legend(chart, fewest=1)
    )


def public_before_and_after(figures: PublicFigures) -> Chart | None:
    """Only when the period's hours may be shown and there is something from before to show."""
    estimate = figures.baseline_weekly_hours
    recorded = figures.recorded_before_weekly_room_hours
    if figures.weekly_room_hours is None or (estimate is None and recorded is None):
        return None
    return _before_and_after(
        figures.weekly_room_hours,
        float(estimate) if estimate is not None else None,
        recorded,
        (figures.recorded_before_first, figures.recorded_before_last),
        lambda hours: f"{hours:g}",
    )


def public_charts(figures: PublicFigures) -> list[Chart]:
    drawn = (
        public_occupancy_by_space(figures),
        public_hours_by_hirer_kind(figures) if figures.has_rooms else None,
        public_hours_by_hirer_kind(figures, desks=True) if figures.has_desks else None,
        public_before_and_after(figures),
    )
    return [chart for chart in drawn if chart is not None]
