"""The week grid's slots, written in Python: the page has some 180 of them, and the template
markup they replace cost about half the page's rendering (a dozen lookups and branches a cell)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from bookings.grid import Cell

register = template.Library()


@register.simple_tag
def week_slot(cell: Cell) -> SafeString:
    """A slot's words, linked to what it offers (the member's booking, the booking form, or its
    waiting list) with the link's purpose for a screen reader; escaped as a template would."""
    detail = format_html('<span class="detail">{}</span>', cell.detail) if cell.detail else ""
    if cell.booking_url or cell.book_url:
        return format_html(
            '<a href="{}">{}<span class="visually-hidden">: {}</span>{}</a>',
            cell.booking_url or cell.book_url,
            cell.label,
            cell.aside,
            detail,
        )
    if cell.waitlist_url:
        return format_html(
            '<a href="{}" class="waitlist-link">{}<span class="visually-hidden">: {}</span>'
            '<span class="detail" aria-hidden="true">{}</span></a>',
            cell.waitlist_url,
            cell.label,
            cell.aside,
            _("Waiting list"),
        )
    return format_html("{}{}", cell.label, detail)
