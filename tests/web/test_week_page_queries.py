"""The week pages ask the database a fixed number of questions, however many bookings the week holds."""

from datetime import timedelta

import pytest

from tests.factories import BookingFactory, ClosureFactory, MemberFactory
from tests.web.conftest import utc

# Session, member (with the menu's "does this member manage a venue?", members.backends), space;
# then opening hours, their exceptions, closures and unavailability (one UNION ALL), and the
# active holds with the member's own bookings among them (read once for the whole week).
SPACE_WEEK_QUERIES = 5
# A visitor has no session to read, no member and no menu question: the space, the open hours and
# the holds.
VISITOR_SPACE_WEEK_QUERIES = 3
# Session, member with the menu's question, the venue and its managers check, the spaces, the
# week's bookings with their bookers and organisations.
VENUE_WEEK_QUERIES = 5


def _fill_week(space, member, count: int) -> None:
    """`count` half-hour bookings from Tuesday, every other one the member's own."""
    someone = MemberFactory()
    for n in range(count):
        starts = utc(2027, 1, 5, 9) + timedelta(minutes=30 * n)
        BookingFactory(
            space=space,
            booker=member if n % 2 else someone,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=30),
        )
    ClosureFactory(
        venue=space.venue,
        starts_at=utc(2027, 1, 9, 12),
        ends_at=utc(2027, 1, 9, 14),
        reason="Boiler repair",
    )


@pytest.mark.parametrize("count", [1, 50])
def test_a_space_week_takes_the_same_queries_with_one_booking_or_fifty(
    member_client, member, room, count, django_assert_num_queries
):
    _fill_week(room, member, count)
    with django_assert_num_queries(SPACE_WEEK_QUERIES):
        response = member_client.get(f"/venues/{room.venue.slug}/{room.slug}/")
    assert response.status_code == 200
    states = {cell.state for row in response.context["grid"].rows for cell in row.cells}
    assert {"booked", "closed", "free"} <= states


@pytest.mark.parametrize("count", [1, 50])
def test_a_visitor_sees_a_space_week_in_three_queries(
    client, frozen_now, member, room, count, django_assert_num_queries
):
    _fill_week(room, member, count)
    with django_assert_num_queries(VISITOR_SPACE_WEEK_QUERIES):
        response = client.get(f"/venues/{room.venue.slug}/{room.slug}/")
    assert response.status_code == 200
    states = {cell.state for row in response.context["grid"].rows for cell in row.cells}
    assert {"booked", "closed", "free"} <= states and "yours" not in states


def test_a_members_own_bookings_in_the_week_take_no_query_of_their_own(
    member_client, member, room, django_assert_num_queries
):
    _fill_week(room, member, 6)
    with django_assert_num_queries(SPACE_WEEK_QUERIES):
        response = member_client.get(f"/venues/{room.venue.slug}/{room.slug}/")
    yours = [
        cell for row in response.context["grid"].rows for cell in row.cells if cell.state == "yours"
    ]
    assert len(yours) == 3 and all(cell.booking_url.startswith("/bookings/") for cell in yours)


def test_a_manager_sees_a_space_week_in_the_same_queries(
    manager_client, member, room, django_assert_num_queries
):
    _fill_week(room, member, 50)
    with django_assert_num_queries(SPACE_WEEK_QUERIES):
        response = manager_client.get(f"/venues/{room.venue.slug}/{room.slug}/")
    assert response.status_code == 200
    assert response.context["is_venue_manager"] is True


@pytest.mark.parametrize("count", [1, 50])
def test_a_desk_pool_week_takes_the_same_queries_with_one_booking_or_fifty(
    member_client, member, pool, count, django_assert_num_queries
):
    _fill_week(pool, member, count)
    with django_assert_num_queries(SPACE_WEEK_QUERIES):
        response = member_client.get(f"/venues/{pool.venue.slug}/{pool.slug}/")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 50])
def test_a_venue_week_takes_the_same_queries_with_one_booking_or_fifty(
    manager_client, member, room, pool, count, django_assert_num_queries
):
    _fill_week(room, member, count)
    _fill_week(pool, member, count)
    with django_assert_num_queries(VENUE_WEEK_QUERIES):
        response = manager_client.get(f"/manage/venues/{room.venue.slug}/week/?date=2027-01-05")
    assert response.status_code == 200
    assert sum(len(bookings) for row in response.context["rows"] for bookings in row["days"]) == (
        2 * count
    )
