"""What is left of a community fund: the grant less what its active bookings drew.

Counted from the active bookings (pending or confirmed) that draw on the fund, so cancelling or
declining a booking refunds it with nothing to write. A fund in hours is drawn by each booking's
real elapsed hours; a fund in money by the price the booking would otherwise have had.
"""

from decimal import Decimal

from django.db.models import Sum

from .allowances import ACTIVE_STATUSES
from .models import CommunityFund


def fund_granted(*, fund: CommunityFund) -> Decimal:
    granted = fund.hours if fund.hours is not None else fund.amount
    assert granted is not None  # the fund_hours_or_money constraint
    return granted


def fund_used(*, fund: CommunityFund) -> Decimal:
    """Hours (or money, as the fund is) drawn by the fund's active bookings."""
    used = fund.bookings.filter(status__in=ACTIVE_STATUSES).aggregate(used=Sum("fund_drawn"))
    return used["used"] or Decimal(0)


def fund_left(*, fund: CommunityFund) -> Decimal:
    return max(fund_granted(fund=fund) - fund_used(fund=fund), Decimal(0))
