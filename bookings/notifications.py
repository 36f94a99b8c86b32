"""Emails about bookings, queued: each is a task (bookings.mail_tasks) that runs only once the
transaction commits (members.mail.after_commit: the database queue's row is written in it, other
queues are told on commit), so a rolled-back booking sends nothing and no mail server is waited
for inside a booking's transaction. The task builds the email from the
rows when it runs (bookings.emails), and a failed send is retried without touching the booking.

The services call these inside their transaction, with the booking as they saved it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from members import permissions
from members.mail import after_commit
from spaces.models import Venue

from .mail_tasks import BOOKER, MANAGERS, send_booking_email, send_import_clashes
from .models import Booking

_held: ContextVar[bool] = ContextVar("booking_emails_held", default=False)


@contextmanager
def held() -> Iterator[None]:
    """Inside, the per-booking emails are not queued: the caller sends one email for all the
    dates of a series decision or cancellation instead (bookings.series_mail)."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)


def _queue(
    booking: Booking,
    template: str,
    *,
    audience: str = BOOKER,
    besides=None,
    invitation: bool = False,
) -> None:
    if _held.get():
        return
    after_commit(
        send_booking_email,
        booking_id=booking.pk,
        template=template,
        audience=audience,
        besides_id=besides.pk if besides is not None else None,
        invitation=invitation,
    )


def booking_requested(booking: Booking) -> None:
    if booking.status == Booking.Status.PENDING:
        _queue(booking, "requested", invitation=True)
        _queue(booking, "needs_decision", audience=MANAGERS)
    else:
        _queue(booking, "confirmed", invitation=True)


def booking_approved(booking: Booking) -> None:
    _queue(booking, "approved", invitation=True)


def booking_declined(booking: Booking) -> None:
    _queue(booking, "declined", invitation=True)


def booking_expired(booking: Booking) -> None:
    """The request was not decided in time: the booker gets the CANCEL and the reason."""
    _queue(booking, "expired", invitation=True)


def booking_no_show(booking: Booking) -> None:
    """Released for not checking in: the booker gets the CANCEL and why (bookings.checkin)."""
    _queue(booking, "no_show", invitation=True)


def booking_reminder(booking: Booking) -> None:
    """The day before: no invitation (the calendar has the event since the confirmation)."""
    _queue(booking, "reminder")


def booking_cancelled(booking: Booking, *, by) -> None:
    """The booker gets the CANCEL; managers hear of a member cancelling their own booking."""
    _queue(booking, "cancelled", invitation=True)
    if permissions.is_booker(by, booking):
        _queue(booking, "cancelled_by_booker", audience=MANAGERS, besides=by)


def booking_moved(booking: Booking, *, by) -> None:
    """The booker gets the updated invitation; managers hear of a member's own move."""
    _queue(booking, "moved", invitation=True)
    if not permissions.is_booker(by, booking):
        return
    if booking.status == Booking.Status.PENDING:
        _queue(booking, "needs_decision", audience=MANAGERS, besides=by)
    else:
        _queue(booking, "moved_by_booker", audience=MANAGERS, besides=by)


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
    after_commit(
        send_import_clashes,
        venue_id=venue.pk,
        calendar_name=calendar_name,
        clashes=[[clash.booking.pk, list(clash.events)] for clash in clashes],
    )
    for clash in clashes:
        _queue(clash.booking, "import_clash_booker")
