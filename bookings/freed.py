"""Time of a space has come free: tell the waiting list (bookings.waitlists).

The services call `on_slot_freed` inside the transaction that frees the time (a cancellation,
a decline, an expired request, a move away, a no-show released), with the booking as it was
before the change: what it held is offered once that transaction commits.
"""

from .models import Booking
from .waitlists import slot_freed_on_commit


def on_slot_freed(booking: Booking) -> None:
    """Offer the time `booking` held ([starts_at, blocked_until) of its space, read now, before
    any change to it) to the space's waiting list, once the current transaction commits."""
    slot_freed_on_commit(
        space_id=booking.space_id, starts_at=booking.starts_at, ends_at=booking.blocked_until
    )
