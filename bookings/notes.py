"""What a booking tells the venue beside its title: set-up notes for the caretaker's day sheet
(shown to the venue's managers only) and whether the hall screen may show its title. Neither
is in the invitation or the feeds, so changing them sends nothing and leaves SEQUENCE alone;
kept out of bookings.services, which is near its size limit."""

from django.db import transaction
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member

from . import audit_trail
from .models import Booking
from .rules import BookingError

SETUP_NOTES_MAX = 2000


@transaction.atomic
def change_booking_notes(
    *, booking: Booking, by: Member, setup_notes: str, public_title: bool
) -> Booking:
    """Set a booking's set-up notes and public-title flag: the booker and the venue's managers
    may (as for its details). The booking row is locked; an unchanged booking is not written."""
    booking = (
        Booking.objects.select_for_update(of=("self",))  # not its space or venue: see services
        .select_related("space__venue")
        .get(pk=booking.pk)
    )
    if not permissions.may_see_booking(by, booking):
        raise BookingError(_("Only the booker or a venue manager can change this booking."))
    setup_notes = setup_notes.strip()
    if len(setup_notes) > SETUP_NOTES_MAX:
        raise BookingError(
            _("Keep the set-up notes to %(n)d characters or fewer.") % {"n": SETUP_NOTES_MAX},
            field="setup_notes",
        )
    if (setup_notes, public_title) != (booking.setup_notes, booking.public_title):
        before = {"setup_notes": booking.setup_notes, "public_title": booking.public_title}
        booking.setup_notes, booking.public_title = setup_notes, public_title
        booking.save(update_fields=["setup_notes", "public_title", "updated_at"])
        audit_trail.booking_changed(
            booking, action="booking.changed", by=by, before=None, notes_before=before
        )
    return booking
