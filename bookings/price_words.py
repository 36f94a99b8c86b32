"""A booking's price in words, for its page, "My bookings" and the check step of the booking form:
"Free — within your Hot desk 10 days allowance", "£6.00 (charity rate, 50 % off £12.00)",
"Paid by the community fund Spring term". Read from what the booking stored, never recomputed.
"""

import dataclasses
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member
from memberships.allowances import allowance_for, allowance_left, booking_uses
from memberships.funds import fund_amount, fund_left, left_of_fund
from memberships.prices import money, rate_in_words
from memberships.services import amount, left_in_words

from .models import Booking

Basis = Booking.PriceBasis


def _percent_off(booking: Booking) -> str:
    """The reduction as stored: 50, 12.5 (from the two prices, to a tenth of a per cent)."""
    assert booking.price is not None and booking.full_price
    off = (1 - booking.price / booking.full_price) * 100
    return amount(off.quantize(Decimal("0.1")))


def _tier_name(booking: Booking) -> str:
    """'charity rate', 'Community plan rate': who gave the tier."""
    if booking.membership is not None:
        return _("%(plan)s rate") % {"plan": booking.membership.plan.name}
    if booking.organisation is not None:
        return _("%(kind)s rate") % {"kind": booking.organisation.get_kind_display().lower()}
    return _("reduced rate")


def _allowance_name(booking: Booking) -> str:
    membership = booking.membership
    assert membership is not None
    if membership.organisation is not None:
        return _("within %(holder)s's %(plan)s allowance") % {
            "holder": membership.organisation.name,
            "plan": membership.plan.name,
        }
    return _("within your %(plan)s allowance") % {"plan": membership.plan.name}


def price_in_words(booking: Booking) -> str:
    """The stored price and why, in a sentence; '' for a booking made before prices."""
    if booking.price is None:
        return ""
    currency = booking.space.venue.currency
    full = money(booking.full_price, currency)
    match booking.price_basis:
        case Basis.ALLOWANCE if booking.membership is not None:
            return _("Free — %(within)s") % {"within": _allowance_name(booking)}
        case Basis.FUND if booking.fund is not None:
            return _("Paid by the community fund %(fund)s") % {"fund": booking.fund.name}
        case Basis.FREE:
            return _("Free (%(tier)s)") % {"tier": _tier_name(booking)}
        case Basis.REDUCED if booking.full_price:
            return _("%(price)s (%(tier)s, %(off)s %% off %(full)s)") % {
                "price": money(booking.price, currency),
                "tier": _tier_name(booking),
                "off": _percent_off(booking),
                "full": full,
            }
    return money(booking.price, currency)


def fund_drawn_in_words(booking: Booking) -> str:
    """'2 hours' or '£12.00': what the booking drew from its fund."""
    if booking.fund is None or booking.fund_drawn is None:
        return ""
    drawn = fund_amount(booking.fund, booking.fund_drawn)
    if not booking.fund.in_hours:
        return drawn
    one = booking.fund_drawn == 1
    return ngettext("%(hours)s hour", "%(hours)s hours", 1 if one else 2) % {"hours": drawn}


def what_pays(booking: Booking, *, member: Member) -> list[str]:
    """For the check step, before the booking is saved: the tier, the allowance left after this
    booking, or the fund left after it."""
    space = booking.space
    if booking.fund is not None and booking.fund_drawn is not None:
        after = fund_left(fund=booking.fund) - booking.fund_drawn
        return [
            _("The community fund %(fund)s of %(organisation)s pays %(drawn)s.")
            % {
                "fund": booking.fund.name,
                "organisation": booking.fund.organisation.name,
                "drawn": fund_drawn_in_words(booking),
            },
            _("After this booking: %(left)s.")
            % {"left": left_of_fund(booking.fund, max(after, Decimal(0)))},
        ]
    membership = booking.membership
    if booking.price_basis == Basis.ALLOWANCE and membership is not None:
        allowance = allowance_for(membership, space.kind)
        assert allowance is not None  # priced as within an allowance
        start = booking.starts_at.astimezone(space.venue.zone).date()
        left = allowance_left(membership=membership, kind=space.kind, month=start, member=member)
        uses = booking_uses(
            membership=membership,
            allowance=allowance,
            booker=member,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
        )
        lines = [_("Free — %(within)s.") % {"within": _allowance_name(booking)}]
        if left is not None:
            used = dataclasses.replace(left, used=left.used + uses.get(left.month, Decimal(0)))
            lines.append(_("After this booking: %(left)s.") % {"left": left_in_words(used)})
        return lines
    if booking.price_basis in (Basis.REDUCED, Basis.FREE):
        return [
            _("The %(tier)s applies to this booking (the full rate is %(rate)s).")
            % {"tier": _tier_name(booking), "rate": rate_in_words(space)}
        ]
    return [_("The full rate: %(rate)s.") % {"rate": rate_in_words(space)}]
