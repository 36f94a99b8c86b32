"""The emails about bookings, written: plain text from bookings/email/<template>.txt with the
site's links built from SITE_URL, and for the booker an iCalendar invitation where it fits.

Built by the tasks of bookings.mail_tasks from the rows as they are when the email is sent.
The booker's invitations are METHOD:REQUEST, or METHOD:CANCEL once the booking is cancelled or
declined, with the booking's stable UID and rising SEQUENCE, so Outlook, Gmail and Apple Mail
add, update and remove the event.
"""

from email.message import EmailMessage as PyEmailMessage
from email.message import MIMEPart

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from members.mail import one_line

from .ical import build_invitation, invitation_method
from .models import Booking


def invitation_part(booking: Booking, *, filename: str = "invite.ics") -> MIMEPart:
    """The .ics attachment: text/calendar with the iTIP method in its content type."""
    part = MIMEPart()
    part.set_content(
        build_invitation(booking).decode("utf-8"),
        subtype="calendar",
        charset="utf-8",
        params={"method": invitation_method(booking)},
        disposition="attachment",
        filename=filename,
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


def build_email(
    *, to: list[str], template: str, context: dict, invitation_for: Booking | None = None
) -> EmailMessage:
    """Render bookings/email/<template>.txt and its subject (plain text, the site's links from
    SITE_URL) into a message to `to`, with `invitation_for`'s invitation when given."""
    context = {**context, "site_url": settings.SITE_URL}
    subject = one_line(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        + render_to_string(f"bookings/email/{template}_subject.txt", context)
    )
    body = render_to_string(f"bookings/email/{template}.txt", context).rstrip() + "\n"
    if invitation_for is not None:
        return InvitationEmail(booking=invitation_for, subject=subject, body=body, to=to)
    return EmailMessage(subject=subject, body=body, to=to)
