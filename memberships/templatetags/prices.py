"""Money in templates: {{ booking.price|money:venue.currency }}, {{ space|rate }}."""

from decimal import Decimal

from django import template

from memberships.prices import money as money_in_words
from memberships.prices import rate_in_words
from spaces.models import Space

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str = "GBP") -> str:
    """'£12.50', or 'Free' for nothing."""
    return money_in_words(amount, currency)


@register.filter
def rate(space: Space) -> str:
    """'£12 an hour', '£15 a desk-day' or 'Free to use'."""
    return rate_in_words(space)
