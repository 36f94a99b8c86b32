"""Claiming an offer from a waiting list: its link books the slot through the normal booking
service, under the space's lock, so a claim can never double-book; the entry's row is locked
and its state checked first, so a link works once.

A link used twice, after its offer expired, or by another member is a ClaimRefused and writes
nothing; a claim the booking rules refuse (someone booked the time meanwhile, the allowance is
spent) is a BookingError and writes nothing either: the offer stays open until it expires.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member

from .models import Booking, WaitlistEntry
from .rules import BookingError
from .services import request_booking


class ClaimRefused(BookingError):
    """The link cannot be used: `status` is the HTTP status its page answers with."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def claim_refusal(
    entry: WaitlistEntry | None, member: Member, *, now: datetime
) -> ClaimRefused | None:
    """Why `member` may not claim `entry` now, or None if they may."""
    if entry is None:
        return ClaimRefused(
            _("This claim link is not one we sent. Check the address in the email."), status=404
        )
    if not permissions.is_waitlist_member(member, entry):
        return ClaimRefused(
            _(
                "This claim link was sent to another member. Sign in with the account the "
                "email was sent to."
            ),
            status=403,
        )
    if entry.state == WaitlistEntry.State.CLAIMED:
        return ClaimRefused(_("This link has been used: the time is booked."), status=410)
    if entry.state == WaitlistEntry.State.WITHDRAWN:
        return ClaimRefused(
            _("You left this waiting list, so the offer was passed on."), status=410
        )
    expired = entry.offer_expires_at is None or entry.offer_expires_at <= now
    if entry.state == WaitlistEntry.State.EXPIRED or expired:
        return ClaimRefused(
            _("This offer has expired and has passed to the next person waiting."), status=410
        )
    return None


def offer_for(token: str) -> WaitlistEntry | None:
    """The entry offered with `token`, whoever's it is (the caller checks), or None."""
    return (
        WaitlistEntry.objects.select_related("space__venue", "member")
        .filter(offer_token=token)
        .first()
    )


@transaction.atomic
def claim_offer(
    *,
    token: str,
    member: Member,
    expected_price: Decimal | None = None,
    preview: bool = False,
    now: datetime | None = None,
) -> Booking:
    """Book the slot offered with `token` for `member`, as their entry asked, or raise
    (ClaimRefused, BookingError, PriceChanged) and write nothing. `preview` checks and prices it
    without booking (the claim page shows the price before "Book it")."""
    now = now or timezone.now()
    # Lock the entry first, then (in request_booking) the space: a second claim of the same link
    # waits here and then finds it claimed.
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("space__venue", "member")
        .filter(offer_token=token)
        .first()
    )
    refusal = claim_refusal(entry, member, now=now)
    if refusal is not None:
        raise refusal
    assert entry is not None
    booking = request_booking(
        booker=member,
        space=entry.space,
        starts_at=entry.starts_at,
        ends_at=entry.ends_at,
        title=entry.title,
        purpose=entry.purpose,
        activity=entry.activity,
        attendees=entry.attendees,
        organisation=entry.organisation,
        membership=entry.membership,
        fund=entry.fund,
        expected_price=expected_price,
        preview=preview,
        now=now,
    )
    if preview:
        return booking
    entry.state = WaitlistEntry.State.CLAIMED
    entry.booking = booking
    entry.ended_at = now
    entry.save(update_fields=["state", "booking", "ended_at"])
    return booking
