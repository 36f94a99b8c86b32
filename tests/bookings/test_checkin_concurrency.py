"""release_no_shows on several machines at once, and a check-in racing the release: each no-show
is released and emailed once, and a booking is either checked in or released, never both
(PostgreSQL only, threads with their own connections; see test_jobs_concurrency)."""

import itertools
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from bookings.checkin import check_in, release_no_shows
from bookings.models import Booking
from bookings.rules import BookingError
from bookings.services import request_booking
from tests.bookings.test_jobs_concurrency import at_once
from tests.conftest import NOW
from tests.factories import DeskPoolFactory, MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START = datetime(2027, 1, 7, 9, tzinfo=UTC)


def desk_bookings(count: int) -> list[Booking]:
    desks = DeskPoolFactory(seats=count, capacity=count, grace_period=timedelta(minutes=20))
    return [
        request_booking(
            booker=MemberFactory(),
            space=desks,
            starts_at=START,
            ends_at=START + timedelta(hours=3),
            title=f"Desk {n}",
            now=NOW,
        )
        for n in range(count)
    ]


def test_release_on_several_machines_at_once_releases_and_emails_each_once():
    made = desk_bookings(8)
    mail.outbox.clear()  # the confirmations
    released = at_once(lambda: release_no_shows(now=START + timedelta(minutes=30)))
    assert sorted(b.pk for run in released for b in run) == sorted(b.pk for b in made)
    assert len(mail.outbox) == 8
    assert Booking.objects.filter(status=Booking.Status.NO_SHOW).count() == 8


def test_a_check_in_racing_the_release_is_either_checked_in_or_released():
    (booking,) = desk_bookings(1)
    late = START + timedelta(minutes=20)
    turns = itertools.count()
    lock = threading.Lock()

    def job():
        with lock:
            turn = next(turns)
        if turn % 2:
            return release_no_shows(now=late)
        try:
            check_in(booking=booking, by=booking.booker, now=late)
        except BookingError as error:
            return error.message
        return "checked in"

    results = at_once(job)
    booking.refresh_from_db()
    checked_in = [r for r in results if r == "checked in"]
    released = [b for r in results if isinstance(r, list) for b in r]
    if booking.status == Booking.Status.NO_SHOW:
        assert checked_in == [] and booking.checked_in_at is None and len(released) == 1
    else:
        assert booking.status == Booking.Status.CONFIRMED
        assert len(checked_in) == 1 and booking.checked_in_at == late and released == []
