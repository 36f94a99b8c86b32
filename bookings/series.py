"""Series: a repeating booking, each occurrence its own booking row.

`try_series` is the one path for both the preview and the booking: it writes the series and asks
`request_booking` for every date in turn, under the same space lock, in one transaction, so each
date meets exactly the rules a single booking meets (hours, closures, notice, horizon, what is
taken, seats, the allowance, counting the series' own earlier dates). A refused date is kept with
the rule's own sentence and skipped. The preview then rolls everything back; the booking commits
only if the free dates are still those the member saw, else nothing is written.

A series of a space that needs approval is one request: `decide_series` approves some of its
pending dates and declines the others, with one reason, all or nothing. `cancel_series` cancels
an occurrence and those after it, or every date still to come.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members import audit, permissions
from members.models import Member, Organisation
from memberships.models import Membership
from spaces.intervals import Interval
from spaces.models import Space

from . import audit_trail, events, freed, mirror, notifications, recurrence, series_mail
from .batch import start_batch
from .models import Booking, Series
from .rules import BookingError, check_approvable, check_who
from .services import cancel_booking, request_booking


@dataclass(frozen=True)
class SeriesDate:
    """One date of a series as tried: its booking when it fits, otherwise why not."""

    local_start: dt.datetime
    starts_at: dt.datetime | None
    booking: Booking | None = None
    reason: str = ""

    @property
    def free(self) -> bool:
        return self.booking is not None


@dataclass
class Outcome:
    series: Series
    dates: list[SeriesDate]
    skipped_months: list[dt.date] = field(default_factory=list)

    @property
    def free(self) -> list[SeriesDate]:
        return [date for date in self.dates if date.free]

    @property
    def skipped(self) -> list[SeriesDate]:
        return [date for date in self.dates if not date.free]

    def fingerprint(self) -> str:
        """The free dates as the member saw them, to check nothing changed before booking."""
        return ",".join(date.starts_at.isoformat() for date in self.free if date.starts_at)


class _Preview(Exception):
    """Raised to roll a preview back once its outcome is known."""

    def __init__(self, outcome: Outcome) -> None:
        self.outcome = outcome


class SeriesChanged(BookingError):
    """The free dates differ from those the member saw: nothing was written."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(
            _(
                "Some dates changed since you looked (another booking or a closure). "
                "Nothing was booked: check the dates again."
            )
        )
        self.outcome = outcome


def new_series(
    *,
    space: Space,
    booker: Member,
    starts_on: dt.date,
    start_time: dt.time,
    duration: dt.timedelta,
    frequency: str,
    interval: int = 1,
    until: dt.date | None = None,
    count: int | None = None,
    week_of_month: int | None = None,
    title: str,
    purpose: str = "",
    activity: str = "",
    attendees: int = 1,
    organisation: Organisation | None = None,
    made_by: Member | None = None,
) -> Series:
    """An unsaved series with its rule checked (BookingError naming the field otherwise)."""
    if frequency == Series.Frequency.MONTHLY_WEEKDAY and week_of_month is None:
        week_of_month = recurrence.week_of_month(starts_on)
    series = Series(
        space=space,
        booker=booker,
        organisation=organisation,
        made_by=made_by if made_by is not None and made_by.pk != booker.pk else None,
        title=title.strip(),
        purpose=purpose.strip(),
        activity=activity,
        attendees=attendees,
        starts_on=starts_on,
        start_time=start_time,
        duration=duration,
        frequency=frequency,
        interval=interval,
        until=until,
        count=count,
        week_of_month=week_of_month if frequency == Series.Frequency.MONTHLY_WEEKDAY else None,
    )
    if duration <= dt.timedelta(0):
        raise BookingError(_("The booking must end after it starts."), field="ends_at")
    recurrence.validate(series)
    return series


def _try(
    series: Series, *, membership: Membership | None, waive: bool, now: dt.datetime
) -> Outcome:
    # Who books, for whom and who made it hold for every date alike: refused once, not per date.
    check_who(
        booker=series.booker,
        space=series.space,
        organisation=series.organisation,
        made_by=series.made_by,
        waive_notice_and_horizon=waive,
    )
    planned = recurrence.planned_dates(series)
    if not planned:
        raise BookingError(_("That rule gives no dates."), field="until")
    first = planned[0]
    if first.starts_at is not None and first.starts_at <= now:
        raise BookingError(_("The first date has already passed."), field="starts_on")
    # The space is locked and what the rules read fetched once, for every date (bookings.batch).
    starts = [one.starts_at for one in planned if one.starts_at is not None]
    ends = [one.ends_at for one in planned if one.ends_at is not None]
    batch = (
        start_batch(space=series.space, span=Interval(min(starts), max(ends))) if starts else None
    )
    series.save()
    mirror.add_series_event(series)
    series.save(update_fields=["event"])
    audit_trail.series_changed(
        series, action="series.created", by=series.made_by or series.booker, now=now
    )
    dates = []
    for one in planned:
        if one.starts_at is None or one.ends_at is None:
            dates.append(SeriesDate(one.local_start, None, reason=one.reason))
            continue
        try:
            booking = request_booking(
                booker=series.booker,
                space=series.space,
                starts_at=one.starts_at,
                ends_at=one.ends_at,
                title=series.title,
                purpose=series.purpose,
                activity=series.activity,
                attendees=series.attendees,
                organisation=series.organisation,
                membership=membership,
                made_by=series.made_by,
                waive_notice_and_horizon=waive,
                series=series,
                batch=batch,
                now=now,
            )
        except BookingError as exc:
            dates.append(SeriesDate(one.local_start, one.starts_at, reason=exc.message))
        else:
            dates.append(SeriesDate(one.local_start, one.starts_at, booking=booking))
    if not waive:
        series.tried_until = now + (
            membership.plan.booking_window if membership is not None else series.space.horizon
        )
        series.save(update_fields=["tried_until"])
    return Outcome(series, dates, recurrence.skipped_months(series, planned))


def preview_series(
    *,
    series: Series,
    membership: Membership | None = None,
    waive_notice_and_horizon: bool = False,
    now: dt.datetime | None = None,
) -> Outcome:
    """Every date of `series` with its state (free, or the rule that refuses it), as booking it
    now would give, without writing anything."""
    now = now or timezone.now()
    try:
        with transaction.atomic(), audit.gathered():
            raise _Preview(
                _try(series, membership=membership, waive=waive_notice_and_horizon, now=now)
            )
    except _Preview as done:
        series.pk = None
        series.event = None
        return done.outcome


@transaction.atomic
def book_series(
    *,
    series: Series,
    expected: str,
    membership: Membership | None = None,
    waive_notice_and_horizon: bool = False,
    now: dt.datetime | None = None,
) -> Outcome:
    """Book the free dates of `series` and skip the others, if the free dates are still `expected`
    (the preview's fingerprint); otherwise raise SeriesChanged and write nothing. All dates are
    written in this one transaction: an error on any rolls the whole series back."""
    now = now or timezone.now()
    with audit.gathered():  # one INSERT for the entries of every date
        outcome = _try(series, membership=membership, waive=waive_notice_and_horizon, now=now)
    if outcome.fingerprint() != expected:
        raise SeriesChanged(preview_after_rollback(outcome))
    if not outcome.free:
        raise BookingError(_("None of these dates is free, so nothing was booked."))
    series_mail.series_booked(
        outcome.series,
        [date.booking for date in outcome.free if date.booking],
        skipped=[(d.local_start, d.reason) for d in outcome.skipped],
    )
    return outcome


def preview_after_rollback(outcome: Outcome) -> Outcome:
    """The outcome to show once its transaction is rolled back: no rows behind it any more."""
    outcome.series.pk = None
    outcome.series.event = None
    return outcome


def one_per_series(pending: Iterable[Booking]) -> list[Booking]:
    """Pending requests with each series once: its first waiting date, carrying how many of its
    dates wait (`series_waiting`) and until when (`series_last`), for the requests page."""
    shown: list[Booking] = []
    firsts: dict[int, Booking] = {}
    for booking in sorted(pending, key=lambda b: b.starts_at):
        if booking.series_id is None:
            shown.append(booking)
            continue
        first = firsts.get(booking.series_id)
        if first is None:
            firsts[booking.series_id] = booking
            booking.series_waiting = 1  # type: ignore[attr-defined]
            booking.series_last = booking  # type: ignore[attr-defined]
            shown.append(booking)
        else:
            first.series_waiting += 1  # type: ignore[attr-defined]
            first.series_last = booking  # type: ignore[attr-defined]
    return shown


def pending_of(series: Series) -> list[Booking]:
    return list(series.bookings.filter(status=Booking.Status.PENDING).order_by("starts_at"))


@transaction.atomic
def decide_series(
    *,
    series: Series,
    by: Member,
    approve: Iterable[int],
    reason: str = "",
    now: dt.datetime | None = None,
) -> tuple[list[Booking], list[Booking]]:
    """Approve the series' pending dates whose ids are in `approve` and decline the rest with
    `reason`, all at once or not at all: a date that can no longer be approved refuses the whole
    decision (BookingError naming the date), so the manager can decline it instead.

    Each date meets exactly approve_booking's rules (rules.check_approvable), but the dates are
    locked in one query, each space once, and what the rules read is fetched once per space
    (bookings.batch); a date declined frees its time for the later ones, as one by one."""
    now = now or timezone.now()
    wanted = set(approve)
    # The booking rows first, then the spaces: approve_booking's order (see there).
    pending = list(
        Booking.objects.select_for_update(of=("self",))
        .filter(series=series, status=Booking.Status.PENDING)
        .select_related("space__venue")
        .order_by("starts_at")
    )
    if not pending:
        raise BookingError(_("Nothing in this series is waiting for a decision."))
    if any(booking.pk not in wanted for booking in pending) and not reason.strip():
        raise BookingError(
            _("Say why the dates you do not approve are declined; the booker will read it."),
            field="reason",
        )
    for venue_first in {booking.space.venue_id: booking for booking in pending}.values():
        refusal = permissions.decide_refusal(by, venue_first)
        if refusal:
            raise BookingError(refusal)
    by_space: dict[int, list[Booking]] = {}
    for booking in pending:
        by_space.setdefault(booking.space_id, []).append(booking)
    batches = {
        space_id: start_batch(
            space=dates[0].space,
            span=Interval(dates[0].starts_at, max(d.blocked_until for d in dates)),
        )
        for space_id, dates in sorted(by_space.items())  # one order of locks for everyone
    }
    approved, declined = [], []
    for booking in pending:
        batch = batches[booking.space_id]
        if booking.pk not in wanted:
            batch.known.drop(booking)
            declined.append(booking)
            continue
        try:
            check_approvable(
                booking=booking, space=batch.space, now=now, known=batch.known.without(booking)
            )
        except BookingError as exc:
            raise BookingError(
                _("%(date)s: %(why)s")
                % {
                    "date": date_format(booking.local_starts_at, "D j M Y, H:i"),
                    "why": exc.message,
                },
                field=exc.field,
            ) from exc
        approved.append(booking)
    _write_decision(approved, declined, by=by, reason=reason.strip(), now=now)
    series_mail.series_decided(series, approved, declined)  # one email, not one per date
    return approved, declined


def _write_decision(
    approved: list[Booking], declined: list[Booking], *, by: Member, reason: str, now: dt.datetime
) -> None:
    """What approve_booking and decline_booking write, for all the dates in a few queries: the
    rows, each date's audit entry (one INSERT for them all) and each date's webhook event."""
    before = {booking.pk: audit_trail.state(booking) for booking in [*approved, *declined]}
    for booking in declined:
        freed.on_slot_freed(booking)  # before the change: the time it held
    mirror.drop_events(declined)
    for booking in approved:
        booking.status, booking.decision_reason = Booking.Status.CONFIRMED, ""
    for booking in declined:
        booking.status, booking.decision_reason = Booking.Status.DECLINED, reason
    for booking in [*approved, *declined]:
        booking.decided_by, booking.decided_at, booking.updated_at = by, now, now
        booking.sequence += 1
    Booking.objects.bulk_update(
        [*approved, *declined],
        [
            "status",
            "decision_reason",
            "decided_by",
            "decided_at",
            "updated_at",
            "sequence",
            "event",
        ],
    )
    with audit.gathered():
        for booking, action in [
            *((b, "booking.approved") for b in approved),
            *((b, "booking.declined") for b in declined),
        ]:
            audit_trail.booking_changed(
                booking, action=action, by=by, before=before[booking.pk], now=now
            )
    for booking in approved:
        events.booking_decided(booking, at=now, decision="approved")
    for booking in declined:
        events.booking_decided(booking, at=now, decision="declined")


class Scope:
    ONE = "one"
    FOLLOWING = "following"
    ALL = "all"


@transaction.atomic
def cancel_series(
    *,
    booking: Booking,
    by: Member,
    scope: str,
    reason: str = "",
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Cancel `booking` (scope "one"), it and the series' later active dates ("following"), or
    every active date of its series that has not ended ("all"), each through cancel_booking, so
    each is refused or allowed as on its own. Dates that have already started and that `by` may
    no longer cancel are left as they are; any other refusal cancels nothing."""
    now = now or timezone.now()
    if scope == Scope.ONE or booking.series_id is None:
        return [cancel_booking(booking=booking, by=by, reason=reason, now=now)]
    if scope not in (Scope.FOLLOWING, Scope.ALL):
        raise BookingError(_("Choose which dates to cancel."), field="scope")
    dates = Booking.objects.active().filter(series_id=booking.series_id, ends_at__gt=now)
    if scope == Scope.FOLLOWING:
        dates = dates.filter(starts_at__gte=booking.starts_at)
    cancelled = []
    with notifications.held():  # one email for them all, each date's CANCEL attached
        for one in dates.order_by("starts_at"):
            try:
                cancelled.append(cancel_booking(booking=one, by=by, reason=reason, now=now))
            except BookingError:
                if one.starts_at > now or one.pk == booking.pk:
                    raise
    if not cancelled:
        raise BookingError(_("No date of this series can be cancelled any more."))
    if booking.series is not None:
        audit_trail.series_changed(
            booking.series,
            action="series.cancelled",
            by=by,
            detail=_("%(count)s dates cancelled.") % {"count": len(cancelled)},
            now=now,
        )
        series_mail.series_cancelled(
            booking.series, cancelled, by_booker=permissions.is_booker(by, booking)
        )
    return cancelled
