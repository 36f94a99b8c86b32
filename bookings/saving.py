"""Saving a booking (or a space) the services have checked: field limits as a sentence, and the
database's own guards translated into the same answer the checks would have given.

`check_fields` validates what the rules do not cover (a title too long). A run of bookings that
share their relations and rules (a series' dates, `bookings.batch.Batch`) validates the first in
full and the others' own fields only: the relations were found to exist for the first, the
uid is random and unique in the database, and the model's check constraints, which Django
checks with one query each, are CHECK constraints in the database too and cannot fail for a
booking the services built (each is a rule they check first: times, buffer, attendees, price,
fund, status).
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from spaces.models import Space

from .models import Booking
from .rules import BookingError

# Named in the error raised by the PostgreSQL trigger of migration 0003 (desk pool seats).
SEATS_GUARD = "booking_seats_within_pool"


def check_fields(instance: models.Model, *, relations_checked: bool = False) -> None:
    """Field limits the checks do not cover (a title too long): a sentence, not a crash. With
    `relations_checked` (a later booking of a batch) only the instance's own fields, no query."""
    try:
        if relations_checked:
            instance.clean_fields(
                exclude=[field.name for field in instance._meta.fields if field.is_relation]
            )
            instance.clean()
        else:
            instance.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def save_guarded(booking: Booking, space: Space) -> None:
    """Save `booking`; if PostgreSQL's own guards (migrations 0002 and 0003) catch what the checks
    should have, give the same answer as the checks would have given."""
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise BookingError(
                _("%(space)s is already booked then. Try another time.") % {"space": space.name},
                code="clash",
            ) from exc
        if SEATS_GUARD in str(exc):
            raise BookingError(
                _(
                    "All %(seats)d desks of %(space)s are taken for some of that time. Try another time."
                )
                % {"seats": space.seats, "space": space.name},
                code="clash",
            ) from exc
        raise
