from bookings.services import request_booking
from tests.conftest import NOW


def test_a_member_can_book_a_free_room(member, room):
    booking = request_booking(
        booker=member,
        space=room,
        starts_at=NOW.replace(hour=10),
        ends_at=NOW.replace(hour=11),
        title="Planning",
        now=NOW,
    )
    assert booking.status == "confirmed"
    room.refresh_from_db()
    assert booking.event.calendar == room.calendar
