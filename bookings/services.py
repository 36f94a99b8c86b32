"""Every write to bookings goes through here: the web pages, the admin, commands and (later) the API.

Each service runs in one transaction, locks the space row before checking other bookings (so two
requests for the same slot queue rather than both passing the check), and raises BookingError
with a sentence a member can read. On PostgreSQL an exclusion constraint backs the rule up, and
for a single new booking of a room it is the check: its refusal is turned into the same words
(bookings.saving.refuses_overlaps).
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import audit, permissions
from members.models import Member, Organisation
from memberships.models import CommunityFund, Membership
from spaces.models import Space

from . import audit_trail, events, freed, mirror, notifications, pricing
from .batch import Batch
from .expiry import request_expires_at
from .locking import lock_for_checks, lock_space
from .models import Booking, Series
from .reminders import REMIND_AHEAD
from .rules import (
    BookingError,
    check_approvable,
    check_attendees,
    check_free,
    check_one_seat_each,
    check_rules,
    check_who,
    seats_refusal,
)
from .saving import (
    check_booking_fields,
    check_fields,
    refuses_overlaps,
    save_guarded,
    save_new,
)


@transaction.atomic
def request_booking(
    *,
    booker: Member,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    title: str,
    purpose: str = "",
    activity: str = "",
    attendees: int = 1,
    organisation: Organisation | None = None,
    membership: Membership | None = None,
    fund: CommunityFund | None = None,
    made_by: Member | None = None,
    waive_notice_and_horizon: bool = False,
    series: Series | None = None,
    expected_price: Decimal | None = None,
    preview: bool = False,
    batch: Batch | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book `space` for [starts_at, ends_at) or raise BookingError; never leaves a partial booking.

    Spaces that require approval get a pending booking, which holds the slot until decided.
    A venue manager may book on a member's behalf (`made_by`, recorded on the booking): the
    same rules apply, except that they may waive the minimum notice and the horizon (never the
    overlap or the seats), and a booking they make needs no approval: they are the approver.
    A booking that uses a `membership` meets its plan's rules: the plan's booking window instead
    of the space's horizon, and the allowance left that month (memberships.services); one
    that uses a community `fund` draws on it, never beyond what is left (bookings.pricing).
    The price is computed here and stored; with `expected_price` (what the member was shown) a
    different price raises PriceChanged instead. `preview` checks everything and returns the
    priced booking unsaved, writing nothing. An occurrence of a `series` (bookings.series) is
    booked the same way; its emails are the series' own (bookings/series_mail.py), and its dates
    share one `batch` (bookings/batch.py: the rules' reads fetched once).
    """
    now = now or timezone.now()
    batch = batch if batch is not None and batch.serves(space) else None
    if batch is None:  # the lock, then the rules' reads (the holds unless the INSERT answers)
        holds = preview or not refuses_overlaps(space)
        space, known_open, known = lock_for_checks(space, starts_at, ends_at, holds=holds)
    else:
        space, known_open, known = batch.space, batch.known.open, batch.known
    on_behalf = made_by is not None and made_by.pk != booker.pk
    manager_made = check_who(
        booker=booker,
        space=space,
        organisation=organisation,
        made_by=made_by,
        waive_notice_and_horizon=waive_notice_and_horizon,
    )
    title = title.strip()
    if not title:
        raise BookingError(_("Give the booking a title, e.g. 'Team meeting'."), field="title")
    if activity and activity not in Booking.Activity.values:
        raise BookingError(_("Choose an activity from the list."), field="activity")
    check_rules(
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=attendees,
        now=now,
        notice_and_horizon=not waive_notice_and_horizon,
        horizon=membership.plan.booking_window if membership is not None else None,
        known=known_open,
    )
    if ends_at <= now:
        raise BookingError(_("That time has already passed."), field="starts_at")
    if preview or known is not None or not refuses_overlaps(space):
        # A single booking of a room on PostgreSQL leaves the holds to its INSERT's constraint
        # (the same words, under the same lock): one read fewer (bookings.saving).
        check_free(space=space, starts_at=starts_at, ends_at=ends_at, known=known)
    check_one_seat_each(space=space, booker=booker, starts_at=starts_at, ends_at=ends_at)
    settled = pricing.settle(
        booker=booker,
        space=space,
        starts_at=starts_at,
        ends_at=ends_at,
        organisation=organisation,
        membership=membership,
        fund=fund,
    )
    pricing.check_expected(settled, expected_price)

    needs_approval = space.requires_approval and not manager_made
    booking = Booking(
        space=space,
        booker=booker,
        organisation=organisation,
        starts_at=starts_at,
        ends_at=ends_at,
        blocked_until=ends_at + space.buffer_after,
        exclusive=not space.is_desk_pool,
        status=Booking.Status.PENDING if needs_approval else Booking.Status.CONFIRMED,
        title=title,
        purpose=purpose.strip(),
        activity=activity,
        attendees=attendees,
        made_by=made_by if on_behalf else None,
        waived_notice_and_horizon=waive_notice_and_horizon,
        series=series,
        expires_at=request_expires_at(space=space, requested_at=now, starts_at=starts_at)
        if needs_approval
        else None,
    )
    pricing.apply(booking, settled)
    if manager_made and space.requires_approval:
        booking.decided_by, booking.decided_at = made_by, now
    check_booking_fields(booking)
    if preview:
        return booking
    save_new(
        booking,
        space,
        event=mirror.new_event(booking),
        entry=audit_trail.booking_entry(
            booking, action="booking.created", by=made_by or booker, before=None, now=now
        ),
    )
    if batch is not None:
        batch.booked(booking)
    events.booking_created(booking, at=now)
    if series is None:
        notifications.booking_requested(booking)
    return booking


def _lock_booking(booking: Booking) -> Booking:
    # of=self: the booking's row only. Without it PostgreSQL's FOR UPDATE also locks every
    # joined row (its space, venue and booker), so every change and cancellation at a venue
    # queued on the venue's row, and, with request_booking holding a space lock, they deadlocked
    # (500s found by tests/live/test_soak.py). Spaces are locked after bookings, in id order.
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("space__venue", "booker")
        .get(pk=booking.pk)
    )


@transaction.atomic
def cancel_booking(
    *, booking: Booking, by: Member, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel an active booking, freeing its slot, if `by` may (`permissions.cancel_refusal`):
    the booker until it starts, a venue manager until it ends, nobody once it has ended."""
    now = now or timezone.now()
    booking = _lock_booking(booking)
    refusal = permissions.cancel_refusal(by, booking, now=now)
    if refusal:
        raise BookingError(refusal)
    before = audit_trail.state(booking)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = by
    booking.cancelled_at = now
    booking.cancellation_reason = reason.strip()
    booking.sequence += 1
    mirror.drop_event(booking)
    booking.save()
    audit_trail.booking_changed(booking, action="booking.cancelled", by=by, before=before, now=now)
    freed.on_slot_freed(booking)
    notifications.booking_cancelled(booking, by=by)
    events.booking_cancelled(booking, at=now)
    return booking


def _decide(
    *, booking: Booking, by: Member, now: datetime | None, reason: str
) -> tuple[Booking, datetime, dict]:
    now = now or timezone.now()
    booking = _lock_booking(booking)
    refusal = permissions.decide_refusal(by, booking)
    if refusal:
        raise BookingError(refusal)
    before = audit_trail.state(booking)
    booking.decided_by = by
    booking.decided_at = now
    booking.decision_reason = reason.strip()
    booking.sequence += 1
    return booking, now, before


@transaction.atomic
def approve_booking(
    *, booking: Booking, by: Member, reason: str = "", now: datetime | None = None
) -> Booking:
    """Confirm a pending booking if it still fits the space's rules as they are now; else BookingError.

    Checked again, with the space locked: the space still takes bookings, the duration, slot step
    and capacity rules, opening hours, closures and imported unavailability, and the bookings held
    by others (seats of a desk pool), with the buffer the request already holds. Not checked again:
    the minimum notice and the horizon, which the member met when asking; a manager may approve a
    request late, but not once its start has passed. A refusal changes nothing, and says why so
    the manager can decline instead.
    """
    booking, now, before = _decide(booking=booking, by=by, now=now, reason=reason)
    # The booking row is locked first, then the space: the same order as an UPDATE of a booking
    # under migration 0003's trigger, so the two never wait on each other in a circle.
    check_approvable(booking=booking, space=lock_space(booking.space), now=now)
    booking.status = Booking.Status.CONFIRMED
    booking.save()
    audit_trail.booking_changed(booking, action="booking.approved", by=by, before=before, now=now)
    notifications.booking_approved(booking)
    events.booking_decided(booking, at=now, decision="approved")
    return booking


@transaction.atomic
def decline_booking(
    *, booking: Booking, by: Member, reason: str, now: datetime | None = None
) -> Booking:
    """Decline a pending booking with a reason the booker will read, freeing its slot."""
    if not reason.strip():
        raise BookingError(
            _("Say why the request is declined; the booker will read it."), field="reason"
        )
    booking, now, before = _decide(booking=booking, by=by, now=now, reason=reason)
    booking.status = Booking.Status.DECLINED
    mirror.drop_event(booking)
    booking.save()
    audit_trail.booking_changed(booking, action="booking.declined", by=by, before=before, now=now)
    freed.on_slot_freed(booking)
    notifications.booking_declined(booking)
    events.booking_decided(booking, at=now, decision="declined")
    return booking


@transaction.atomic
def move_booking(
    *,
    booking: Booking,
    by: Member,
    starts_at: datetime,
    ends_at: datetime,
    space: Space | None = None,
    now: datetime | None = None,
) -> Booking:
    """Move an active booking to [starts_at, ends_at), on `space` (another space of the same venue)
    or its own; succeeds whole or raises BookingError and changes nothing.

    Every rule is checked under the lock as if the booking were new, except that it does not clash
    with itself. It keeps its UID and its SEQUENCE rises, so calendars update the event. A booking
    moved by its booker into a space that needs approval goes back to pending; a manager's move
    stands as confirmed. Its price is computed again, its membership and fund checked again.
    """
    now = now or timezone.now()
    booking = _lock_booking(booking)
    refusal = permissions.move_refusal(by, booking, now=now)
    if refusal:
        raise BookingError(refusal)
    target = space or booking.space
    if target.venue_id != booking.space.venue_id:
        raise BookingError(
            _("A booking can only move to another space of %(venue)s.")
            % {"venue": booking.space.venue.name},
            field="space",
        )
    # Booking row first, then the spaces in id order: the order every writer locks in.
    locked = {pk: lock_space(Space(pk=pk)) for pk in sorted({booking.space_id, target.pk})}
    target = locked[target.pk]
    membership = booking.membership
    check_rules(
        space=target,
        starts_at=starts_at,
        ends_at=ends_at,
        attendees=booking.attendees,
        now=now,
        horizon=membership.plan.booking_window if membership is not None else None,
    )
    check_free(space=target, starts_at=starts_at, ends_at=ends_at, exclude_booking_id=booking.pk)
    check_one_seat_each(
        space=target,
        booker=booking.booker,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_booking_id=booking.pk,
        for_themselves=permissions.is_booker(by, booking),
    )
    settled = pricing.settle(
        booker=booking.booker,
        space=target,
        starts_at=starts_at,
        ends_at=ends_at,
        organisation=booking.organisation,
        membership=membership,
        fund=booking.fund,
        booking=booking,
    )
    before = audit_trail.state(booking)
    pricing.apply(booking, settled)
    freed.on_slot_freed(booking)  # the time it held, read before it moves
    booking.space = target
    booking.starts_at = starts_at
    booking.ends_at = ends_at
    booking.blocked_until = ends_at + target.buffer_after
    booking.exclusive = not target.is_desk_pool
    if target.requires_approval and not permissions.may_manage(by, target.venue):
        booking.status = Booking.Status.PENDING
        booking.expires_at = request_expires_at(space=target, requested_at=now, starts_at=starts_at)
    if starts_at - now > REMIND_AHEAD:
        booking.reminded_at = None  # moved out of the reminder's window: remind of the new time
    booking.sequence += 1
    check_booking_fields(booking)
    mirror.update_event(booking)
    save_guarded(booking, target)
    audit_trail.booking_changed(booking, action="booking.moved", by=by, before=before, now=now)
    notifications.booking_moved(booking, by=by)
    events.booking_moved(booking, at=now)
    return booking


@transaction.atomic
def change_booking_details(
    *,
    booking: Booking,
    by: Member,
    title: str,
    purpose: str = "",
    activity: str = "",
    attendees: int | None = None,
) -> Booking:
    """Change what a booking says about itself (title, purpose, activity, how many people), not
    when or where; the number of people is checked against the space as for a new booking.

    The booker and the venue's managers may; the mirror event follows and SEQUENCE rises, so
    feeds and calendars show the new title.
    """
    booking = _lock_booking(booking)
    if not permissions.may_see_booking(by, booking):
        raise BookingError(_("Only the booker or a venue manager can change this booking."))
    title = title.strip()
    if not title:
        raise BookingError(_("Give the booking a title, e.g. 'Team meeting'."), field="title")
    if activity and activity not in Booking.Activity.values:
        raise BookingError(_("Choose an activity from the list."), field="activity")
    before = audit_trail.state(booking)
    if attendees is not None:
        check_attendees(space=booking.space, attendees=attendees)
        booking.attendees = attendees
    booking.title = title
    booking.purpose = purpose.strip()
    booking.activity = activity
    booking.sequence += 1
    check_booking_fields(booking)
    if booking.is_active:
        mirror.update_event(booking)
    booking.save()
    audit_trail.booking_changed(booking, action="booking.changed", by=by, before=before)
    return booking


@transaction.atomic
def save_space(*, space: Space, by: Member | None = None, now: datetime | None = None) -> Space:
    """Save a new or edited space (from the admin, later the manager's pages) under its lock.

    Fewer seats than future bookings hold at once are refused (BookingError on "seats"), and
    bookings take a seat under the same lock, so a seat reduction racing members who book can
    never leave the pool over-full. A room that becomes a pool, or back, carries its future
    bookings over to the database guard that fits: the exclusion constraint for a room, the
    seats trigger for a pool.
    """
    now = now or timezone.now()
    was_seats, before = None, None
    if space.pk is not None:
        stored = lock_space(space)
        was_seats, before = stored.seats, audit.model_state(stored)
        if space.seats < stored.seats:
            refusal = seats_refusal(space=stored, seats=space.seats, now=now)
            if refusal:
                raise BookingError(refusal, field="seats")
    check_fields(space)
    space.save()
    audit.saved(space, before=before, by=by, venue_id=space.venue_id, at=now)
    if was_seats is not None and (was_seats == 1) != (space.seats == 1):
        Booking.objects.active().filter(space=space, blocked_until__gt=now).update(
            exclusive=space.seats == 1
        )
    return space


def change_seats(
    *, space: Space, seats: int, by: Member | None = None, now: datetime | None = None
) -> Space:
    """Give a space `seats` seats (1 makes it a room booked whole); see save_space."""
    space = Space.objects.select_related("venue").get(pk=space.pk)
    space.seats = seats
    return save_space(space=space, by=by, now=now)


@transaction.atomic
def change_booking(
    *,
    booking: Booking,
    by: Member,
    starts_at: datetime,
    ends_at: datetime,
    space: Space,
    title: str,
    purpose: str = "",
    activity: str = "",
    attendees: int | None = None,
    now: datetime | None = None,
) -> Booking:
    """The change page's one call: change what the booking says (people included), then move it
    if its time or space changed, every rule checked with the new number of people; both or
    neither (a refused move leaves the title as it was too)."""
    attendees = booking.attendees if attendees is None else attendees
    wanted = (title.strip(), purpose.strip(), activity, attendees)
    if wanted != (booking.title, booking.purpose, booking.activity, booking.attendees):
        booking = change_booking_details(
            booking=booking,
            by=by,
            title=title,
            purpose=purpose,
            activity=activity,
            attendees=attendees,
        )
    if (starts_at, ends_at, space.pk) != (booking.starts_at, booking.ends_at, booking.space_id):
        booking = move_booking(
            booking=booking, by=by, starts_at=starts_at, ends_at=ends_at, space=space, now=now
        )
    return booking
