"""Who may do what: bookings. Part of members.permissions, the one place that decides."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from bookings.models import Booking, WaitlistEntry

from ._base import NOTHING, Person, _signed_in
from .venues import may_manage, venues_managed_filter

# --- Bookings ----------------------------------------------------------------------------------


def bookings_visible_filter(member: Person) -> Q:
    """Bookings `member` may see in full: their own, and every booking of the venues they manage.
    Everyone else sees other people's bookings only as busy time."""
    if not _signed_in(member):
        return NOTHING
    if member.is_superuser:
        return Q()
    return Q(booker=member) | venues_managed_filter(member, via="space__venue__")


def bookings_managed_filter(member: Person) -> Q:
    """Bookings of the venues `member` manages."""
    return venues_managed_filter(member, via="space__venue__")


def is_booker(member: Person, booking: Booking) -> bool:
    return _signed_in(member) and booking.booker_id == member.pk


def is_booker_id(member: Person, booker_id: int | None) -> bool:
    """`is_booker` for a booking read as a row (its `booker_id`), not an instance."""
    return _signed_in(member) and booker_id is not None and booker_id == member.pk


def series_organised_filter(member: Person) -> Q:
    """Series whose term `member` confirms: their own only (managers set the terms)."""
    return Q(booker=member) if _signed_in(member) else NOTHING


def waitlist_entries_filter(member: Person) -> Q:
    """Waiting list entries `member` may see and act on: their own only (a manager sees the
    bookings that come of them, not who waits)."""
    if not _signed_in(member):
        return NOTHING
    return Q(member=member)


def is_waitlist_member(member: Person, entry: WaitlistEntry) -> bool:
    """Is `entry` (and so its claim link) `member`'s own?"""
    return _signed_in(member) and entry.member_id == member.pk


def may_see_booking(member: Person, booking: Booking) -> bool:
    """Its title, purpose and booker: the booker and the venue's managers."""
    return is_booker(member, booking) or may_manage(member, booking.space.venue)


def cancel_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not cancel `booking` now, or None if they may.

    The booker may cancel until it starts; a venue manager also while it runs (a fire alarm, a
    burst pipe). Nobody may cancel a booking that has ended: it happened (or was missed), and
    cancelling would rewrite the record that occupancy and no-shows are counted from.
    """
    manager = may_manage(member, booking.space.venue)
    if not is_booker(member, booking) and not manager:
        return _("Only the booker or a venue manager can cancel this booking.")
    if not booking.is_active:
        return _("This booking is already %(status)s.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.ends_at <= now:
        return _("This booking has already ended, so it can no longer be cancelled.")
    if booking.starts_at <= now and not manager:
        return _("This booking has already started; ask the venue if you need to change it.")
    return None


def may_cancel(member: Person, booking: Booking, *, now: datetime) -> bool:
    return cancel_refusal(member, booking, now=now) is None


def check_in_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not check `booking` in now, or None if they may (bookings.checkin).

    The booker may, and a venue manager for anyone (from the day view); a confirmed booking
    only, once, from the space's `check_in_opens_before` its start until it ends.
    """
    if not may_see_booking(member, booking):
        return _("Only the booker or a venue manager can check this booking in.")
    if booking.checked_in_at is not None:
        return _("This booking is already checked in.")
    if booking.status == booking.Status.NO_SHOW:
        return _("This booking was released as a no-show, so it can no longer be checked in.")
    if booking.status == booking.Status.PENDING:
        return _("This request has not been approved yet, so it cannot be checked in.")
    if booking.status != booking.Status.CONFIRMED:
        return _("This booking is %(status)s, so it cannot be checked in.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.ends_at <= now:
        return _("This booking has already ended, so it can no longer be checked in.")
    opens = booking.starts_at - booking.space.check_in_opens_before
    if now < opens:
        return _("Check-in for this booking opens at %(time)s.") % {
            "time": date_format(opens.astimezone(booking.space.venue.zone), "D j M Y H:i")
        }
    return None


def may_check_in(member: Person, booking: Booking, *, now: datetime) -> bool:
    return check_in_refusal(member, booking, now=now) is None


def move_refusal(member: Person, booking: Booking, *, now: datetime) -> str | None:
    """Why `member` may not move `booking` (or change its time or space) now, or None if they may.
    The booker and the venue's managers may, until it starts."""
    if not may_see_booking(member, booking):
        return _("Only the booker or a venue manager can move this booking.")
    if not booking.is_active:
        return _("This booking is %(status)s, so it cannot be moved.") % {
            "status": booking.get_status_display().lower()
        }
    if booking.starts_at <= now:
        return _("This booking has already started, so it can no longer be moved.")
    if booking.checked_in_at is not None:  # checked in early: it is under way
        return _("This booking is already checked in, so it can no longer be moved.")
    return None


def decide_refusal(member: Person, booking: Booking) -> str | None:
    """Why `member` may not approve or decline `booking`, or None if they may."""
    if not may_manage(member, booking.space.venue):
        return _("Only a manager of %(venue)s can decide this request.") % {
            "venue": booking.space.venue
        }
    if booking.status != booking.Status.PENDING:
        return _("This request has already been decided: it is %(status)s.") % {
            "status": booking.get_status_display().lower()
        }
    return None


def may_decide(member: Person, booking: Booking) -> bool:
    return decide_refusal(member, booking) is None


def may_approve(member: Person, booking: Booking, *, now: datetime) -> bool:
    """A request may be approved until it starts; after that only declined."""
    return may_decide(member, booking) and booking.starts_at > now


def approvable_among_managed(booking: Booking, *, now: datetime) -> bool:
    """`may_approve` for a request already found through `Booking.objects.managed_by(member)`:
    the venue is not asked about again, so a page of requests costs no query per row."""
    return booking.status == booking.Status.PENDING and booking.starts_at > now
