"""A manager's own proxy values applied to a period's figures: estimates, never in-kind value.

Each estimate is one proxy value times one figure of docs/occupancy.md (booked room hours,
hirings or declared participant visits, for all bookings or for one activity). A value per booked
hour counts the hours of rooms and halls only: a desk pool's seat-hours are not room hours
(twenty desks booked for an hour are not twenty hours of a room), and adding them would inflate
the estimate. Estimates are not added up: two proxies may value the same benefit twice.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format

from .figures import Stats
from .models import ProxyValue

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def to_penny(amount: Decimal) -> Decimal:
    """The one rounding of money: to the penny, halves up, once, where it is shown."""
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(amount: Decimal, currency: str) -> str:
    """£1,234.50, or 1,234.50 SEK for a currency without a well-known symbol."""
    figure = number_format(amount, 2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


def money_whole(amount: Decimal, currency: str) -> str:
    """£1,235, for the rounded amounts of the public page."""
    figure = number_format(amount, 0, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


@dataclass(frozen=True)
class Estimate:
    proxy: ProxyValue
    quantity: Decimal  # booked room hours (2 places), hirings or visits in the period
    value: Decimal  # quantity x the proxy's amount, to the penny

    @property
    def amount_display(self) -> str:
        return money(self.proxy.amount, self.proxy.currency)

    @property
    def value_display(self) -> str:
        return money(self.value, self.proxy.currency)


def quantity(stats: Stats, proxy: ProxyValue) -> Decimal:
    """The figure a proxy multiplies, for the whole venue (or space) or one activity; per booked
    hour, the booked room hours (never desk seat-hours, nor their sum with room hours)."""
    if proxy.activity:
        mix = stats.by_activity.get(proxy.activity)
        hours = mix.room_hours if mix else 0.0
        hirings = mix.hirings if mix else 0
        visits = mix.participant_visits if mix else 0
    else:
        hours, hirings, visits = stats.rooms.booked_hours, stats.hirings, stats.participant_visits
    if proxy.measure == ProxyValue.Measure.BOOKED_HOUR:
        return Decimal(str(round(hours, 2)))
    if proxy.measure == ProxyValue.Measure.HIRING:
        return Decimal(hirings)
    return Decimal(visits)


def estimates(stats: Stats, proxies) -> list[Estimate]:
    result = []
    for proxy in proxies:
        figure = quantity(stats, proxy)
        value = to_penny(figure * proxy.amount)
        result.append(Estimate(proxy, figure, value))
    return result
