"""Emails about bookings. Sent after the transaction commits, so a rolled-back booking sends nothing.

The booker's emails carry an iCalendar invitation (METHOD:REQUEST, or METHOD:CANCEL when the
booking is cancelled or declined) with the booking's stable UID and rising SEQUENCE, so Outlook,
Gmail and Apple Mail add, update and remove the event.
"""

from dataclasses import dataclass
from email.message import EmailMessage as PyEmailMessage
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string

from members import permissions
from spaces.models import Venue

from .ical import build_invitation, invitation_method
from .models import Booking


def invitation_part(booking: Booking) -> MIMEPart:
    """The .ics attachment: text/calendar with the iTIP method in its content type."""
    part = MIMEPart()
    part.set_content(
        build_invitation(booking).decode("utf-8"),
        subtype="calendar",
        charset="utf-8",
        params={"method": invitation_method(booking)},
        disposition="attachment",
        filename="invite.ics",
    )
    return part


class InvitationEmail(EmailMessage):
    """An email whose body is multipart/alternative: the text, then the same invitation as
    text/calendar with its METHOD, which is where Outlook and Gmail look for an iTIP message to
    show as an invitation. The invitation is attached as invite.ics too, for clients that only
    offer attachments:

        multipart/mixed
            multipart/alternative
                text/plain
                text/calendar; method=REQUEST (or CANCEL)
            text/calendar; method=...  (attachment; filename="invite.ics")
    """

    def __init__(self, *, booking: Booking, **kwargs) -> None:
        super().__init__(**kwargs)
        # Built now, inside the transaction, from the booking as it is being saved.
        self.invitation = build_invitation(booking).decode("utf-8")
        self.method = invitation_method(booking)
        self.attach(invitation_part(booking))

    def _add_bodies(self, msg: PyEmailMessage) -> None:
        # Django's hook for the body parts (EmailMultiAlternatives overrides it the same way; the
        # stubs do not list it); attach_alternative() cannot give the part a `method` parameter.
        # tests/feeds/test_invitations.py checks the resulting MIME tree.
        super()._add_bodies(msg)  # type: ignore[misc]
        msg.add_alternative(
            self.invitation, subtype="calendar", charset="utf-8", params={"method": self.method}
        )


def _send(*, booking: Booking, to: list[str], template: str, invitation: bool = False) -> None:
    _send_text(
        to=to,
        template=template,
        context={"booking": booking},
        invitation_for=booking if invitation else None,
    )


def _send_text(
    *, to: list[str], template: str, context: dict, invitation_for: Booking | None = None
) -> None:
    """Render bookings/email/<template>.txt (plain text, the site's links from SITE_URL) and its
    subject, and send it once the transaction commits."""
    if not to:
        return
    context = {**context, "site_url": settings.SITE_URL}
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + render_to_string(
        f"bookings/email/{template}_subject.txt", context
    )
    # A title or name holding a newline would make the Subject header invalid, and the email
    # would fail after commit: one line, single spaces.
    subject = " ".join(subject.split())
    body = render_to_string(f"bookings/email/{template}.txt", context).rstrip() + "\n"
    if invitation_for is not None:
        message: EmailMessage = InvitationEmail(
            booking=invitation_for, subject=subject, body=body, to=to
        )
    else:
        message = EmailMessage(subject=subject, body=body, to=to)
    # robust: a mail server failing after commit must not turn a saved booking into a 500.
    transaction.on_commit(message.send, robust=True)


def _managers(booking: Booking, *, besides=None) -> list[str]:
    """The emails of the venue's managers, leaving out `besides` (who did it, and knows)."""
    managers = permissions.managers_of(booking.space.venue)
    if besides is not None:
        managers = managers.exclude(pk=besides.pk)
    return list(managers.values_list("email", flat=True))


def booking_requested(booking: Booking) -> None:
    if booking.status == Booking.Status.PENDING:
        _send(booking=booking, to=[booking.booker.email], template="requested", invitation=True)
        _send(booking=booking, to=_managers(booking), template="needs_decision")
    else:
        _send(booking=booking, to=[booking.booker.email], template="confirmed", invitation=True)


def booking_approved(booking: Booking) -> None:
    _send(booking=booking, to=[booking.booker.email], template="approved", invitation=True)


def booking_declined(booking: Booking) -> None:
    _send(booking=booking, to=[booking.booker.email], template="declined", invitation=True)


def booking_cancelled(booking: Booking, *, by) -> None:
    """The booker gets the CANCEL; managers hear of a member cancelling their own booking."""
    _send(booking=booking, to=[booking.booker.email], template="cancelled", invitation=True)
    if permissions.is_booker(by, booking):
        _send(booking=booking, to=_managers(booking, besides=by), template="cancelled_by_booker")


def booking_moved(booking: Booking, *, by) -> None:
    """The booker gets the updated invitation; managers hear of a member's own move."""
    _send(booking=booking, to=[booking.booker.email], template="moved", invitation=True)
    if not permissions.is_booker(by, booking):
        return
    if booking.status == Booking.Status.PENDING:
        _send(booking=booking, to=_managers(booking, besides=by), template="needs_decision")
    else:
        _send(booking=booking, to=_managers(booking, besides=by), template="moved_by_booker")


@dataclass(frozen=True)
class Clash:
    """An active booking that an imported calendar's busy time now covers, and what the imported
    events are called (shown to the venue's managers only: it is their calendar's text)."""

    booking: Booking
    events: tuple[str, ...]


def imported_calendar_clashes(*, venue: Venue, calendar_name: str, clashes: list[Clash]) -> None:
    """An imported calendar now covers these bookings: the venue's managers get the list, to act
    on; each booker hears that the venue has another event then and a manager will be in touch
    (the booking stands; nothing is cancelled for them). Nothing is sent for no clashes."""
    if not clashes:
        return
    managers = list(permissions.managers_of(venue).values_list("email", flat=True))
    _send_text(
        to=managers,
        template="import_clashes",
        context={"calendar_name": calendar_name, "clashes": clashes, "venue": venue},
    )
    for clash in clashes:
        _send(
            booking=clash.booking, to=[clash.booking.booker.email], template="import_clash_booker"
        )
