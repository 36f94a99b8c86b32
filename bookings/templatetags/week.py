"""The week grid's rows and free times, written in Python in one pass: the page has some 180
slots, and a template loop with a tag a cell cost about half the page's rendering (a dozen
lookups, a context push and an escape per value a cell)."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from bookings.grid import Cell, WeekGrid

register = template.Library()


def _slot(cell: Cell, waiting_list: str) -> str:
    """A slot's words, linked to what it offers (the member's booking, the booking form, or its
    waiting list) with the link's purpose for a screen reader; every value escaped as a template
    would (`html.escape` is what Django's `escape` calls)."""
    detail = f'<span class="detail">{escape(cell.detail)}</span>' if cell.detail else ""
    if cell.booking_url or cell.book_url:
        return (
            f'<a href="{escape(cell.booking_url or cell.book_url)}">{escape(cell.label)}'
            f'<span class="visually-hidden">: {escape(cell.aside)}</span>{detail}</a>'
        )
    if cell.waitlist_url:
        return (
            f'<a href="{escape(cell.waitlist_url)}" class="waitlist-link">{escape(cell.label)}'
            f'<span class="visually-hidden">: {escape(cell.aside)}</span>'
            f'<span class="detail" aria-hidden="true">{waiting_list}</span></a>'
        )
    return f"{escape(cell.label)}{detail}"


@register.simple_tag
def week_rows(grid: WeekGrid) -> SafeString:
    """The grid's body rows: a row header with the wall time, then a cell a day."""
    waiting_list = escape(_("Waiting list"))
    parts = []
    for row in grid.rows:
        parts.append(f'\n        <tr>\n          <th scope="row">{escape(row.label)}</th>')
        parts.extend(
            f'\n            <td class="slot slot-{escape(cell.state)}">{_slot(cell, waiting_list)}</td>'
            for cell in row.cells
        )
        parts.append("\n        </tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


@register.simple_tag
def free_times(grid: WeekGrid) -> SafeString:
    """The week's free times, a line a day, each linked to the booking form for its start: the
    list for those who skip the grid. Times are the venue's wall clock (`FreeTime` is local)."""
    nothing = escape(_("nothing free"))
    parts = []
    for day in grid.days:
        links = ", ".join(
            f'<a href="{escape(free.book_url)}">{free.starts:%H:%M}–{free.ends:%H:%M}</a>'
            for free in day.free_times
        )
        parts.append(
            f"\n    <li><strong>{escape(day.name)}</strong>: {links or nothing}\n    </li>"
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
