"""What pays for a booking, settled inside the booking services' transaction, after the space lock:
the membership (its plan and allowance, under the membership's lock), the community fund (under
the fund's lock, so two bookings cannot both take its last hours) and the price
(memberships.prices.quote), stored on the booking. Nothing here trusts a price from the browser.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member, Organisation
from memberships.funds import fund_amount, fund_granted, fund_used
from memberships.models import CommunityFund, Membership
from memberships.prices import Quote, money, quote
from memberships.services import MembershipError, check_booking
from spaces.models import Space

from .models import Booking
from .rules import BookingError


class PriceChanged(BookingError):
    """The price is not the one the member was shown: they see the new one before booking."""


@dataclass(frozen=True)
class Settled:
    membership: Membership | None
    fund: CommunityFund | None
    quote: Quote


def _use_membership(
    membership: Membership,
    *,
    booker: Member,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None,
) -> Membership:
    """The plan's rules and allowance, under the membership's lock (memberships.services)."""
    try:
        return check_booking(
            membership=membership,
            booker=booker,
            space=space,
            starts_at=starts_at,
            ends_at=ends_at,
            exclude_booking_id=exclude_booking_id,
        )
    except MembershipError as exc:
        raise BookingError(exc.message, field=exc.field) from exc


def _lock_fund(
    fund: CommunityFund,
    *,
    booker: Member,
    space: Space,
    organisation: Organisation | None,
    starts_at: datetime,
    ends_at: datetime,
) -> CommunityFund:
    """The fund row, locked (members of one group booking different rooms queue here), if it
    may pay for this booking: the venue's, the booking's organisation's, valid on its dates."""
    locked = (
        CommunityFund.objects.select_for_update(of=("self",))  # the fund's row, not the venue's
        .select_related("organisation", "venue")
        .filter(pk=fund.pk)
        .first()
    )
    if locked is None:
        raise BookingError(_("Choose a community fund from the list."), field="membership")
    refusal = permissions.fund_refusal(booker, locked)
    if refusal:
        raise BookingError(refusal, field="membership")
    if locked.venue_id != space.venue_id:
        raise BookingError(
            _("The %(fund)s fund pays for bookings at %(venue)s only.")
            % {"fund": locked.name, "venue": locked.venue.name},
            field="membership",
        )
    if organisation is None or organisation.pk != locked.organisation_id:
        raise BookingError(
            _("The %(fund)s fund pays for %(organisation)s's bookings: book for them to use it.")
            % {"fund": locked.name, "organisation": locked.organisation.name},
            field="organisation",
        )
    zone = space.venue.zone
    first_day = starts_at.astimezone(zone).date()
    last_day = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    if first_day < locked.starts_on or last_day > locked.ends_on:
        raise BookingError(
            _("The %(fund)s fund runs from %(start)s to %(end)s.")
            % {
                "fund": locked.name,
                "start": date_format(locked.starts_on, "j F Y"),
                "end": date_format(locked.ends_on, "j F Y"),
            },
            field="membership",
        )
    return locked


def _check_draw(fund: CommunityFund, drawn: Decimal, *, booking: Booking | None) -> None:
    """Refuse a draw the fund cannot cover (a booking being moved gives back its own draw)."""
    own = Decimal(0)
    if booking is not None and booking.fund_id == fund.pk and booking.fund_drawn is not None:
        own = booking.fund_drawn
    granted = fund_granted(fund=fund)
    left = max(granted - fund_used(fund=fund) + own, Decimal(0))
    if drawn <= left:
        return
    words = {
        "organisation": fund.organisation.name,
        "left": fund_amount(fund, left),
        "granted": fund_amount(fund, granted),
        "needed": fund_amount(fund, drawn),
    }
    if fund.in_hours:
        text = _(
            "%(organisation)s's fund has %(left)s of %(granted)s hours left; "
            "this booking needs %(needed)s."
        )
    else:
        text = _(
            "%(organisation)s's fund has %(left)s of %(granted)s left; "
            "this booking needs %(needed)s."
        )
    raise BookingError(text % words, field="membership")


def settle(
    *,
    booker: Member,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    organisation: Organisation | None,
    membership: Membership | None,
    fund: CommunityFund | None,
    booking: Booking | None = None,
) -> Settled:
    """Check the membership or fund a booking (new, or `booking` being moved) uses, under their
    locks, and price it; raise BookingError and change nothing if either cannot pay."""
    if membership is not None and fund is not None:
        raise BookingError(_("Use a membership or a community fund, not both."), field="membership")
    exclude = booking.pk if booking is not None else None
    if membership is not None:
        membership = _use_membership(
            membership,
            booker=booker,
            space=space,
            starts_at=starts_at,
            ends_at=ends_at,
            exclude_booking_id=exclude,
        )
    if fund is not None:
        fund = _lock_fund(
            fund,
            booker=booker,
            space=space,
            organisation=organisation,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    priced = quote(
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        organisation=organisation,
        membership=membership,
        fund=fund,
    )
    if fund is not None and priced.fund_drawn is not None:
        _check_draw(fund, priced.fund_drawn, booking=booking)
    # A money fund draws nothing from a booking that costs nothing: it is not used.
    return Settled(membership, fund if priced.fund_drawn is not None else None, priced)


def apply(booking: Booking, settled: Settled) -> None:
    """Write what `settle` found onto the booking (the caller saves it)."""
    booking.membership = settled.membership
    booking.fund = settled.fund
    booking.price = settled.quote.price
    booking.full_price = settled.quote.full_price
    booking.price_basis = settled.quote.basis
    booking.fund_drawn = settled.quote.fund_drawn


def check_expected(settled: Settled, expected_price: Decimal | None) -> None:
    """Refuse to book at a price the member was not shown (they see the new one instead)."""
    if expected_price is None or expected_price == settled.quote.price:
        return
    raise PriceChanged(
        _("The price has changed since you checked: it is now %(price)s.")
        % {"price": money(settled.quote.price, settled.quote.currency)}
    )
