"""What happens when a booking's time comes free before it is used: today, when a no-show is
released (bookings.checkin). `on_slot_freed` is the hook the waitlist will fill in (offering the
time to the first in line); until then it does nothing. It is called once the release commits
(transaction.on_commit), never for a release that rolled back.
"""

from .models import Booking


def on_slot_freed(booking: Booking) -> None:
    """`booking` no longer holds its slot (its space, from now until its end)."""
