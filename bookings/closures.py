"""Closing a venue (or one of its spaces), and what that does to the bookings it hits.

A closure is inventory (`spaces.Closure`); the bookings it falls on are this app's. The manager
sees the active bookings a closure would hit before it is saved, and chooses: cancel them (each
booker is told, with the reason and a calendar CANCEL) or keep them. Either way the closure and
the cancellations are written in one transaction with the spaces locked, so no booking can slip
into the closed time between the list the manager saw and the save.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members import audit, permissions
from members.models import Member
from spaces.models import Closure, Space, Venue

from .models import Booking
from .rules import BookingError
from .services import cancel_booking


def bookings_hit(
    *, venue: Venue, starts_at: datetime, ends_at: datetime, space: Space | None, now: datetime
) -> QuerySet[Booking]:
    """Active bookings of `venue` (or of `space` alone) that meet [starts_at, ends_at) and have not
    ended: the ones a closure then would fall on."""
    hit = Booking.objects.active().between(starts_at, ends_at).filter(ends_at__gt=now)
    hit = hit.filter(space=space) if space is not None else hit.filter(space__venue=venue)
    return hit.select_related("space__venue", "booker", "organisation").order_by("starts_at")


def _closure_summary(closure: Closure) -> str:
    zone = closure.venue.zone
    starts, ends = closure.starts_at.astimezone(zone), closure.ends_at.astimezone(zone)
    return _("Closure added: %(what)s, %(from)s to %(until)s: %(reason)s") % {
        "what": closure.space.name if closure.space else closure.venue.name,
        "from": date_format(starts, "D j M Y H:i"),
        "until": date_format(ends, "D j M Y H:i"),
        "reason": closure.reason,
    }


@transaction.atomic
def add_closure(
    *,
    venue: Venue,
    by: Member,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    space: Space | None = None,
    cancel_hit: bool,
    now: datetime | None = None,
) -> tuple[Closure, list[Booking]]:
    """Close `venue` (or `space`) for [starts_at, ends_at) with a reason; returns the closure and
    the bookings it hits, cancelled if `cancel_hit`, otherwise kept as they are."""
    now = now or timezone.now()
    if not permissions.may_manage(by, venue):
        raise BookingError(_("Only a manager of %(venue)s can close it.") % {"venue": venue.name})
    reason = reason.strip()
    if not reason:
        raise BookingError(
            _("Say why it is closed; members will read it on the week grid."), field="reason"
        )
    if ends_at <= starts_at:
        raise BookingError(_("The closure must end after it starts."), field="ends_at")
    if space is not None and space.venue_id != venue.pk:
        raise BookingError(_("That space belongs to another venue."), field="space")
    # Lock what the closure covers, in id order (every writer's order), before looking at bookings.
    spaces = [space.pk] if space is not None else list(venue.spaces.values_list("pk", flat=True))
    list(Space.objects.select_for_update().filter(pk__in=spaces).order_by("pk"))
    closure = Closure(
        venue=venue, space=space, starts_at=starts_at, ends_at=ends_at, reason=reason[:200]
    )
    closure.full_clean()
    closure.save()
    audit.saved(
        closure, before=None, by=by, venue_id=venue.pk, at=now, summary=_closure_summary(closure)
    )
    hit = list(
        bookings_hit(venue=venue, starts_at=starts_at, ends_at=ends_at, space=space, now=now)
    )
    if cancel_hit:
        what = space.name if space is not None else venue.name
        why = _("%(what)s is closed then: %(reason)s") % {"what": what, "reason": reason}
        hit = [cancel_booking(booking=b, by=by, reason=why, now=now) for b in hit]
    return closure, hit
