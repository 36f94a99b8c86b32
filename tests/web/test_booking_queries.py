"""Booking a space asks the database a fixed, small number of questions: the rules' reads once,
no validation query that a rule or a database constraint already answers, no needless savepoint."""

from datetime import UTC, datetime

import pytest
from schedule.models import Event

from bookings import services
from bookings.models import Booking
from bookings.rules import BookingError
from bookings.services import request_booking
from tests.factories import BookingFactory, MemberFactory
from tests.web.test_book import BOOK, form_data

TUESDAY_TEN = datetime(2027, 1, 5, 10, tzinfo=UTC)
TUESDAY_ELEVEN = datetime(2027, 1, 5, 11, tzinfo=UTC)

# The savepoint pair of request_booking's own transaction (the test runs inside one), the lock
# on the space, its open hours (weekly hours, exceptions, closures and unavailability in one
# UNION ALL), the holds around the time, the django-scheduler event (its calendar's id known, its
# row not read), the booking and its audit entry.
SERVICE_QUERIES = 8
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
