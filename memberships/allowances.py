"""How much of a membership's monthly allowance is used and left, in the venue's zone.

Counted from the active bookings (pending or confirmed) that use the membership, so cancelling
or declining a booking gives its share back with nothing to write. Hours are clipped to the
calendar month (a booking 23:30–00:30 across the 1st counts half an hour in each month); a desk
pool's desk-days are the distinct local dates on which a person starts a booking of it.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import QuerySet

from members.models import Member

from .models import Allowance, Membership

# bookings.Booking.ACTIVE_STATUSES: this layer reads bookings through the reverse relation only.
ACTIVE_STATUSES = ("pending", "confirmed")
# bookings.Booking.CHARGED_STATUSES: a no-show (released for not checking in) still draws the
# allowance or fund it was booked on, as it is still charged.
CHARGED_STATUSES = ("pending", "confirmed", "no_show")
HOUR = Decimal(3600)


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def month_bounds(month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants [first local midnight of the month, first of the next) in `zone`."""
    first = datetime.combine(month_start(month), datetime.min.time(), tzinfo=zone)
    after = datetime.combine(next_month(month), datetime.min.time(), tzinfo=zone)
    return first, after


def hours_in(starts_at: datetime, ends_at: datetime, first: datetime, after: datetime) -> Decimal:
    """Real elapsed hours of [starts_at, ends_at) inside [first, after): 25 h days count 25."""
    start, end = max(starts_at, first), min(ends_at, after)
    if end <= start:
        return Decimal(0)
    return Decimal(int((end - start).total_seconds())) / HOUR


@dataclass(frozen=True)
class Left:
    """One allowance in one month: its size, what is used, what is left, when it renews."""

    allowance: Allowance
    month: date
    total: Decimal
    used: Decimal
    personal: bool = False  # a member's own cap within an organisation's pool

    @property
    def left(self) -> Decimal:
        return max(self.total - self.used, Decimal(0))

    @property
    def renews_on(self) -> date:
        return next_month(self.month)

    @property
    def in_days(self) -> bool:
        return self.allowance.in_days


def _bookings(membership: Membership, kind: str, exclude_booking_id: int | None) -> QuerySet:
    found = membership.bookings.filter(status__in=CHARGED_STATUSES, space__kind=kind)
    if exclude_booking_id is not None:
        found = found.exclude(pk=exclude_booking_id)
    return found


def used_in_month(
    *,
    membership: Membership,
    allowance: Allowance,
    month: date,
    member: Member | None = None,
    exclude_booking_id: int | None = None,
) -> Decimal:
    """Hours or desk-days of `allowance` that active bookings using `membership` take in the
    local month of `month` (only `member`'s, when given)."""
    zone = membership.plan.venue.zone
    first, after = month_bounds(month, zone)
    bookings = _bookings(membership, allowance.kind, exclude_booking_id).filter(
        starts_at__lt=after, ends_at__gt=first
    )
    if member is not None:
        bookings = bookings.filter(booker=member)
    if allowance.in_days:
        days = {
            (booker, starts_at.astimezone(zone).date())
            for booker, starts_at in bookings.values_list("booker_id", "starts_at")
            if first <= starts_at < after
        }
        return Decimal(len(days))
    return sum(
        (hours_in(s, e, first, after) for s, e in bookings.values_list("starts_at", "ends_at")),
        Decimal(0),
    )


def allowance_for(membership: Membership, kind: str) -> Allowance | None:
    return next((a for a in membership.plan.allowances.all() if a.kind == kind), None)


def allowance_left(
    *,
    membership: Membership,
    kind: str,
    month: date,
    member: Member | None = None,
    exclude_booking_id: int | None = None,
) -> Left | None:
    """What is left of the membership's allowance for `kind` in the local month of `month`, or
    None when the plan sets no monthly limit for that kind. With `member`, an organisation's
    per-person cap is applied: the smaller of the pool's rest and the member's own."""
    allowance = allowance_for(membership, kind)
    if allowance is None:
        return None
    if allowance.in_days:
        total = Decimal(allowance.days_per_month or 0)
    else:
        total = allowance.hours_per_month or Decimal(0)
    month = month_start(month)
    pool = Left(
        allowance,
        month,
        total,
        used_in_month(
            membership=membership,
            allowance=allowance,
            month=month,
            exclude_booking_id=exclude_booking_id,
        ),
    )
    cap = membership.per_person_cap
    if member is None or cap is None:
        return pool
    own = Left(
        allowance,
        month,
        min(cap, total),
        used_in_month(
            membership=membership,
            allowance=allowance,
            month=month,
            member=member,
            exclude_booking_id=exclude_booking_id,
        ),
        personal=True,
    )
    return own if own.left < pool.left else pool


def booking_uses(
    *,
    membership: Membership,
    allowance: Allowance,
    booker: Member,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None = None,
) -> dict[date, Decimal]:
    """What a booking [starts_at, ends_at) would take, per local month it touches."""
    zone = membership.plan.venue.zone
    local_start = starts_at.astimezone(zone)
    if allowance.in_days:
        first, after = month_bounds(local_start.date(), zone)
        same_day = _bookings(membership, allowance.kind, exclude_booking_id).filter(
            booker=booker, starts_at__gte=first, starts_at__lt=after
        )
        taken = any(
            s.astimezone(zone).date() == local_start.date()
            for s in same_day.values_list("starts_at", flat=True)
        )
        return {month_start(local_start.date()): Decimal(0 if taken else 1)}
    uses: dict[date, Decimal] = {}
    month = month_start(local_start.date())
    last = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    while month <= last:
        first, after = month_bounds(month, zone)
        uses[month] = hours_in(starts_at, ends_at, first, after)
        month = next_month(month)
    return uses
