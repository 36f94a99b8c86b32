"""Waiting lists: a member waits for a taken slot, and is offered it when it frees up.

A member joins the list for a time of a space that is taken (a room, or every desk of a pool);
once per slot. Whenever time of a space frees up (a cancellation, a decline, an expired request,
a move away, a no-show released: bookings.freed calls `slot_freed` once the change commits), the
first entry in line whose time is now wholly free (bookings.availability, with the offers still
open counted as holds, so one free room is offered to one member at a time) is offered it: an
email with a claim link, valid for WAITLIST_OFFER_MINUTES and never past the slot's start.
Claiming goes through the normal booking service (bookings.waitlist_claims). `offer_waitlists`
(`manage.py offer_waitlists`, from cron) expires the offers not claimed in time, and the
entries whose time has passed, and offers the next in line.

Offers are made under the space's row lock, the lock every booking of the space takes, so two
processes freeing time of one space offer it once. Order: first come, first offered.
"""

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.mail import after_commit
from members.models import Member, Organisation
from memberships.models import CommunityFund, Membership
from spaces.intervals import Interval
from spaces.models import Space

from .availability import full_intervals
from .mail_tasks import send_waitlist_offer
from .models import Booking, WaitlistEntry
from .rules import BookingError, check_rules


def offer_lasts() -> timedelta:
    return timedelta(minutes=settings.WAITLIST_OFFER_MINUTES)


def taken_between(*, space: Space, starts_at: datetime, ends_at: datetime) -> bool:
    """Is some of [starts_at, ends_at) of `space` held by bookings (every seat, for a desk pool)?
    What makes a time one to wait for rather than book."""
    buffer = space.buffer_after
    full = full_intervals(space, Interval(starts_at, ends_at + buffer), buffer=buffer)
    return any(piece.overlaps(Interval(starts_at, ends_at)) for piece in full)


def _lock_space(space_id: int, *, skip_locked: bool = False) -> Space | None:
    # The row every booking of the space locks first (bookings.services): offers and bookings
    # of one space queue behind each other.
    return (
        Space.objects.select_for_update(of=("self",), skip_locked=skip_locked)
        .select_related("venue")
        .filter(pk=space_id)
        .first()
    )


@transaction.atomic
def join_waitlist(
    *,
    member: Member,
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
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put `member` in line for [starts_at, ends_at) of `space`, or raise BookingError.

    Only a taken time (a free one is booked instead), one the space's rules allow (hours,
    notice, length, people), once per member and slot, and not a time they hold themselves.
    """
    now = now or timezone.now()
    locked = _lock_space(space.pk)
    assert locked is not None
    space = locked
    title = title.strip()
    if not title:
        raise BookingError(_("Give the booking a title, e.g. 'Team meeting'."), field="title")
    if organisation is not None and not permissions.may_book_for(member, organisation):
        raise BookingError(
            _("You can only book for an organisation you belong to."), field="organisation"
        )
    check_rules(space=space, starts_at=starts_at, ends_at=ends_at, attendees=attendees, now=now)
    if ends_at <= now:
        raise BookingError(_("That time has already passed."), field="starts_at")
    mine = (
        Booking.objects.active()
        .for_member(member)
        .filter(space_id=space.pk, starts_at__lt=ends_at, ends_at__gt=starts_at)
    )
    if mine.exists():
        raise BookingError(
            _("You already have %(space)s booked for some of that time.") % {"space": space.name}
        )
    if not taken_between(space=space, starts_at=starts_at, ends_at=ends_at):
        raise BookingError(
            _("%(space)s is free then: book it instead of waiting.") % {"space": space.name}
        )
    waiting = WaitlistEntry.objects.filter(
        space_id=space.pk,
        member=member,
        starts_at=starts_at,
        ends_at=ends_at,
        state__in=WaitlistEntry.LIVE_STATES,
    )
    if waiting.exists():
        raise BookingError(_("You are already on the waiting list for that time."))
    entry = WaitlistEntry(
        space=space,
        member=member,
        organisation=organisation,
        membership=membership,
        fund=fund,
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        purpose=purpose.strip(),
        activity=activity,
        attendees=attendees,
    )
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, member: Member, now: datetime | None = None) -> None:
    """Take `member`'s `entry` off the list; an open offer passes to the next in line."""
    now = now or timezone.now()
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if not permissions.is_waitlist_member(member, entry):
        raise BookingError(_("Only the member on the list can take themselves off it."))
    if not entry.is_live:
        raise BookingError(_("You are no longer on this waiting list."))
    was_offered = entry.state == WaitlistEntry.State.OFFERED
    entry.state = WaitlistEntry.State.WITHDRAWN
    entry.ended_at = now
    entry.save(update_fields=["state", "ended_at"])
    if was_offered:
        slot_freed_on_commit(
            space_id=entry.space_id, starts_at=entry.starts_at, ends_at=entry.ends_at
        )


def slot_freed_on_commit(*, space_id: int, starts_at: datetime, ends_at: datetime) -> None:
    """Offer [starts_at, ends_at) of the space to its waiting list once this transaction commits
    (a rolled-back cancellation frees nothing). robust: the change that freed the time is saved
    whatever happens to the offer; `offer_waitlists` catches up."""
    transaction.on_commit(
        lambda: slot_freed(space=Space(pk=space_id), starts_at=starts_at, ends_at=ends_at),
        robust=True,
    )


def _open_offers(space: Space, *, now: datetime, window: Interval) -> list[Interval]:
    """The time held by offers not yet claimed or expired, as bookings would hold it."""
    return [
        Interval(start, end + space.buffer_after)
        for start, end in WaitlistEntry.objects.filter(
            space_id=space.pk,
            state=WaitlistEntry.State.OFFERED,
            offer_expires_at__gt=now,
            starts_at__lt=window.end + space.buffer_after,
            ends_at__gt=window.start - space.buffer_after,
        ).values_list("starts_at", "ends_at")
    ]


def _full(space: Space, span: Interval, offers: list[Interval]) -> list[Interval]:
    """When in `span` a new booking of `space` could not run: bookings and open offers held."""
    buffer = space.buffer_after
    return full_intervals(
        space, Interval(span.start, span.end + buffer), buffer=buffer, also=offers
    )


def _fits_the_rules(entry: WaitlistEntry, space: Space, *, now: datetime) -> bool:
    try:
        check_rules(
            space=space,
            starts_at=entry.starts_at,
            ends_at=entry.ends_at,
            attendees=entry.attendees,
            now=now,
        )
    except BookingError:
        return False
    return True


def slot_freed(
    *,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime | None = None,
    skip_locked: bool = False,
) -> list[WaitlistEntry]:
    """Offer freed time [starts_at, ends_at) of `space` to its waiting list, first come first
    offered, and return the entries offered (none when nobody waits or nothing fits).

    Every waiting entry meeting that time whose own time is now wholly free is offered, in the
    order they joined; each offer made counts as held for the next, so a room goes to one and
    a pool's freed desks to as many as there are desks. With `skip_locked` (the periodic job on
    several machines) a space another process holds is left for the next run.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_space(space.pk, skip_locked=skip_locked)
        if locked is None:
            return []
        space = locked
        window = Interval(starts_at, ends_at)
        waiting = list(
            WaitlistEntry.objects.filter(
                space_id=space.pk,
                state=WaitlistEntry.State.WAITING,
                starts_at__lt=ends_at,
                ends_at__gt=starts_at,
                starts_at__gt=now,
            )
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("created_at", "pk")
        )
        if not waiting:
            return []
        span = Interval(
            min(entry.starts_at for entry in waiting), max(entry.ends_at for entry in waiting)
        )
        offers = _open_offers(space, now=now, window=span)
        # One availability read for all of them, again only after an offer is made (it holds
        # time for the next): a run that finds nothing free costs a few queries per space.
        full = _full(space, span, offers)
        offered = []
        for entry in waiting:
            wanted = Interval(entry.starts_at, entry.ends_at)
            if not window.overlaps(wanted) or any(piece.overlaps(wanted) for piece in full):
                continue
            if not _fits_the_rules(entry, space, now=now):
                continue
            entry.state = WaitlistEntry.State.OFFERED
            entry.offer_token = secrets.token_urlsafe(32)
            entry.offered_at = now
            entry.offer_expires_at = min(now + offer_lasts(), entry.starts_at)
            entry.save(update_fields=["state", "offer_token", "offered_at", "offer_expires_at"])
            offers.append(Interval(entry.starts_at, entry.ends_at + space.buffer_after))
            full = _full(space, span, offers)
            after_commit(send_waitlist_offer, entry_id=entry.pk)
            offered.append(entry)
        return offered


def _expire(entry_id: int, *, now: datetime) -> WaitlistEntry | None:
    """Expire one stale offer or one waiting entry whose time has come, in its own transaction;
    None if it is no longer so, or another process holds it (skip_locked)."""
    with transaction.atomic():
        entry = (
            WaitlistEntry.objects.select_for_update(skip_locked=True).filter(pk=entry_id).first()
        )
        if entry is None:
            return None
        stale_offer = (
            entry.state == WaitlistEntry.State.OFFERED
            and entry.offer_expires_at is not None
            and entry.offer_expires_at <= now
        )
        past_wait = entry.state == WaitlistEntry.State.WAITING and entry.starts_at <= now
        if not (stale_offer or past_wait):
            return None
        entry.state = WaitlistEntry.State.EXPIRED
        entry.ended_at = now
        entry.save(update_fields=["state", "ended_at"])
    return entry


def offer_waitlists(*, now: datetime | None = None) -> list[WaitlistEntry]:
    """The periodic job: expire offers not claimed in time and entries whose time has passed,
    then offer what is free to whoever waits next; return the offers made. Idempotent, and safe
    on several machines at once: each expiry takes the entry's row (skip_locked), each offer the
    space's (skip_locked too), and the offers still open count as held, so nothing is offered
    or emailed twice."""
    now = now or timezone.now()
    due = WaitlistEntry.objects.filter(
        state=WaitlistEntry.State.OFFERED, offer_expires_at__lte=now
    ) | WaitlistEntry.objects.filter(state=WaitlistEntry.State.WAITING, starts_at__lte=now)
    for pk in list(due.order_by("pk").values_list("pk", flat=True)):
        _expire(pk, now=now)
    offered: list[WaitlistEntry] = []
    spans: dict[int, tuple[datetime, datetime]] = {}
    for space_id, start, end in WaitlistEntry.objects.filter(
        state=WaitlistEntry.State.WAITING, starts_at__gt=now
    ).values_list("space_id", "starts_at", "ends_at"):
        first, last = spans.get(space_id, (start, end))
        spans[space_id] = (min(first, start), max(last, end))
    for space_id, (start, end) in sorted(spans.items()):
        offered += slot_freed(
            space=Space(pk=space_id), starts_at=start, ends_at=end, now=now, skip_locked=True
        )
    return offered
