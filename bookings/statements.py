"""Monthly statements: what an organisation, or a member booking for themselves, booked at one
venue in one calendar month of the venue's zone, and what it costs. A venue invoices from it
(taking payment online is not built).

A booking belongs to the month in which it starts, on the venue's wall clock: 23:30 on 31 January
in London is January. The lines are the confirmed bookings and the no-shows (a booking released
for not checking in is charged as booked: the space was held for it; its title says so); pending
ones are listed apart, as awaiting approval and not charged; declined and cancelled ones are not
on it. Each line's price
is the one the booking was given when it was made (bookings.Booking.price, never recomputed), so
the total is exactly the sum of the lines' prices. A booking made before the venue had prices
has none: it is shown as not priced and counted apart, never as zero. One venue has one currency,
so a statement is per venue and currency.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from members.models import Member, Organisation
from spaces.models import Venue
from spaces.timezones import wall_time_to_utc

from .models import Booking, BookingQuerySet

CURRENCY_SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}
HOUR = Decimal(3600)
PENNY = Decimal("0.01")
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100


def money(amount: Decimal, currency: str) -> str:
    """£1,234.50, or 1,234.50 SEK for a currency without a well-known symbol (as the stats pages
    write it)."""
    figure = number_format(amount, 2, force_grouping=True)
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}"


def parse_month(text: str) -> dt.date | None:
    """'2027-01' as the 1st of that month, or None for anything else (or a year out of range)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text or "")
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (EARLIEST_YEAR <= year <= LATEST_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, 1)


def next_month(first: dt.date) -> dt.date:
    return dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)


def previous_month(first: dt.date) -> dt.date:
    return dt.date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)


def month_window(venue: Venue, first: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The month as the half-open window of instants [its 1st at 00:00, the next 1st at 00:00)
    on the venue's wall clock."""
    zone = venue.zone
    return (
        wall_time_to_utc(first, dt.time(0), zone),
        wall_time_to_utc(next_month(first), dt.time(0), zone),
    )


def this_month(venue: Venue, now: dt.datetime) -> dt.date:
    return now.astimezone(venue.zone).date().replace(day=1)


@dataclass(frozen=True)
class Line:
    """One booking on a statement, with what it is measured in."""

    booking: Booking

    @property
    def desk_days(self) -> bool:
        return self.booking.space.is_desk_pool

    @property
    def quantity(self) -> Decimal:
        """Hours (real elapsed time, to two places) for a room; one desk-day for a desk."""
        if self.desk_days:
            return Decimal(1)
        seconds = Decimal(int((self.booking.ends_at - self.booking.starts_at).total_seconds()))
        return (seconds / HOUR).quantize(PENNY)

    @property
    def used(self) -> str:
        """The allowance or community fund the booking drew on, in words, or ''."""
        booking = self.booking
        if booking.fund is not None:
            drawn = booking.fund_drawn or Decimal(0)
            if booking.fund.in_hours:
                what = _("%(hours)s hours") % {"hours": f"{drawn.normalize():f}"}
            else:
                what = money(drawn, booking.space.venue.currency)
            return _("%(fund)s: %(what)s") % {"fund": booking.fund.name, "what": what}
        if booking.membership is not None:
            return _("Allowance of %(plan)s") % {"plan": booking.membership.plan.name}
        return ""


@dataclass(frozen=True)
class Statement:
    venue: Venue
    month: dt.date  # the 1st
    holder_name: str
    org_id: str
    lines: list[Line]  # confirmed bookings, in order of start
    pending: list[Line] = field(default_factory=list)  # awaiting approval, not charged

    @property
    def currency(self) -> str:
        return self.venue.currency

    @property
    def total(self) -> Decimal:
        """The sum of the priced lines' prices (each already to the penny)."""
        return sum((line.booking.price or Decimal("0.00") for line in self.priced), Decimal("0.00"))

    @property
    def full_total(self) -> Decimal:
        """What the priced lines would cost at the full rate; the difference is in kind."""
        return sum(
            (line.booking.full_price or Decimal("0.00") for line in self.priced), Decimal("0.00")
        )

    @property
    def priced(self) -> list[Line]:
        return [line for line in self.lines if line.booking.price is not None]

    @property
    def unpriced(self) -> list[Line]:
        return [line for line in self.lines if line.booking.price is None]


def _statement(
    bookings: BookingQuerySet, *, venue: Venue, month: dt.date, holder_name: str, org_id: str
) -> Statement:
    starts, ends = month_window(venue, month)
    rows = list(
        bookings.filter(
            space__venue=venue,
            starts_at__gte=starts,
            starts_at__lt=ends,
            status__in=Booking.CHARGED_STATUSES,
        )
        .select_related("space__venue", "booker", "organisation", "membership__plan", "fund")
        .order_by("starts_at", "pk")
    )
    return Statement(
        venue=venue,
        month=month,
        holder_name=holder_name,
        org_id=org_id,
        lines=[Line(b) for b in rows if b.status != Booking.Status.PENDING],
        pending=[Line(b) for b in rows if b.status == Booking.Status.PENDING],
    )


def organisation_statement(
    *, organisation: Organisation, venue: Venue, month: dt.date
) -> Statement:
    """The bookings made for `organisation` at `venue` that start in `month` (venue's zone)."""
    return _statement(
        Booking.objects.filter(organisation=organisation),
        venue=venue,
        month=month,
        holder_name=organisation.name,
        org_id=organisation.org_id,
    )


def member_statement(*, member: Member, venue: Venue, month: dt.date) -> Statement:
    """The bookings `member` made for themselves (for no organisation: those are on the
    organisation's statement) at `venue` that start in `month`."""
    return _statement(
        Booking.objects.for_member(member).filter(organisation__isnull=True),
        venue=venue,
        month=month,
        holder_name=str(member),
        org_id="",
    )
