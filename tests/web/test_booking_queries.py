"""Booking a space asks the database a fixed, small number of questions: the rules' reads once,
no validation query that a rule or a database constraint already answers, no needless savepoint."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from schedule.models import Event

from bookings import services
from bookings.models import Booking
from bookings.rules import BookingError
from bookings.services import request_booking
from memberships.models import Allowance
from memberships.services import grant_membership
from tests.factories import BookingFactory, MemberFactory, PlanFactory
from tests.web.test_book import BOOK, form_data

TUESDAY_TEN = datetime(2027, 1, 5, 10, tzinfo=UTC)
TUESDAY_ELEVEN = datetime(2027, 1, 5, 11, tzinfo=UTC)

POSTGRES = connection.vendor == "postgresql"
# Round trips to the database, which on PostgreSQL can carry several statements. The savepoint
# pair of request_booking's own transaction (the test runs inside one); the lock on the space
# with the reads the rules need under it: its open hours (weekly hours, exceptions, closures and
# unavailability in one UNION ALL) and the holds around the time, all in one query on
# PostgreSQL (bookings.locking.lock_space_then), one statement each elsewhere, where a room's
# holds are read too (on PostgreSQL its exclusion constraint refuses an overlap with the same
# words, bookings.saving.refuses_overlaps); then the django-scheduler event (its calendar's id
# known, its row not read), the booking and its audit entry: one chained INSERT on PostgreSQL,
# three elsewhere (bookings.saving.save_new).
CHECKS = 1 if POSTGRES else 3
WRITES = 1 if POSTGRES else 3
SERVICE_QUERIES = 2 + CHECKS + WRITES
# The session and the member, the space; the service as above (the form reads no memberships or
# funds when none is chosen, and a booking without set-up notes is the service's transaction
# alone); the webhook endpoints once it commits (here, at the test's end: not counted).
HTTP_QUERIES = 3 + SERVICE_QUERIES


@pytest.fixture
def mirrored(room):
    """The room has had a booking before: its django-scheduler calendar exists."""
    BookingFactory(space=room, starts_at=datetime(2027, 1, 4, 9, tzinfo=UTC))
    request_booking(
        booker=MemberFactory(),
        space=room,
        starts_at=datetime(2027, 1, 6, 10, tzinfo=UTC),
        ends_at=datetime(2027, 1, 6, 11, tzinfo=UTC),
        title="First",
    )
    return room


def test_booking_a_room_takes_a_fixed_number_of_queries(
    frozen_now, member, mirrored, django_assert_num_queries
):
    with django_assert_num_queries(SERVICE_QUERIES):
        booking = request_booking(
            booker=member,
            space=mirrored,
            starts_at=TUESDAY_TEN,
            ends_at=TUESDAY_ELEVEN,
            title="Planning",
        )
    assert booking.pk is not None and booking.event_id is not None


def test_booking_over_the_web_takes_a_fixed_number_of_queries(
    member_client, mirrored, django_assert_num_queries
):
    with django_assert_num_queries(HTTP_QUERIES):
        response = member_client.post(BOOK, form_data())
    assert response.status_code == 302
    assert Booking.objects.filter(title="Planning", starts_at=TUESDAY_TEN).count() == 1


@pytest.mark.postgres
def test_a_clash_caught_only_by_the_database_is_still_a_clean_refusal_and_writes_nothing(
    frozen_now, member, mirrored, monkeypatch
):
    """With the checks fooled into seeing a free room, PostgreSQL's exclusion constraint refuses
    the overlap, and the booking (and its django-scheduler event) is rolled back whole."""
    BookingFactory(space=mirrored, starts_at=TUESDAY_TEN, ends_at=TUESDAY_ELEVEN)
    monkeypatch.setattr(services, "check_free", lambda **kwargs: None)
    events = Event.objects.count()
    with pytest.raises(BookingError, match="already booked"):
        request_booking(
            booker=member,
            space=mirrored,
            starts_at=TUESDAY_TEN,
            ends_at=TUESDAY_ELEVEN,
            title="Sneaky",
        )
    assert not Booking.objects.filter(title="Sneaky").exists()
    assert Event.objects.count() == events


def test_a_member_holding_a_plan_who_pays_as_they_go_reads_no_memberships(
    member_client, member, venue, mirrored, django_assert_num_queries
):
    """The "Use" choice is read only when shown or chosen: paying as you go is valid whatever
    the member holds, so the Book step costs what it costs a member with no plan."""
    plan = PlanFactory(venue=venue, name="Community plan")
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    with django_assert_num_queries(HTTP_QUERIES):
        response = member_client.post(BOOK, form_data(membership=""))
    assert response.status_code == 302
    assert Booking.objects.get(starts_at=TUESDAY_TEN).membership is None


# The form's memberships (their plans' allowances prefetched) and funds, to check the choice
# (what is left is worked out only to be shown); the service locks the membership, read with its
# plan and the plan's allowances, and counts what the allowance has used that month.
MEMBERSHIP_QUERIES = 3 + 3


def test_booking_with_a_plans_allowance_takes_a_fixed_number_of_queries(
    member_client, member, venue, mirrored, django_assert_num_queries
):
    plan = PlanFactory(venue=venue, name="Community plan")
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=Decimal(10))
    membership = grant_membership(plan=plan, member=member, starts_on=date(2027, 1, 1))
    with django_assert_num_queries(HTTP_QUERIES + MEMBERSHIP_QUERIES):
        response = member_client.post(BOOK, form_data(membership=str(membership.pk)))
    assert response.status_code == 302
    booking = Booking.objects.get(starts_at=TUESDAY_TEN)
    assert (booking.membership, booking.price_basis) == (membership, "allowance")


def _first_booking(space) -> None:
    """The space has been booked before: its django-scheduler calendar exists."""
    request_booking(
        booker=MemberFactory(),
        space=space,
        starts_at=datetime(2027, 1, 6, 10, tzinfo=UTC),
        ends_at=datetime(2027, 1, 6, 11, tzinfo=UTC),
        title="First",
    )


def test_a_request_for_a_space_needing_approval_takes_the_same_queries(
    member_client, approval_room, django_assert_num_queries
):
    """A pending request: its expiry is worked out from the space, with no query of its own."""
    _first_booking(approval_room)
    with django_assert_num_queries(HTTP_QUERIES):
        response = member_client.post("/venues/st-lukes/main-hall/book/", form_data(attendees="20"))
    assert response.status_code == 302
    assert Booking.objects.get(space=approval_room, title="Planning").status == "pending"


def test_booking_a_desk_takes_one_more_query_for_one_desk_per_person(
    member_client, pool, django_assert_num_queries
):
    """A desk pool's holds are read everywhere (no constraint counts seats in their place): on
    PostgreSQL with the lock, in the same round trip."""
    _first_booking(pool)
    with django_assert_num_queries(HTTP_QUERIES + 1):
        response = member_client.post("/venues/st-lukes/hot-desks/book/", form_data(attendees=""))
    assert response.status_code == 302
    assert Booking.objects.filter(space=pool, starts_at=TUESDAY_TEN).count() == 1
