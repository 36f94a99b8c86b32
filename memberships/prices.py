"""What a booking costs: one rule, computed by the server, in `Decimal`.

`quote` reads (the plan's allowances, the venue's tiers for kinds of organisation) and never
writes; the booking services call it inside their locked transaction and store what it says.

- **Full price**: the space's rate times the real elapsed hours for a room (a 25-hour night
  counts 25), or times the desk-days for a desk pool (one per local date the booking touches in
  the venue's zone, as allowances count days).
- **Tier**: a booking that uses a membership is within its allowance (the service refuses it
  otherwise), so it costs nothing; when the plan sets no allowance for the kind, the plan's own
  tier prices it. Without a membership, the venue's tier for the kind of the booking's
  organisation applies, if it set one; else the full rate.
- **Fund**: a community fund pays the whole price. A fund in hours draws the booking's real
  elapsed hours; a fund in money draws the price the booking would otherwise have had (nothing,
  and the fund is not used, when that price is nothing).
- **Rounding**: ROUND_HALF_UP to the penny, once, at the end (and the hours a fund draws to the
  hundredth of an hour the same way).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from members.models import Organisation
from spaces.models import Space

from .allowances import HOUR, allowance_for
from .models import CommunityFund, Membership, OrganisationKindTier, Tier, TierFields

PENNY = Decimal("0.01")
HUNDRED = Decimal(100)

# bookings.Booking.PriceBasis: this layer sits below bookings, so it names the values.
FULL, REDUCED, FREE, ALLOWANCE, FUND = "full", "reduced", "free", "allowance", "fund"

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$"}


def to_penny(amount: Decimal) -> Decimal:
    """The one rounding rule: half up, to two places."""
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Quote:
    """The price of one booking as the server computed it, and what it is at the full rate."""

    price: Decimal
    full_price: Decimal
    basis: str
    fund_drawn: Decimal | None
    currency: str
    # For the words: the tier that priced it (None for the full rate) and its percentage off.
    reduction_percent: Decimal | None = None
    priced_by: TierFields | None = None

    @property
    def is_free(self) -> bool:
        return self.price == 0


def elapsed_hours(starts_at: datetime, ends_at: datetime) -> Decimal:
    """Real elapsed hours, exactly (whole seconds), unrounded."""
    return Decimal(int((ends_at - starts_at).total_seconds())) / HOUR


def desk_days(space: Space, starts_at: datetime, ends_at: datetime) -> int:
    """The local dates [starts_at, ends_at) touches in the venue's zone."""
    zone = space.venue.zone
    first = starts_at.astimezone(zone).date()
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    return (last - first).days + 1


def full_amount(*, space: Space, starts_at: datetime, ends_at: datetime) -> Decimal:
    """The space's full rate for [starts_at, ends_at), unrounded."""
    if space.is_desk_pool:
        return space.rate * desk_days(space, starts_at, ends_at)
    return space.rate * elapsed_hours(starts_at, ends_at)


def kind_tier(*, space: Space, organisation: Organisation | None) -> OrganisationKindTier | None:
    """The venue's tier for the kind of `organisation`, if it set one."""
    if organisation is None:
        return None
    return OrganisationKindTier.objects.filter(
        venue_id=space.venue_id, organisation_kind=organisation.kind
    ).first()


def _tiered(full: Decimal, tier: TierFields | None) -> tuple[Decimal, str]:
    if tier is None or tier.tier == Tier.FULL:
        return full, FULL
    if tier.tier == Tier.FREE:
        return Decimal(0), FREE
    percent = tier.reduction_percent
    assert percent is not None  # the reduction_with_reduced_tier constraint
    return full * (HUNDRED - percent) / HUNDRED, REDUCED


def quote(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    organisation: Organisation | None = None,
    membership: Membership | None = None,
    fund: CommunityFund | None = None,
) -> Quote:
    """The price of booking `space` for [starts_at, ends_at) with this membership or fund (at
    most one: the booking service refuses both), for `organisation`. See the module's rule."""
    currency = space.venue.currency
    full = full_amount(space=space, starts_at=starts_at, ends_at=ends_at)
    if membership is not None and allowance_for(membership, space.kind) is not None:
        return Quote(Decimal(0).quantize(PENNY), to_penny(full), ALLOWANCE, None, currency)
    tier: TierFields | None = (
        membership.plan
        if membership is not None
        else kind_tier(space=space, organisation=organisation)
    )
    price, basis = _tiered(full, tier)
    percent = tier.reduction_percent if basis == REDUCED and tier is not None else None
    priced_by = tier if basis != FULL else None
    if fund is not None:
        drawn = to_penny(elapsed_hours(starts_at, ends_at) if fund.in_hours else price)
        if drawn > 0:
            return Quote(Decimal(0).quantize(PENNY), to_penny(full), FUND, drawn, currency)
    return Quote(to_penny(price), to_penny(full), basis, None, currency, percent, priced_by)


def money(
    amount: Decimal | None, currency: str = "GBP", *, short: bool = False, free: bool = True
) -> str:
    """'£12.50', 'Free' for nothing (unless not `free`: '£0.00'); `short` drops the pence of a
    whole amount ('£12')."""
    if amount is None:
        return ""
    if amount == 0 and free:
        return _("Free")
    amount = to_penny(amount)
    text = f"{amount:,.0f}" if short and amount == amount.to_integral_value() else f"{amount:,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def rate_in_words(space: Space) -> str:
    """'£12 an hour', '£15 a desk-day', or 'Free to use' for a space without a rate."""
    if not space.rate:
        return _("Free to use")
    amount = money(space.rate, space.venue.currency, short=True)
    if space.is_desk_pool:
        return _("%(amount)s a desk-day") % {"amount": amount}
    return _("%(amount)s an hour") % {"amount": amount}
