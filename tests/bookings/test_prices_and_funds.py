"""The booking services price each booking under the lock and store it, and draw on community
funds: never beyond what is left, refunded by a cancellation or a decline."""

from datetime import date
from decimal import Decimal

import pytest

from bookings.models import Booking
from bookings.pricing import PriceChanged
from bookings.services import (
    BookingError,
    cancel_booking,
    change_booking,
    decline_booking,
    move_booking,
)
from memberships.funds import fund_left, fund_used
from memberships.models import Allowance
from memberships.services import grant_membership
from tests.bookings.conftest import DAY, at
from tests.conftest import NOW
from tests.factories import (
    CommunityFundFactory,
    DeskPoolFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationKindTierFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
)


@pytest.fixture
def choir(member):
    group = OrganisationFactory(name="Ladywood Youth Choir", kind="community_group")
    OrganisationMembershipFactory(organisation=group, member=member)
    return group


@pytest.fixture
def priced_room(room):
    room.rate = Decimal("12.00")
    room.save()
    return room


def test_a_booking_stores_the_price_computed_under_the_lock(book, priced_room, venue, choir):
    OrganisationKindTierFactory(venue=venue, organisation_kind="community_group")
    booking = book(priced_room, at(10), at(11), organisation=choir)
    booking.refresh_from_db()
    assert (booking.price, booking.full_price, booking.price_basis) == (
        Decimal("6.00"),
        Decimal("12.00"),
        Booking.PriceBasis.REDUCED,
    )
    assert booking.fund is None and booking.fund_drawn is None


def test_a_booking_within_the_allowance_is_stored_as_free(book, priced_room, venue, member):
    plan = PlanFactory(venue=venue)
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    membership = grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    booking = book(priced_room, at(10), at(12), membership=membership)
    assert (booking.price, booking.full_price, booking.price_basis) == (
        Decimal("0.00"),
        Decimal("24.00"),
        "allowance",
    )


def test_an_hours_fund_is_drawn_down_and_refunded_by_a_cancellation(
    book, priced_room, venue, choir, member
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(4))
    first = book(priced_room, at(10), at(12), organisation=choir, fund=fund)
    assert (first.price, first.full_price, first.price_basis, first.fund_drawn) == (
        Decimal("0.00"),
        Decimal("24.00"),
        "fund",
        Decimal("2.00"),
    )
    book(priced_room, at(13), at(14, 30), organisation=choir, fund=fund)
    assert fund_left(fund=fund) == Decimal("0.5")
    cancel_booking(booking=first, by=member, now=NOW)
    assert fund_left(fund=fund) == Decimal("2.5")


def test_a_money_fund_draws_the_price_and_a_decline_refunds_it(book, venue, choir, manager):
    hall = SpaceFactory(venue=venue, rate=Decimal("20"), requires_approval=True, capacity=50)
    OrganisationKindTierFactory(venue=venue, organisation_kind="community_group")
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=None, amount=Decimal(50))
    request = book(hall, at(10), at(12), organisation=choir, fund=fund)
    assert (request.status, request.price, request.fund_drawn) == (
        "pending",
        Decimal("0.00"),
        Decimal("20.00"),
    )
    assert fund_left(fund=fund) == Decimal(30)
    decline_booking(booking=request, by=manager, reason="Double-booked by the parish", now=NOW)
    assert fund_left(fund=fund) == Decimal(50)


def test_an_overdrawn_fund_is_refused_with_what_is_left_and_nothing_written(
    book, priced_room, venue, choir, nothing_written
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal("1.5"))
    with pytest.raises(BookingError) as refused:
        book(priced_room, at(10), at(12), organisation=choir, fund=fund)
    assert refused.value.message == (
        "Ladywood Youth Choir's fund has 1.5 of 1.5 hours left; this booking needs 2."
    )
    assert refused.value.field == "membership"
    nothing_written()


def test_the_message_for_the_example_of_the_issue(book, priced_room, venue, choir):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(40))
    other = SpaceFactory(venue=venue)
    for day in range(5, 24):
        book(
            other,
            at(9, day=DAY.replace(day=day)),
            at(11, day=DAY.replace(day=day)),
            organisation=choir,
            fund=fund,
        )
    book(other, at(13), at(13, 30), organisation=choir, fund=fund)
    assert fund_left(fund=fund) == Decimal("1.5")
    with pytest.raises(BookingError, match=r"has 1\.5 of 40 hours left; this booking needs 2\."):
        book(priced_room, at(10), at(12), organisation=choir, fund=fund)


def test_an_overdrawn_money_fund_names_the_money(book, priced_room, venue, choir):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=None, amount=Decimal(20))
    with pytest.raises(BookingError) as refused:
        book(priced_room, at(10), at(12), organisation=choir, fund=fund)
    assert refused.value.message == (
        "Ladywood Youth Choir's fund has £20.00 of £20.00 left; this booking needs £24.00."
    )


def test_a_fund_of_a_group_the_booker_is_not_in_is_refused(book, priced_room, venue, choir):
    stranger = MemberFactory()
    fund = CommunityFundFactory(venue=venue, organisation=choir)
    with pytest.raises(BookingError, match="book for an organisation you belong to"):
        book(priced_room, at(10), at(11), booker=stranger, organisation=choir, fund=fund)
    with pytest.raises(BookingError, match="a community fund of a group you belong to"):
        book(priced_room, at(10), at(11), booker=stranger, fund=fund)
    assert not Booking.objects.exists()


def test_a_fund_must_pay_for_the_bookings_own_organisation(book, priced_room, venue, choir, member):
    fund = CommunityFundFactory(venue=venue, organisation=choir)
    with pytest.raises(BookingError) as refused:
        book(priced_room, at(10), at(11), fund=fund)  # booked for themselves
    assert refused.value.field == "organisation"
    assert "pays for Ladywood Youth Choir's bookings" in refused.value.message
    other = OrganisationFactory()
    OrganisationMembershipFactory(organisation=other, member=member)
    with pytest.raises(BookingError, match="pays for Ladywood Youth Choir's bookings"):
        book(priced_room, at(10), at(11), organisation=other, fund=fund)
    assert not Booking.objects.exists()


def test_a_fund_of_another_venue_or_outside_its_dates_is_refused(book, priced_room, choir, venue):
    elsewhere = CommunityFundFactory(organisation=choir)
    with pytest.raises(BookingError, match="pays for bookings at"):
        book(priced_room, at(10), at(11), organisation=choir, fund=elsewhere)
    later = CommunityFundFactory(venue=venue, organisation=choir, starts_on=date(2027, 2, 1))
    with pytest.raises(BookingError, match="runs from 1 February 2027 to 31 March 2027"):
        book(priced_room, at(10), at(11), organisation=choir, fund=later)
    assert not Booking.objects.exists()


def test_a_membership_and_a_fund_at_once_are_refused(book, priced_room, venue, choir, member):
    membership = grant_membership(
        plan=PlanFactory(venue=venue), member=member, starts_on=date(2027, 1, 1)
    )
    fund = CommunityFundFactory(venue=venue, organisation=choir)
    with pytest.raises(BookingError, match="not both"):
        book(priced_room, at(10), at(11), organisation=choir, fund=fund, membership=membership)


def test_a_move_is_priced_again_and_draws_only_the_difference(
    book, priced_room, venue, choir, member
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(3))
    booking = book(priced_room, at(10), at(12), organisation=choir, fund=fund)
    moved = move_booking(booking=booking, by=member, starts_at=at(13), ends_at=at(16), now=NOW)
    assert (moved.fund_drawn, fund_used(fund=fund)) == (Decimal("3.00"), Decimal(3))
    with pytest.raises(BookingError, match="has 3 of 3 hours left; this booking needs 3.5"):
        move_booking(booking=booking, by=member, starts_at=at(13), ends_at=at(16, 30), now=NOW)
    booking.refresh_from_db()
    assert (booking.starts_at, booking.fund_drawn) == (at(13), Decimal("3.00"))


def test_a_move_to_a_dearer_space_changes_the_stored_price(book, priced_room, venue, member):
    studio = SpaceFactory(venue=venue, rate=Decimal("30"))
    booking = book(priced_room, at(10), at(11))
    assert booking.price == Decimal("12.00")
    moved = change_booking(
        booking=booking,
        by=member,
        starts_at=at(10),
        ends_at=at(11),
        space=studio,
        title=booking.title,
        now=NOW,
    )
    moved.refresh_from_db()
    assert (moved.price, moved.full_price) == (Decimal("30.00"), Decimal("30.00"))


def test_a_desk_pool_booking_costs_a_desk_day(book, venue):
    pool = DeskPoolFactory(venue=venue, rate=Decimal("15"))
    booking = book(pool, at(9), at(13))
    assert booking.price == Decimal("15.00")


def test_a_price_other_than_the_one_shown_is_not_booked(book, priced_room, nothing_written):
    with pytest.raises(PriceChanged) as changed:
        book(priced_room, at(10), at(11), expected_price=Decimal("0.00"))
    assert changed.value.message == "The price has changed since you checked: it is now £12.00."
    nothing_written()
    booked = book(priced_room, at(10), at(11), expected_price=Decimal("12.00"))
    assert booked.price == Decimal("12.00")


def test_a_preview_is_priced_and_checked_but_writes_nothing(
    book, priced_room, venue, choir, nothing_written
):
    fund = CommunityFundFactory(venue=venue, organisation=choir, hours=Decimal(4))
    preview = book(priced_room, at(10), at(12), organisation=choir, fund=fund, preview=True)
    assert preview.pk is None
    assert (preview.price, preview.full_price, preview.fund_drawn) == (
        Decimal("0.00"),
        Decimal("24.00"),
        Decimal("2.00"),
    )
    nothing_written()
    assert fund_left(fund=fund) == Decimal(4)
