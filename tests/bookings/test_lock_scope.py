"""Changing or cancelling a booking locks that booking's row, not its space, venue or booker.

PostgreSQL's SELECT ... FOR UPDATE locks every row of a join unless told `OF` which: the
services once locked a booking with its space, venue and booker, so every change at a venue
queued on the venue's row and, against a booking holding its space's lock, deadlocked (the
soak test in tests/live found the 500s). Here a service runs in an open transaction while
another connection tries to lock each row without waiting.
"""

import threading
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import OperationalError, connection, transaction
from django.utils import timezone

from bookings.models import Booking
from bookings.notes import change_booking_notes
from bookings.services import cancel_booking, change_booking_details, request_booking
from members.models import Member
from spaces.models import Space, Venue
from tests.factories import MemberFactory, SpaceFactory

pytestmark = pytest.mark.postgres

LONDON = ZoneInfo("Europe/London")


def locked_elsewhere(model, pk: int) -> bool:
    """Does another transaction hold a lock on this row (FOR UPDATE NOWAIT fails)?"""
    answer: list[bool] = []

    def probe() -> None:
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT 1 FROM {model._meta.db_table} WHERE id = %s FOR UPDATE NOWAIT", [pk]
                )
            answer.append(False)
        except OperationalError:
            answer.append(True)
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join(timeout=30)
    return answer == [True]


def cancel(booking: Booking) -> None:
    cancel_booking(booking=booking, by=booking.booker)


def rename(booking: Booking) -> None:
    change_booking_details(booking=booking, by=booking.booker, title="Renamed", attendees=2)


def add_notes(booking: Booking) -> None:
    change_booking_notes(
        booking=booking, by=booking.booker, setup_notes="Chairs in a circle", public_title=False
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", [cancel, rename, add_notes])
def test_changing_a_booking_locks_its_row_and_not_its_space_venue_or_booker(change):
    # The services read the real clock here: a round time three days ahead, while it is open.
    day = timezone.now().astimezone(LONDON).date() + timedelta(days=3)
    starts = datetime.combine(day, time(10), tzinfo=LONDON)
    booking = request_booking(
        booker=MemberFactory(),
        space=SpaceFactory(),
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        title="Planning",
    )
    with transaction.atomic():
        change(booking)
        held = {
            "booking": locked_elsewhere(Booking, booking.pk),
            "space": locked_elsewhere(Space, booking.space_id),
            "venue": locked_elsewhere(Venue, booking.space.venue_id),
            "booker": locked_elsewhere(Member, booking.booker_id),
        }
    assert held == {"booking": True, "space": False, "venue": False, "booker": False}
