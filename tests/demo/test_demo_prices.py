"""The demo's prices: rates, tiers, plans, memberships and a community fund, and every booking
priced by the one rule, so the booking form, statements and stats have real figures to show."""

from collections import defaultdict
from decimal import Decimal

import time_machine
from django.db.models import Sum
from django.urls import reverse

from bookings.models import Booking
from bookings.statements import money, month_window, organisation_statement, this_month
from demo.people import CHARITY_ADMIN, FREELANCER
from members.models import Member, Organisation
from memberships.allowances import allowance_for, allowance_left, month_start
from memberships.funds import fund_used
from memberships.models import CommunityFund, Membership, OrganisationKindTier, Plan, Tier
from memberships.prices import quote
from spaces.models import Space, Venue
from stats.figures import FREE, UNPRICED
from stats.occupancy import compute_stats
from stats.periods import last_complete_months


def test_the_spaces_have_community_rates_and_the_venues_tiers(demo, db):
    rates = dict(Space.objects.values_list("slug", "rate"))
    assert rates["hot-desks"] == Decimal(15)
    assert rates["main-hall"] == Decimal(25)
    assert rates["chancel-room"] == Decimal(12)
    assert all(rate > 0 for rate in rates.values())
    hub = Venue.objects.get(slug="st-lukes")
    tiers = {row.organisation_kind: row for row in OrganisationKindTier.objects.filter(venue=hub)}
    assert tiers[Organisation.Kind.CHARITY].tier == Tier.REDUCED
    assert tiers[Organisation.Kind.CHARITY].reduction_percent == 50
    assert tiers[Organisation.Kind.COMMUNITY_GROUP].tier == Tier.FREE
    assert Organisation.Kind.BUSINESS not in tiers  # the full rate


def test_st_lukes_offers_four_plans_and_the_personas_hold_them(demo, db):
    hub = Venue.objects.get(slug="st-lukes")
    plans = {plan.name: plan for plan in Plan.objects.filter(venue=hub, is_active=True)}
    assert set(plans) == {"Hot desk 10 days", "Resident desk", "Community group", "Pay as you go"}
    desk_allowance = allowance_for(Membership(plan=plans["Hot desk 10 days"]), Space.Kind.DESK_POOL)
    assert desk_allowance is not None and desk_allowance.days_per_month == 10
    group = plans["Community group"]
    assert group.tier == Tier.FREE and group.booking_window.days == 90
    assert allowance_for(Membership(plan=group), Space.Kind.MEETING_ROOM) is not None

    amira = Member.objects.get(email=FREELANCER.email)
    assert Membership.objects.get(member=amira).plan.name == "Hot desk 10 days"
    food_share = Membership.objects.get(organisation__slug="ladywood-food-share")
    assert food_share.plan == group and food_share.per_person_cap == 4
    business = Membership.objects.get(organisation__kind=Organisation.Kind.BUSINESS)
    assert business.plan.name == "Pay as you go"
    for membership in Membership.objects.all():
        assert membership.bookings.exists(), f"nobody used {membership}"


def test_a_community_fund_of_40_hours_runs_this_term_and_is_partly_drawn(demo, db):
    fund = CommunityFund.objects.get()
    today = demo.astimezone(fund.venue.zone).date()
    assert (fund.organisation.slug, fund.venue.slug, fund.hours) == (
        "southside-youth-theatre",
        "neighbourhood-lab",
        Decimal(40),
    )
    assert fund.starts_on < today < fund.ends_on
    assert 0 < fund_used(fund=fund) <= fund.hours
    drawing = fund.bookings.filter(status__in=Booking.ACTIVE_STATUSES)
    assert drawing.filter(starts_at__lt=demo).exists()
    assert drawing.filter(starts_at__gte=demo).exists()


def test_every_booking_has_the_price_the_one_rule_gives_it(demo, db):
    bookings = Booking.objects.select_related(
        "space__venue", "organisation", "membership__plan", "fund"
    ).prefetch_related("membership__plan__allowances")
    bases = defaultdict(int)
    for booking in bookings:
        priced = quote(
            space=booking.space,
            starts_at=booking.starts_at,
            ends_at=booking.ends_at,
            organisation=booking.organisation,
            membership=booking.membership,
            fund=booking.fund,
        )
        assert (booking.price, booking.full_price, booking.price_basis, booking.fund_drawn) == (
            priced.price,
            priced.full_price,
            priced.basis,
            priced.fund_drawn,
        ), booking
        bases[booking.price_basis] += 1
    assert set(bases) == set(Booking.PriceBasis.values)


def test_no_allowance_cap_or_fund_is_overdrawn(demo, db):
    members = {member.pk: member for member in Member.objects.all()}
    for membership in Membership.objects.select_related("plan__venue"):
        zone = membership.plan.venue.zone
        months = defaultdict(set)
        for booker_id, kind, starts_at in membership.bookings.filter(
            status__in=Booking.ACTIVE_STATUSES
        ).values_list("booker_id", "space__kind", "starts_at"):
            months[(kind, month_start(starts_at.astimezone(zone).date()))].add(booker_id)
        for (kind, month), bookers in months.items():
            pool = allowance_left(membership=membership, kind=kind, month=month)
            if pool is None:
                continue
            assert pool.used <= pool.total, (membership, month)
            for booker_id in bookers:
                own = allowance_left(
                    membership=membership, kind=kind, month=month, member=members[booker_id]
                )
                assert own is not None and own.used <= own.total, (membership, month, booker_id)
    for fund in CommunityFund.objects.all():
        assert fund_used(fund=fund) <= (fund.hours or fund.amount or 0)


def test_the_freelancers_booking_form_offers_her_membership(demo, db, client):
    with time_machine.travel(demo, tick=False):
        client.force_login(Member.objects.get(email=FREELANCER.email))
        response = client.get(
            reverse("bookings:book", kwargs={"venue_slug": "st-lukes", "space_slug": "hot-desks"})
        )
    assert response.status_code == 200
    choice = response.context["form"].fields["membership"]
    labels = [str(label) for _value, label in choice.choices]
    assert any(
        label.startswith("Hot desk 10 days: ") and "of 10 desk-days left in" in label
        for label in labels
    ), labels


def test_food_shares_statement_this_month_adds_up(demo, db, client):
    hub = Venue.objects.get(slug="st-lukes")
    food_share = Organisation.objects.get(slug="ladywood-food-share")
    month = this_month(hub, demo)
    statement = organisation_statement(organisation=food_share, venue=hub, month=month)
    assert statement.lines and not statement.unpriced
    starts, ends = month_window(hub, month)
    charged = Booking.objects.filter(
        organisation=food_share,
        space__venue=hub,
        status=Booking.Status.CONFIRMED,
        starts_at__gte=starts,
        starts_at__lt=ends,
    ).aggregate(price=Sum("price"), full=Sum("full_price"))
    assert statement.total == charged["price"]
    assert statement.full_total == charged["full"] > statement.total
    assert any(line.used.startswith("Allowance of Community group") for line in statement.lines)

    with time_machine.travel(demo, tick=False):
        client.force_login(Member.objects.get(email=CHARITY_ADMIN.email))
        page = client.get(
            reverse(
                "bookings:organisation_statement",
                kwargs={"slug": food_share.slug, "venue_slug": hub.slug, "month": f"{month:%Y-%m}"},
            )
        )
    assert page.status_code == 200
    assert money(statement.total, hub.currency) in page.content.decode()


def test_the_last_three_months_stats_show_income_and_free_hours(demo, db):
    for venue in Venue.objects.all():
        period = last_complete_months(demo.astimezone(venue.zone).date(), 3)
        stats = compute_stats(venue, period)
        assert stats.income > 0, venue
        assert stats.by_price[FREE].room_hours + stats.by_price[FREE].desk_seat_hours > 0, venue
        assert stats.by_price[UNPRICED].hirings == 0, venue


def test_nobody_pays_the_rate_while_their_membership_had_room(demo, db):
    """Replaying the bookings in the order they were made: a booking that a holder's
    membership covers is priced at the rate only when its allowance (or the person's cap) had no
    room left for it that month; a plan without a monthly limit is always used."""
    for membership in Membership.objects.select_related("plan__venue").prefetch_related(
        "plan__allowances"
    ):
        plan, zone = membership.plan, membership.plan.venue.zone
        holder = (
            {"booker_id": membership.member_id}
            if membership.member_id
            else {"organisation_id": membership.organisation_id}
        )
        used: dict[tuple, Decimal] = defaultdict(Decimal)
        for booking in (
            Booking.objects.filter(
                space__venue=plan.venue,
                space__kind__in=plan.space_kinds,
                status__in=Booking.CHARGED_STATUSES,  # a no-show keeps what it drew
                starts_at__date__gte=membership.starts_on,
                **holder,
            )
            .select_related("space")
            .order_by("pk")
        ):
            if booking.membership_id not in (None, membership.pk) or booking.fund_id:
                continue
            allowance = allowance_for(membership, booking.space.kind)
            if allowance is None:
                assert booking.membership_id == membership.pk, booking
                continue
            month = month_start(booking.starts_at.astimezone(zone).date())
            pool, own = (booking.space.kind, month), (booking.space.kind, month, booking.booker_id)
            needed = (
                Decimal(1)
                if allowance.in_days
                else Decimal((booking.ends_at - booking.starts_at).total_seconds()) / 3600
            )
            if booking.membership_id == membership.pk:
                used[pool] += needed
                used[own] += needed
                continue
            total = Decimal(allowance.days_per_month or 0) + (allowance.hours_per_month or 0)
            left = total - used[pool]
            if membership.per_person_cap is not None:
                left = min(left, min(membership.per_person_cap, total) - used[own])
            assert needed > left, (booking, left)
        if membership.plan.name in ("Hot desk 10 days", "Community group"):
            assert used, membership
