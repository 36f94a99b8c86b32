"""Saving a booking (or a space) the services have checked: field limits as a sentence, and the
database's own guards translated into the same answer the checks would have given.

`check_booking_fields` validates what the rules do not cover (a title too long), with no query.
What `full_clean` would add costs a query each and cannot fail for a booking a service built:
its relations are rows the service has just read or locked, its uid is random and unique in
the database, and the model's check constraints are CHECK constraints in the database too, each
a rule the services check first (times, buffer, attendees, price, fund, status). Measured, those
queries were 44 % of a booking's creation.
"""

from collections.abc import Callable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models
from django.utils.translation import gettext as _

from spaces.models import Space

from .models import Booking
from .rules import BookingError

# Named in the error raised by the PostgreSQL trigger of migration 0003 (desk pool seats).
SEATS_GUARD = "booking_seats_within_pool"


def check_booking_fields(booking: Booking) -> None:
    """Field limits the checks do not cover (a title too long): a sentence, not a crash; no query."""

    def validate() -> None:
        booking.clean_fields(
            exclude=[field.name for field in booking._meta.fields if field.is_relation]
        )
        booking.clean()

    _as_booking_error(validate)


def check_fields(instance: models.Model) -> None:
    """All of `full_clean` (field limits, unique fields, constraints) as a sentence, not a crash."""
    _as_booking_error(instance.full_clean)


def _as_booking_error(validate: Callable[[], None]) -> None:
    try:
        validate()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise BookingError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def save_guarded(booking: Booking, space: Space) -> None:
    """Save `booking`; if PostgreSQL's own guards (migrations 0002 and 0003) catch what the checks
    should have, give the same answer as the checks would have given.

    Called inside a service's transaction (each service is atomic): the error leaves it, which
    rolls it back, so no savepoint of its own is needed.
    """
    try:
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
