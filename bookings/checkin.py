"""Check-in at the door, and no-shows that free the space.

A confirmed booking may be checked in from the space's `check_in_opens_before` (15 minutes by
default) before it starts until it ends, once: by its booker (My bookings, the booking page, or
the QR code on the door: `booking_to_check_in`) or by a venue manager (the day view). Who may,
and why not, is `members.permissions.check_in_refusal`.

A space with a `grace_period` (20 minutes for desk pools by default, off for rooms) releases a
booking not checked in by its start plus the grace period: `release_no_shows`, run from cron by
`manage.py release_no_shows`, marks it a no-show, which is not an active status, so the rest of
its time is free again at once (the exclusion constraint and the seat trigger count active
bookings only); the booker is emailed and `bookings.freed.on_slot_freed` offers the time to the waiting list once it commits.
A no-show is still charged as booked (bookings.statements) and keeps the allowance or fund it
drew: the space was held for it and turned others away until the release.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from members import permissions
from members.models import Member
from spaces.models import Space

from . import audit_trail, events, freed, mirror, notifications
from .models import Booking, BookingQuerySet
from .rules import BookingError


def check_in(*, booking: Booking, by: Member, now: datetime | None = None) -> Booking:
    """Check `booking` in, under its row lock, if `by` may now (permissions.check_in_refusal);
    else BookingError with the reason, and nothing is written."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("space__venue", "booker")
            .get(pk=booking.pk)
        )
        refusal = permissions.check_in_refusal(by, locked, now=now)
        if refusal:
            raise BookingError(refusal)
        before = audit_trail.state(locked)
        locked.checked_in_at = now
        locked.checked_in_by = by
        locked.save(update_fields=["checked_in_at", "checked_in_by", "updated_at"])
        audit_trail.booking_changed(
            locked, action="booking.checked_in", by=by, before=before, now=now
        )
    return locked


def booking_to_check_in(*, space: Space, member: Member, now: datetime) -> Booking | None:
    """The member's own confirmed booking of `space` whose check-in window holds `now` (the
    QR code on the door), the earliest if several; None if there is none to check in."""
    candidates = (
        Booking.objects.for_member(member)
        .filter(space=space, status=Booking.Status.CONFIRMED, checked_in_at__isnull=True)
        .filter(ends_at__gt=now, starts_at__lte=now + space.check_in_opens_before)
        .select_related("space__venue", "booker")
        .order_by("starts_at", "pk")
    )
    return candidates.first()


def overdue_no_shows(*, now: datetime) -> BookingQuerySet:
    """Confirmed bookings of spaces with a grace period, not checked in, whose start plus the
    grace period has come and that have not ended (an ended booking frees nothing)."""
    return Booking.objects.filter(
        status=Booking.Status.CONFIRMED,
        checked_in_at__isnull=True,
        space__grace_period__isnull=False,
        starts_at__lte=now - F("space__grace_period"),
        ends_at__gt=now,
    )


def release_no_show(*, booking_id: int, now: datetime) -> Booking | None:
    """Release one overdue booking, in its own transaction, under its row lock; None if it is no
    longer overdue (checked in meanwhile) or another process holds it (a check-in, or
    release_no_shows on another machine): skip_locked, so that one does it and this one moves on."""
    with transaction.atomic():
        booking = (
            overdue_no_shows(now=now)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("space__venue", "booker")
            .filter(pk=booking_id)
            .first()
        )
        if booking is None:
            return None
        before = audit_trail.state(booking)
        booking.status = Booking.Status.NO_SHOW
        booking.sequence += 1
        mirror.drop_event(booking)
        booking.save()
        audit_trail.booking_changed(
            booking, action="booking.no_show", by=None, before=before, now=now
        )
        notifications.booking_no_show(booking)
        events.booking_cancelled(booking, at=now, reason="no_show")
        freed.on_slot_freed(booking)  # the waiting list is offered it once this commits
    return booking


def release_no_shows(*, now: datetime | None = None) -> list[Booking]:
    """Release every overdue booking (earliest start first) and return those this call released.
    Run twice, or on two machines at once, each is released and emailed once."""
    now = now or timezone.now()
    ids = list(overdue_no_shows(now=now).order_by("starts_at", "pk").values_list("pk", flat=True))
    released = (release_no_show(booking_id=pk, now=now) for pk in ids)
    return [booking for booking in released if booking is not None]


# How far back the no-shows counted beside a booker's name go.
NO_SHOW_MEMORY = timedelta(days=90)


def no_show_counts(*, venue_id: int, booker_ids: set[int], now: datetime) -> dict[int, int]:
    """How many no-shows each booker had at the venue in the last 90 days (the day view and the
    bookings list show it beside their name, so that repeated no-shows are seen)."""
    rows = (
        Booking.objects.filter(
            space__venue_id=venue_id,
            booker_id__in=booker_ids,
            status=Booking.Status.NO_SHOW,
            starts_at__gte=now - NO_SHOW_MEMORY,
        )
        .values("booker_id")
        .annotate(n=Count("pk", filter=Q(status=Booking.Status.NO_SHOW)))
    )
    return {row["booker_id"]: row["n"] for row in rows}


def with_no_show_counts(bookings: BookingQuerySet, *, venue_id: int, now: datetime):
    """`bookings` annotated with `booker_no_shows`: as no_show_counts, in the same query (the
    manager's bookings list, shown beside the booker's name)."""
    counted = (
        Booking.objects.filter(
            space__venue_id=venue_id,
            booker_id=OuterRef("booker_id"),
            status=Booking.Status.NO_SHOW,
            starts_at__gte=now - NO_SHOW_MEMORY,
        )
        .order_by()
        .values("booker_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return bookings.annotate(
        booker_no_shows=Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))
    )
