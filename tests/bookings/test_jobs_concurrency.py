"""The periodic jobs run from cron on several machines at once: each reminder and each expiry
happens once. Several threads, each with its own connection, run the same job at the same
moment (PostgreSQL only: SQLite's IMMEDIATE transactions queue them, which proves nothing)."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from bookings.expiry import expire_requests
from bookings.models import Booking
from bookings.reminders import remind_managers, send_reminders
from bookings.services import request_booking
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory, VenueFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

MACHINES = 6
THURSDAY = datetime(2027, 1, 7, 9, tzinfo=UTC)


def at_once(job, *, machines: int = MACHINES) -> list:
    """Run `job()` on `machines` threads released together; what each returned."""
    barrier = threading.Barrier(machines)
    results: list = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def machine() -> None:
        try:
            barrier.wait(timeout=30)
            outcome = job()
            with lock:
                results.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - anything is what the test looks for
            with lock:
                crashed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=machine) for _ in range(machines)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashed == []
    return results


def bookings(space, count: int) -> list[Booking]:
    made = []
    with time_machine.travel(NOW, tick=False):
        for n in range(count):
            starts = THURSDAY + timedelta(hours=n)
            made.append(
                request_booking(
                    booker=MemberFactory(),
                    space=space,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    title=f"Booking {n}",
                    now=NOW,
                )
            )
    return made


def test_reminders_run_on_several_machines_at_once_go_out_once_each():
    venue = VenueFactory()
    bookings(SpaceFactory(venue=venue), 8)
    mail.outbox.clear()  # the confirmations
    counts = at_once(lambda: send_reminders(now=THURSDAY - timedelta(hours=1)))
    assert sum(counts) == 8
    assert len(mail.outbox) == 8
    assert not Booking.objects.filter(reminded_at=None).exists()


def test_requests_expired_on_several_machines_at_once_are_expired_and_emailed_once():
    venue = VenueFactory()
    waiting = bookings(SpaceFactory(venue=venue, requires_approval=True), 8)
    mail.outbox.clear()  # the "request received" emails
    expired = at_once(lambda: expire_requests(now=THURSDAY - timedelta(hours=1)))
    assert sorted(b.pk for run in expired for b in run) == sorted(b.pk for b in waiting)
    assert len(mail.outbox) == 8
    assert set(Booking.objects.values_list("status", flat=True)) == {Booking.Status.DECLINED}


def test_the_managers_digest_goes_once_when_several_machines_send_it():
    venue = VenueFactory()
    venue.managers.add(MemberFactory())
    bookings(SpaceFactory(venue=venue, requires_approval=True), 2)
    mail.outbox.clear()
    claimed = at_once(lambda: remind_managers(now=NOW + timedelta(hours=1)))
    assert sum(len(run) for run in claimed) == 1
    assert len(mail.outbox) == 1
