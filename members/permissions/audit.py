"""Who may do what: the audit trail. Part of members.permissions, the one place that decides.

A venue's managers (and staff) read the whole trail of the venue and of each of its bookings:
who did what, from what to what. A booker reads only the status changes of their own booking
(booked, moved, approved, declined, cancelled, expired, checked in, released), without anyone's
name: "you", "the venue" or "Commonshare" did it. The free text and the prices of the changes
stay with the managers, who see them on the booking anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..audit import BOOKER_VISIBLE_ACTIONS, AuditEntry
from ._base import Person
from .bookings import is_booker
from .venues import may_manage

if TYPE_CHECKING:  # types only: importing these at run time would turn the layers upside down
    from bookings.models import Booking
    from spaces.models import Venue


def may_see_venue_history(member: Person, venue: Venue) -> bool:
    """The venue's History page: its managers and staff."""
    return may_manage(member, venue)


def may_see_booking_history(member: Person, booking: Booking) -> bool:
    """The History section of a booking's page: its managers (all of it) and its booker (the
    status changes)."""
    return is_booker(member, booking) or may_manage(member, booking.space.venue)


def sees_whole_booking_history(member: Person, booking: Booking) -> bool:
    """Every entry with names and changed values (a manager), or only the booker's view."""
    return may_manage(member, booking.space.venue)


def booking_history_shown(member: Person, booking: Booking, entries: list[AuditEntry]) -> list:
    """The entries of `booking`'s trail that `member` may read, oldest first (none if they may
    not read its history at all)."""
    if not may_see_booking_history(member, booking):
        return []
    if sees_whole_booking_history(member, booking):
        return entries
    return [entry for entry in entries if entry.action in BOOKER_VISIBLE_ACTIONS]


def did_it_themselves(member: Person, entry: AuditEntry) -> bool:
    """For a booker's view: did `member` make this change themselves ("you")? Anyone else is
    "the venue" or "Commonshare", never named."""
    return entry.actor_id is not None and member is not None and entry.actor_id == member.pk
