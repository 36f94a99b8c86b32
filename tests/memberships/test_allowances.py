"""Allowance arithmetic in the venue's zone: months end at local midnight, the clock changes count
real hours, desk-days are local dates, and only active bookings count."""

from datetime import date
from decimal import Decimal

from memberships.allowances import allowance_left
from tests.factories import BookingFactory
from tests.memberships.conftest import utc


def test_a_booking_across_local_midnight_on_the_last_of_the_month_counts_in_both_months(
    member, room, make_plan, grant
):
    membership = grant(make_plan(kinds=["meeting_room"], hours=10), member=member)
    # 31 July 23:30 to 1 August 00:30 BST: both instants are in July in UTC.
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2026, 7, 31, 22, 30),
        ends_at=utc(2026, 7, 31, 23, 30),
    )
    july = allowance_left(membership=membership, kind="meeting_room", month=date(2026, 7, 1))
    august = allowance_left(membership=membership, kind="meeting_room", month=date(2026, 8, 9))
    assert july is not None and august is not None
    assert (july.used, august.used) == (Decimal("0.5"), Decimal("0.5"))
    assert (july.left, august.left) == (Decimal("9.5"), Decimal("9.5"))
    assert august.renews_on == date(2026, 9, 1)


def test_the_night_the_clocks_go_back_counts_four_real_hours(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["meeting_room"], hours=10), member=member)
    # 25 October 2026 00:00–03:00 local: 23:00 BST to 03:00 GMT is four hours.
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2026, 10, 24, 23),
        ends_at=utc(2026, 10, 25, 3),
    )
    left = allowance_left(membership=membership, kind="meeting_room", month=date(2026, 10, 1))
    assert left is not None and left.used == Decimal(4)


def test_the_night_the_clocks_go_forward_counts_two_real_hours(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["meeting_room"], hours=10), member=member)
    # 29 March 2026 00:00–03:00 local: 00:00 GMT to 03:00 BST is two hours.
    BookingFactory(
        space=room,
        booker=member,
        membership=membership,
        starts_at=utc(2026, 3, 29, 0),
        ends_at=utc(2026, 3, 29, 2),
    )
    left = allowance_left(membership=membership, kind="meeting_room", month=date(2026, 3, 1))
    assert left is not None and left.used == Decimal(2)


def test_a_desk_day_is_one_local_date_however_many_bookings_it_holds(
    member, pool, make_plan, grant
):
    membership = grant(make_plan(days=10), member=member)
    for start, end in [(9, 12), (13, 16)]:
        BookingFactory(
            space=pool,
            booker=member,
            membership=membership,
            starts_at=utc(2026, 12, 1, start),
            ends_at=utc(2026, 12, 1, end),
        )
    # 00:30 BST on 1 August is still 31 July in UTC: it is a desk-day of August.
    BookingFactory(
        space=pool,
        booker=member,
        membership=membership,
        starts_at=utc(2026, 7, 31, 23, 30),
        ends_at=utc(2026, 8, 1, 1),
    )
    december = allowance_left(membership=membership, kind="desk_pool", month=date(2026, 12, 1))
    july = allowance_left(membership=membership, kind="desk_pool", month=date(2026, 7, 1))
    august = allowance_left(membership=membership, kind="desk_pool", month=date(2026, 8, 1))
    assert december is not None and july is not None and august is not None
    assert (december.used, december.left) == (1, 9)
    assert (july.used, august.used) == (0, 1)


def test_cancelled_and_declined_bookings_give_their_allowance_back(member, room, make_plan, grant):
    membership = grant(make_plan(kinds=["meeting_room"], hours=10), member=member)
    for hour, status in enumerate(("confirmed", "pending", "cancelled", "declined")):
        BookingFactory(
            space=room,
            booker=member,
            membership=membership,
            status=status,
            starts_at=utc(2026, 12, 1, 9 + 2 * hour),
            ends_at=utc(2026, 12, 1, 11 + 2 * hour),
        )
    left = allowance_left(membership=membership, kind="meeting_room", month=date(2026, 12, 1))
    assert left is not None and left.used == Decimal(4)


def test_a_kind_without_an_allowance_has_no_monthly_limit(member, make_plan, grant):
    membership = grant(make_plan(kinds=["desk_pool"]), member=member)
    assert allowance_left(membership=membership, kind="desk_pool", month=date(2026, 12, 1)) is None
