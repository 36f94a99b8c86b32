"""The price rule (memberships.prices.quote): full rate per hour or desk-day, tiers, allowances,
community funds, one rounding at the end; and the words and money shown to people."""

from decimal import Decimal

import pytest

from memberships.models import Allowance, Tier
from memberships.prices import money, quote, rate_in_words
from tests.factories import (
    CommunityFundFactory,
    OrganisationFactory,
    OrganisationKindTierFactory,
    PlanFactory,
)
from tests.memberships.conftest import utc

pytestmark = pytest.mark.django_db


def test_a_room_costs_its_rate_times_the_real_elapsed_hours(room):
    room.rate = Decimal("12.00")
    priced = quote(space=room, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 11, 30))
    assert (priced.price, priced.full_price, priced.basis) == (
        Decimal("18.00"),
        Decimal("18.00"),
        "full",
    )
    assert priced.currency == "GBP" and priced.fund_drawn is None


def test_the_autumn_night_of_four_real_hours_costs_four_hours(room):
    room.rate = Decimal("10")
    # 00:00–03:00 on the wall clock of 25 October 2026 in London lasts four hours.
    priced = quote(space=room, starts_at=utc(2026, 10, 24, 23), ends_at=utc(2026, 10, 25, 3))
    assert priced.price == Decimal("40.00")


def test_rounding_is_half_up_to_the_penny_once_at_the_end(room, venue):
    room.rate = Decimal("0.05")
    half_hour = {"starts_at": utc(2027, 1, 5, 10), "ends_at": utc(2027, 1, 5, 10, 30)}
    # 30 minutes at 5p is 2.5p: half up gives 3p (ROUND_HALF_EVEN would give 2p).
    assert quote(space=room, **half_hour).price == Decimal("0.03")
    # Rounded once, at the end: half of 2.5p is 1.25p, so 1p; rounding the full price first
    # (3p) and then halving it would give 2p.
    OrganisationKindTierFactory(venue=venue)
    priced = quote(space=room, organisation=OrganisationFactory(), **half_hour)
    assert (priced.price, priced.full_price) == (Decimal("0.01"), Decimal("0.03"))


def test_a_desk_pool_costs_its_rate_per_local_date_touched(pool):
    pool.rate = Decimal("15")
    day = quote(space=pool, starts_at=utc(2027, 1, 5, 9), ends_at=utc(2027, 1, 5, 17))
    assert day.price == Decimal("15.00")
    # 23:00 to 01:00 in London touches two local dates.
    night = quote(space=pool, starts_at=utc(2027, 1, 5, 23), ends_at=utc(2027, 1, 6, 1))
    assert night.price == Decimal("30.00")
    # Ending at midnight does not touch the next day (half-open).
    evening = quote(space=pool, starts_at=utc(2027, 1, 5, 22), ends_at=utc(2027, 1, 6, 0))
    assert evening.price == Decimal("15.00")


def test_desk_days_are_counted_in_the_venues_zone_not_utc(pool):
    pool.rate = Decimal("15")
    # In summer, 23:30–00:30 UTC is 00:30–01:30 BST: one local date (6 July), two UTC dates.
    priced = quote(space=pool, starts_at=utc(2027, 7, 5, 23, 30), ends_at=utc(2027, 7, 6, 0, 30))
    assert priced.price == Decimal("15.00")


@pytest.mark.parametrize(
    ("tier", "percent", "price", "basis"),
    [
        (Tier.FULL, None, "24.00", "full"),
        (Tier.REDUCED, Decimal(50), "12.00", "reduced"),
        (Tier.REDUCED, Decimal("12.5"), "21.00", "reduced"),
        (Tier.FREE, None, "0.00", "free"),
    ],
)
def test_the_tier_for_the_organisations_kind_prices_a_booking_without_a_membership(
    room, venue, tier, percent, price, basis
):
    room.rate = Decimal("12")
    OrganisationKindTierFactory(venue=venue, tier=tier, reduction_percent=percent)
    charity = OrganisationFactory()
    priced = quote(
        space=room, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 12), organisation=charity
    )
    assert (priced.price, priced.full_price, priced.basis) == (
        Decimal(price),
        Decimal("24.00"),
        basis,
    )


def test_another_kind_of_organisation_or_none_pays_the_full_rate(room, venue):
    room.rate = Decimal("12")
    OrganisationKindTierFactory(venue=venue)  # charities only
    business = OrganisationFactory(kind="business")
    for organisation in (business, None):
        priced = quote(
            space=room,
            starts_at=utc(2027, 1, 5, 10),
            ends_at=utc(2027, 1, 5, 11),
            organisation=organisation,
        )
        assert (priced.price, priced.basis) == (Decimal("12.00"), "full")


def test_another_venues_tier_does_not_apply(room):
    room.rate = Decimal("12")
    OrganisationKindTierFactory(tier=Tier.FREE)  # at a venue of its own
    priced = quote(
        space=room,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 11),
        organisation=OrganisationFactory(),
    )
    assert priced.basis == "full"


def test_a_booking_within_an_allowance_costs_nothing_and_says_so(room, venue, member, grant):
    room.rate = Decimal("12")
    plan = PlanFactory(venue=venue)
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    membership = grant(plan, member=member)
    priced = quote(
        space=room,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 12),
        membership=membership,
    )
    assert (priced.price, priced.full_price, priced.basis) == (
        Decimal("0.00"),
        Decimal("24.00"),
        "allowance",
    )


def test_a_plan_without_an_allowance_for_the_kind_prices_by_its_own_tier(
    room, venue, member, grant
):
    room.rate = Decimal("12")
    plan = PlanFactory(venue=venue, tier=Tier.REDUCED, reduction_percent=Decimal(25))
    membership = grant(plan, member=member)
    # The plan's tier wins over the kind of organisation's.
    OrganisationKindTierFactory(venue=venue, tier=Tier.FREE)
    priced = quote(
        space=room,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 12),
        membership=membership,
        organisation=OrganisationFactory(),
    )
    assert (priced.price, priced.basis, priced.reduction_percent) == (
        Decimal("18.00"),
        "reduced",
        Decimal(25),
    )


def test_a_fund_in_hours_pays_and_draws_the_real_hours(room, venue):
    room.rate = Decimal("12")
    fund = CommunityFundFactory(venue=venue)
    priced = quote(
        space=room, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 11, 30), fund=fund
    )
    assert (priced.price, priced.full_price, priced.basis, priced.fund_drawn) == (
        Decimal("0.00"),
        Decimal("18.00"),
        "fund",
        Decimal("1.50"),
    )


def test_a_fund_in_money_draws_the_price_the_booking_would_otherwise_have_had(room, venue):
    room.rate = Decimal("12")
    OrganisationKindTierFactory(venue=venue)  # 50 % off for charities
    fund = CommunityFundFactory(venue=venue, hours=None, amount=Decimal(100))
    priced = quote(
        space=room,
        starts_at=utc(2027, 1, 5, 10),
        ends_at=utc(2027, 1, 5, 12),
        organisation=fund.organisation,
        fund=fund,
    )
    assert (priced.price, priced.basis, priced.fund_drawn) == (
        Decimal("0.00"),
        "fund",
        Decimal("12.00"),
    )


def test_a_money_fund_is_not_drawn_for_a_booking_that_costs_nothing(room, venue):
    fund = CommunityFundFactory(venue=venue, hours=None, amount=Decimal(100))
    priced = quote(
        space=room, starts_at=utc(2027, 1, 5, 10), ends_at=utc(2027, 1, 5, 12), fund=fund
    )
    assert (priced.price, priced.basis, priced.fund_drawn) == (Decimal("0.00"), "full", None)


def test_money_is_shown_in_pounds_and_pence_and_nothing_as_free():
    assert money(Decimal("12.5")) == "£12.50"
    assert money(Decimal("1234.567")) == "£1,234.57"
    assert money(Decimal(0)) == "Free"
    assert money(Decimal(0), free=False) == "£0.00"
    assert money(Decimal(12), short=True) == "£12"
    assert money(Decimal("12.50"), short=True) == "£12.50"
    assert money(Decimal(5), "EUR") == "€5.00"
    assert money(Decimal(5), "CHF") == "5.00 CHF"


def test_a_spaces_rate_in_words(room, pool):
    room.rate, pool.rate = Decimal(12), Decimal("15.50")
    assert rate_in_words(room) == "£12 an hour"
    assert rate_in_words(pool) == "£15.50 a desk-day"
    room.rate = Decimal(0)
    assert rate_in_words(room) == "Free to use"


def test_the_basis_names_are_the_bookings_price_bases():
    from bookings.models import Booking
    from memberships import prices

    assert {prices.FULL, prices.REDUCED, prices.FREE, prices.ALLOWANCE, prices.FUND} == set(
        Booking.PriceBasis.values
    )
