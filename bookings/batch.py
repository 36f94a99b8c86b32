"""A run of bookings of one space made in one transaction (the dates of a series): what the rules
read, fetched once after the space's lock is taken, instead of once per date.

`request_booking(batch=...)` checks each date with the very same rules (`check_rules`,
`check_free`) reading the hours, exceptions, closures, unavailability and holds from
`batch.known` (bookings.availability.prefetch, four queries for the whole span); each booking
written is added to the holds, so later dates see the earlier ones exactly as the holds query
would. The lock on the space, taken before the prefetch and held to the end of the transaction,
is what makes the prefetched holds true: nobody else can book the space meanwhile (so the
dates do not take the lock again: they use the batch's locked row).
"""

from dataclasses import dataclass
from datetime import timedelta

from spaces.intervals import Interval
from spaces.models import Space

from .availability import Known, prefetch
from .locking import lock_space
from .models import Booking

# check_rules reads opening hours a day either side of a booking; buffers reach a little further.
MARGIN = timedelta(days=2)


@dataclass
class Batch:
    space: Space  # locked for the whole transaction
    known: Known

    def booked(self, booking: Booking) -> None:
        """A booking of the batch was written: later dates must see it."""
        self.known.add(booking)

    def serves(self, space: Space) -> bool:
        return space.pk == self.space.pk


def start_batch(*, space: Space, span: Interval) -> Batch:
    """Lock `space` (its row only, as bookings.services does) and prefetch what the rules read
    for it over `span`. Call inside the transaction that books the dates."""
    locked = lock_space(space)
    wide = Interval(span.start - MARGIN, span.end + MARGIN)
    return Batch(locked, prefetch([locked], wide))
