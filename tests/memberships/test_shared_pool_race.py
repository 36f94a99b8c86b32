"""Two members of one organisation take the last hours of its shared pool at the same moment, in
two different rooms (so no space lock queues them): the membership's lock lets exactly one win.
PostgreSQL only: SQLite in memory cannot show a race."""

import threading

import pytest
from django.db import connection

from bookings.models import Booking
from bookings.services import BookingError, request_booking
from tests.conftest import NOW
from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
)
from tests.memberships.conftest import utc

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_two_members_taking_the_last_shared_hours_at_once_give_exactly_one_booking(
    venue, make_plan, grant
):
    group = OrganisationFactory(name="Ladywood Food Share")
    people = [MemberFactory(), MemberFactory()]
    for person in people:
        OrganisationMembershipFactory(organisation=group, member=person)
    rooms = [SpaceFactory(venue=venue), SpaceFactory(venue=venue)]
    membership = grant(make_plan(kinds=["meeting_room"], hours=2), organisation=group)
    barrier = threading.Barrier(2)
    won: list[Booking] = []
    refused: list[BookingError] = []
    crashed: list[BaseException] = []
    lock = threading.Lock()

    def attempt(person, room) -> None:
        try:
            barrier.wait(timeout=30)
            booking = request_booking(
                booker=person,
                space=room,
                starts_at=utc(2027, 1, 5, 10),
                ends_at=utc(2027, 1, 5, 12),
                title="Race",
                membership=membership,
                now=NOW,
            )
            with lock:
                won.append(booking)
        except BookingError as exc:
            with lock:
                refused.append(exc)
        except BaseException as exc:  # noqa: BLE001 - anything else is what the test looks for
            with lock:
                crashed.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(people, rooms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert crashed == []
    assert len(won) == 1
    assert [exc.message for exc in refused] == [
        "Ladywood Food Share has 0 of 2 hours left in January; they renew on 1 February."
    ]
    assert Booking.objects.filter(membership=membership).count() == 1
