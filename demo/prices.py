"""The demo's prices: the spaces' rates (in `demo.venues`), each venue's tiers for kinds of
organisation, St Luke's plans and who holds them, and a community fund at the Neighbourhood Lab,
all written through the memberships services as a manager's pages would write them.

Every demo booking is priced by the one rule, `memberships.prices.quote`: the upcoming ones by
`request_booking` itself, the past ones (written directly) here, choosing what a member would
have chosen: the group's community fund while it has hours left, else a membership of theirs (or
of the organisation booked for) while its allowance lasts, else the venue's rate and tier.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from bookings.models import Booking
from bookings.pricing import Settled, apply
from members.models import Member, Organisation
from memberships.allowances import allowance_for
from memberships.fund_grants import grant_fund
from memberships.models import CommunityFund, Membership, Tier
from memberships.plans import AllowanceSpec, KindTier, save_kind_tiers, save_plan
from memberships.prices import Quote, elapsed_hours, quote, to_penny
from memberships.services import grant_membership
from spaces.models import Space

from .people import FREELANCER
from .state import DemoState

Kind = Organisation.Kind
SpaceKind = Space.Kind

# Each venue's tiers for kinds of organisation booking without a membership. Freelancers,
# businesses and public bodies pay the full rate.
KIND_TIERS: Mapping[str, Mapping[str, KindTier]] = {
    "st-lukes": {
        Kind.CHARITY: KindTier(Tier.REDUCED, Decimal(50)),
        # The church's mission: small unfunded groups use its rooms free.
        Kind.COMMUNITY_GROUP: KindTier(Tier.FREE),
        Kind.SOCIAL_ENTERPRISE: KindTier(Tier.REDUCED, Decimal(25)),
    },
    "neighbourhood-lab": {
        Kind.CHARITY: KindTier(Tier.REDUCED, Decimal(50)),
        Kind.COMMUNITY_GROUP: KindTier(Tier.REDUCED, Decimal(75)),
        Kind.SOCIAL_ENTERPRISE: KindTier(Tier.REDUCED, Decimal(25)),
    },
}


@dataclass(frozen=True)
class PlanSpec:
    name: str
    description: str
    space_kinds: tuple[str, ...]
    window_days: int
    allowances: tuple[AllowanceSpec, ...] = ()
    tier: str = Tier.FULL


HOT_DESK_10 = PlanSpec(
    "Hot desk 10 days",
    "Ten desk-days a month in the north aisle, any days you like; further days at the desk rate.",
    (SpaceKind.DESK_POOL,),
    28,
    (AllowanceSpec(SpaceKind.DESK_POOL, days_per_month=10),),
)
RESIDENT_DESK = PlanSpec(
    "Resident desk",
    "A desk every day the hub is open, with a locker: for people who work here full time.",
    (SpaceKind.DESK_POOL,),
    60,
    tier=Tier.FREE,
)
COMMUNITY_GROUP = PlanSpec(
    "Community group",
    "Free room hours every month for local groups, shared by the group's members, booked up to "
    "three months ahead.",
    (SpaceKind.MEETING_ROOM, SpaceKind.HALL),
    90,
    (
        AllowanceSpec(SpaceKind.MEETING_ROOM, hours_per_month=Decimal(6)),
        AllowanceSpec(SpaceKind.HALL, hours_per_month=Decimal(4)),
    ),
    tier=Tier.FREE,
)
PAY_AS_YOU_GO = PlanSpec(
    "Pay as you go",
    "No monthly fee: the full rate for what you book, and rooms up to four months ahead.",
    (SpaceKind.DESK_POOL, SpaceKind.MEETING_ROOM, SpaceKind.HALL),
    120,
)
PLANS = (HOT_DESK_10, RESIDENT_DESK, COMMUNITY_GROUP, PAY_AS_YOU_GO)


@dataclass(frozen=True)
class MembershipSpec:
    plan: PlanSpec
    member: str = ""  # an email, or
    organisation: str = ""  # an organisation's slug
    weeks_after_opening: int = 0
    per_person_cap: Decimal | None = None


MEMBERSHIPS = (
    MembershipSpec(HOT_DESK_10, member=FREELANCER.email),
    MembershipSpec(RESIDENT_DESK, member="dev.patel@commonshare.test", weeks_after_opening=4),
    MembershipSpec(COMMUNITY_GROUP, organisation="ladywood-food-share", per_person_cap=Decimal(4)),
    MembershipSpec(PAY_AS_YOU_GO, organisation="summerhill-design"),
)
FUND_ORGANISATION, FUND_VENUE, FUND_HOURS = "southside-youth-theatre", "neighbourhood-lab", 40
FUND_WEEKS_BEFORE, FUND_WEEKS = 3, 12  # a term that began three weeks before the demo's day


@dataclass(frozen=True)
class Paid:
    """What pays for a booking besides its booker: a membership or a community fund, or neither."""

    membership: Membership | None = None
    fund: CommunityFund | None = None

    def __bool__(self) -> bool:
        return self.membership is not None or self.fund is not None


def term_name(starts: date) -> str:
    """'Autumn term 2026' for a term starting in September, October or November (the dates are
    shown beside the name)."""
    season = ("Winter", "Spring", "Summer", "Autumn")[starts.month % 12 // 3]
    return f"{season} term {starts.year}"


class DemoPrices(DemoState):
    """Mixed into `demo.build.DemoBuilder`: writes the prices, then prices the bookings."""

    quotes: dict[tuple, Quote]  # the prices of past bookings, by what decides them

    def create_prices(self) -> None:
        self.quotes = {}
        for venue_slug, tiers in KIND_TIERS.items():
            save_kind_tiers(venue=self.venues[venue_slug], tiers=tiers)
        hub = self.venues["st-lukes"]
        plans = {
            spec.name: save_plan(
                venue=hub,
                name=spec.name,
                description=spec.description,
                space_kinds=spec.space_kinds,
                booking_window=timedelta(days=spec.window_days),
                allowances=spec.allowances,
                tier=spec.tier,
            )
            for spec in PLANS
        }
        opened = hub.opened_for_sharing_on
        assert opened is not None  # every demo venue gets one in create_venue
        granted = [
            grant_membership(
                plan=plans[spec.plan.name],
                member=self.members[spec.member] if spec.member else None,
                organisation=self.organisations[spec.organisation] if spec.organisation else None,
                starts_on=opened + timedelta(weeks=spec.weeks_after_opening),
                per_person_cap=spec.per_person_cap,
            )
            for spec in MEMBERSHIPS
        ]
        self.memberships = list(
            Membership.objects.filter(pk__in=[m.pk for m in granted])
            .select_related("plan__venue")
            .prefetch_related("plan__allowances")
            .order_by("pk")
        )
        lab = self.venues[FUND_VENUE]
        starts = self.today - timedelta(weeks=FUND_WEEKS_BEFORE, days=self.today.weekday())
        ends = starts + timedelta(weeks=FUND_WEEKS, days=-1)
        self.funds = [
            grant_fund(
                venue=lab,
                organisation=self.organisations[FUND_ORGANISATION],
                name=term_name(starts),
                starts_on=starts,
                ends_on=ends,
                hours=Decimal(FUND_HOURS),
                by=self.members[self.venue_specs[FUND_VENUE].manager.email],
            )
        ]

    # Choosing what pays -----------------------------------------------------------------------

    def local_date(self, space: Space, instant: datetime) -> date:
        return instant.astimezone(space.venue.zone).date()

    def fund_for(
        self,
        *,
        space: Space,
        organisation: Organisation | None,
        starts_at: datetime,
        ends_at: datetime,
    ) -> CommunityFund | None:
        if organisation is None:
            return None
        day = self.local_date(space, starts_at)
        needed = to_penny(elapsed_hours(starts_at, ends_at))
        for fund in self.funds:
            if (
                fund.venue_id == space.venue_id
                and fund.organisation_id == organisation.pk
                and fund.starts_on <= day <= fund.ends_on
                and self.used[("fund", fund.pk)] + needed <= fund_hours(fund)
            ):
                return fund
        return None

    def membership_for(
        self,
        *,
        space: Space,
        booker: Member,
        organisation: Organisation | None,
        starts_at: datetime,
        ends_at: datetime,
    ) -> Membership | None:
        day = self.local_date(space, starts_at)
        for membership in self.memberships:
            plan = membership.plan
            holds = membership.member_id == booker.pk or (
                organisation is not None and membership.organisation_id == organisation.pk
            )
            if not (
                holds
                and plan.venue_id == space.venue_id
                and plan.covers(space.kind)
                and membership.starts_on <= day
                and (membership.ends_on is None or day <= membership.ends_on)
            ):
                continue
            allowance = allowance_for(membership, space.kind)
            if allowance is None:
                return membership
            needed = use_of(space, starts_at, ends_at)
            month = day.replace(day=1)
            total = Decimal(allowance.days_per_month or 0) + (allowance.hours_per_month or 0)
            left = total - self.used[(membership.pk, space.kind, month, None)]
            if membership.per_person_cap is not None:
                own = min(membership.per_person_cap, total)
                left = min(left, own - self.used[(membership.pk, space.kind, month, booker.pk)])
            if needed <= left:
                return membership
        return None

    def paid_with(
        self,
        *,
        space: Space,
        booker: Member,
        organisation: Organisation | None,
        starts_at: datetime,
        ends_at: datetime,
    ) -> Paid:
        """The fund or the membership a booking would use, if any."""
        fund = self.fund_for(
            space=space, organisation=organisation, starts_at=starts_at, ends_at=ends_at
        )
        if fund is not None:
            return Paid(fund=fund)
        return Paid(
            membership=self.membership_for(
                space=space,
                booker=booker,
                organisation=organisation,
                starts_at=starts_at,
                ends_at=ends_at,
            )
        )

    def record(self, booking: Booking) -> None:
        """Count what an active booking takes from its fund or its membership's allowance."""
        if booking.status not in Booking.ACTIVE_STATUSES:
            return
        if booking.fund_id is not None and booking.fund_drawn is not None:
            self.used[("fund", booking.fund_id)] += booking.fund_drawn
        if booking.membership_id is not None:
            needed = use_of(booking.space, booking.starts_at, booking.ends_at)
            month = self.local_date(booking.space, booking.starts_at).replace(day=1)
            kind = booking.space.kind
            self.used[(booking.membership_id, kind, month, None)] += needed
            self.used[(booking.membership_id, kind, month, booking.booker_id)] += needed

    def price_past(self, booking: Booking) -> None:
        """Price a booking written directly by the rule request_booking applies, and count it."""
        paid = self.paid_with(
            space=booking.space,
            booker=booking.booker,
            organisation=booking.organisation,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
        )
        # quote is a pure function of these while the demo is built (no demo booking spans two
        # local dates), so each distinct booking is priced once: it saves a query a booking.
        organisation = booking.organisation
        key = (
            booking.space.pk,
            booking.ends_at - booking.starts_at,
            organisation.kind if organisation else None,
            paid.membership.pk if paid.membership else None,
            paid.fund.pk if paid.fund else None,
        )
        priced = self.quotes.get(key)
        if priced is None:
            priced = self.quotes[key] = quote(
                space=booking.space,
                starts_at=booking.starts_at,
                ends_at=booking.ends_at,
                organisation=organisation,
                membership=paid.membership,
                fund=paid.fund,
            )
        fund = paid.fund if priced.fund_drawn is not None else None
        apply(booking, Settled(paid.membership, fund, priced))
        self.record(booking)


def fund_hours(fund: CommunityFund) -> Decimal:
    assert fund.hours is not None  # the demo's fund is in hours
    return fund.hours


def use_of(space: Space, starts_at: datetime, ends_at: datetime) -> Decimal:
    """What a demo booking takes from an allowance: one desk-day (a demo booker has one desk a
    day), or its hours (demo bookings end the day they start, so one month holds them)."""
    return Decimal(1) if space.is_desk_pool else elapsed_hours(starts_at, ends_at)
