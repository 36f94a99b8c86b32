"""Emails about bookings. Sent after the transaction commits, so a rolled-back booking sends nothing."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from .models import Booking


def _send(*, booking: Booking, to: list[str], template: str) -> None:
    if not to:
        return
    context = {"booking": booking, "site_url": settings.SITE_URL}
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + render_to_string(f"bookings/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"bookings/email/{template}.txt", context)
    message = EmailMessage(subject=subject, body=body, to=to)
    transaction.on_commit(message.send)


def _managers(booking: Booking) -> list[str]:
    return list(booking.space.venue.managers.filter(is_active=True).values_list("email", flat=True))


def booking_requested(booking: Booking) -> None:
    if booking.status == Booking.Status.PENDING:
        _send(booking=booking, to=[booking.booker.email], template="requested")
        _send(booking=booking, to=_managers(booking), template="needs_decision")
    else:
        _send(booking=booking, to=[booking.booker.email], template="confirmed")


def booking_approved(booking: Booking) -> None:
    _send(booking=booking, to=[booking.booker.email], template="approved")


def booking_declined(booking: Booking) -> None:
    _send(booking=booking, to=[booking.booker.email], template="declined")


def booking_cancelled(booking: Booking) -> None:
    _send(booking=booking, to=[booking.booker.email], template="cancelled")
