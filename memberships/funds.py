"""What is left of a community fund: the grant less what its active bookings drew.

Counted from the active bookings (pending or confirmed) that draw on the fund, so cancelling or
declining a booking refunds it with nothing to write. A fund in hours is drawn by each booking's
real elapsed hours; a fund in money by the price the booking would otherwise have had.
"""

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member

from .allowances import CHARGED_STATUSES
from .models import CommunityFund
from .prices import money


def fund_granted(*, fund: CommunityFund) -> Decimal:
    granted = fund.hours if fund.hours is not None else fund.amount
    assert granted is not None  # the fund_hours_or_money constraint
    return granted


def fund_used(*, fund: CommunityFund) -> Decimal:
    """Hours (or money, as the fund is) drawn by the fund's charged bookings (no-shows too)."""
    used = fund.bookings.filter(status__in=CHARGED_STATUSES).aggregate(used=Sum("fund_drawn"))
    return used["used"] or Decimal(0)


def fund_left(*, fund: CommunityFund) -> Decimal:
    return max(fund_granted(fund=fund) - fund_used(fund=fund), Decimal(0))


def usable_funds(*, member: Member, venue_id: int, today: date) -> list[CommunityFund]:
    """The funds `member` may book with at the venue: their organisations', not yet ended (the
    service checks the booking's own dates), with something left."""
    found = (
        CommunityFund.objects.filter(permissions.own_funds_filter(member))
        .filter(venue_id=venue_id, ends_on__gte=today)
        .select_related("organisation", "venue")
        .order_by("organisation__name", "starts_on", "pk")
    )
    return [fund for fund in found if fund_left(fund=fund) > 0]


def fund_amount(fund: CommunityFund, value: Decimal) -> str:
    """'1.5' (hours, as allowances write them) or '£12.50' for a fund in money."""
    if fund.in_hours:
        text = f"{value.quantize(Decimal('0.01')):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return money(value, fund.venue.currency, free=False)


def left_of_fund(fund: CommunityFund, left: Decimal) -> str:
    """'38.5 of 40 hours left', '£40.00 of £100.00 left'."""
    words = {"left": fund_amount(fund, left), "total": fund_amount(fund, fund_granted(fund=fund))}
    if fund.in_hours:
        return _("%(left)s of %(total)s hours left") % words
    return _("%(left)s of %(total)s left") % words


def fund_described(*, fund: CommunityFund) -> str:
    """'Community fund Spring term (Ladywood Youth Choir): 38.5 of 40 hours left'."""
    return _("Community fund %(name)s (%(organisation)s): %(left)s") % {
        "name": fund.name,
        "organisation": fund.organisation.name,
        "left": left_of_fund(fund, fund_left(fund=fund)),
    }
