"""The waiting lists on several machines at once (PostgreSQL only: SQLite's IMMEDIATE
transactions queue them, which proves nothing): `offer_waitlists` run by several machines at the
same moment offers each freed time once and emails it once; two claims of one link book once."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from bookings.models import Booking, WaitlistEntry
from bookings.rules import BookingError
from bookings.services import request_booking
from bookings.waitlist_claims import claim_offer
from bookings.waitlists import join_waitlist, offer_waitlists
from tests.bookings.test_jobs_concurrency import MACHINES, THURSDAY, at_once
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory, VenueFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def waiting_for_freed_rooms(rooms: int, waiting: int) -> list:
    """`rooms` rooms each booked at THURSDAY 09:00 and then cancelled behind the hooks' back
    (as if their commit hooks were lost), each with `waiting` members in line."""
    venue = VenueFactory()
    spaces = []
    with time_machine.travel(NOW, tick=False):
        for _ in range(rooms):
            space = SpaceFactory(venue=venue)
            taken = request_booking(
                booker=MemberFactory(),
                space=space,
                starts_at=THURSDAY,
                ends_at=THURSDAY + timedelta(hours=1),
                title="Taken",
                now=NOW,
            )
            for n in range(waiting):
                join_waitlist(
                    member=MemberFactory(),
                    space=space,
                    starts_at=THURSDAY,
                    ends_at=THURSDAY + timedelta(hours=1),
                    title=f"Waiting {n}",
                    now=NOW,
                )
            Booking.objects.filter(pk=taken.pk).update(status=Booking.Status.CANCELLED)
            spaces.append(space)
    return spaces


def test_offers_made_by_several_machines_at_once_are_made_and_emailed_once():
    spaces = waiting_for_freed_rooms(rooms=4, waiting=3)
    mail.outbox.clear()
    with time_machine.travel(NOW, tick=False):
        offered = at_once(lambda: offer_waitlists(now=NOW))
        # A later run by each machine finds nothing more to offer.
        again = at_once(lambda: offer_waitlists(now=NOW))
    assert sum(len(run) for run in offered) == 4
    assert again == [[]] * MACHINES
    for space in spaces:
        states = list(
            WaitlistEntry.objects.filter(space=space).order_by("pk").values_list("state", flat=True)
        )
        assert states == ["offered", "waiting", "waiting"]
    assert len(mail.outbox) == 4


def test_expiries_and_next_offers_on_several_machines_happen_once():
    waiting_for_freed_rooms(rooms=3, waiting=3)
    with time_machine.travel(NOW, tick=False):
        offer_waitlists(now=NOW)
    mail.outbox.clear()
    later = NOW + timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        at_once(lambda: offer_waitlists(now=later))
    counts = {
        state: WaitlistEntry.objects.filter(state=state).count()
        for state in ("offered", "waiting", "expired")
    }
    assert counts == {"offered": 3, "waiting": 3, "expired": 3}
    assert len(mail.outbox) == 3


def test_one_claim_link_used_twice_at_once_books_once():
    (space,) = waiting_for_freed_rooms(rooms=1, waiting=1)
    with time_machine.travel(NOW, tick=False):
        offer_waitlists(now=NOW)
    entry = WaitlistEntry.objects.get(state="offered")
    assert entry.offer_token is not None
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def claim() -> None:
        try:
            barrier.wait(timeout=30)
            claim_offer(token=entry.offer_token, member=entry.member, now=NOW)
            outcomes.append("booked")
        except BookingError as error:
            outcomes.append(error.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=claim) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["This link has been used: the time is booked.", "booked"]
    assert Booking.objects.active().filter(space=space).count() == 1
