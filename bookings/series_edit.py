"""Changing a series from one of its occurrences: this date and the following ones, or every date
still to come (time, length, space, title and the other details), with a preview first.

Each changed occurrence goes through `services.change_booking` (the details, then the move, each
rule checked under the lock as a move, both or neither), in its own savepoint, so one that
cannot move is listed with the rule's sentence and the others still can. The preview rolls
everything back; the change commits only if the dates that cannot move are still those the
member saw (`expected`), else nothing is written.

Occurrences changed or cancelled on their own (**exceptions**: not at their planned time, length,
space or title) keep their own state: they are not changed, only carried along. So are dates
that have started.

The rule mirror stays true: changing from the series' first date still to come, when none has
passed, edits the series itself; otherwise the series is **split** there: the old one ends the
day before (its `until`, or its `count` cut to the dates before) and a new series, with the new
time and details, holds the rest of the dates (the same rule from that date, the same end), each
with its django-scheduler Rule and Event written again (bookings/mirror.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.models import Member
from spaces.models import Space
from spaces.timezones import NonexistentLocalTime, resolve_local

from . import audit_trail, events, mirror, notifications, recurrence, series_mail
from .models import Booking, Series
from .rules import BookingError
from .series import Scope
from .services import change_booking


@dataclass(frozen=True)
class Change:
    """The new shape of the dates: their local start time, length, space and details."""

    start_time: dt.time
    duration: dt.timedelta
    space: Space
    title: str
    purpose: str = ""
    activity: str = ""
    attendees: int = 1


@dataclass(frozen=True)
class ChangedDate:
    booking: Booking
    starts_at: dt.datetime | None  # the new times (None: the wall time does not exist that day)
    ends_at: dt.datetime | None
    reason: str = ""  # why it cannot change; "" when it can
    kept: str = ""  # why it is left as it is (an exception, or started)

    @property
    def changes(self) -> bool:
        return not self.reason and not self.kept


@dataclass
class ChangeOutcome:
    series: Series  # the series the dates now belong to
    dates: list[ChangedDate]

    @property
    def refused(self) -> list[ChangedDate]:
        return [date for date in self.dates if date.reason]

    def fingerprint(self) -> str:
        """The dates that cannot change, as the member saw them."""
        return ",".join(str(date.booking.pk) for date in self.refused)


class ChangeDiffers(BookingError):
    def __init__(self, outcome: ChangeOutcome) -> None:
        super().__init__(
            _(
                "Some dates changed since you looked (another booking or a closure). "
                "Nothing was changed: check the dates again."
            )
        )
        self.outcome = outcome


class NothingChanges(BookingError):
    """Not one date can change: nothing was written; `outcome` says why for each."""

    def __init__(self, outcome: ChangeOutcome) -> None:
        super().__init__(_("None of these dates can change, so nothing was changed."))
        self.outcome = outcome


class _Rollback(Exception):
    def __init__(self, outcome: ChangeOutcome) -> None:
        self.outcome = outcome


def _is_exception(
    booking: Booking, series: Series, planned: dict[dt.date, recurrence.Planned]
) -> bool:
    one = planned.get(booking.local_starts_at.date())
    return one is None or (booking.starts_at, booking.ends_at, booking.space_id, booking.title) != (
        one.starts_at,
        one.ends_at,
        series.space_id,
        series.title,
    )


def _split(series: Series, pivot: dt.date, change: Change) -> Series:
    """The series from `pivot` on, with `change`: the series itself when `pivot` is its first
    date, else a new one, the old one ending before `pivot`. Mirrors rewritten."""
    planned = recurrence.planned_dates(series)
    before = [one for one in planned if one.local_start.date() < pivot]
    shape = {
        "start_time": change.start_time,
        "duration": change.duration,
        "space": change.space,
        "title": change.title.strip(),
        "purpose": change.purpose.strip(),
        "activity": change.activity,
        "attendees": change.attendees,
    }
    if not before:
        for name, value in shape.items():
            setattr(series, name, value)
        recurrence.validate(series)
        series.save()
        mirror.replace_series_event(series)
        return series
    rest = Series(
        booker=series.booker,
        organisation=series.organisation,
        made_by=series.made_by,
        frequency=series.frequency,
        interval=series.interval,
        week_of_month=series.week_of_month,
        until=series.until,
        count=None if series.count is None else series.count - len(before),
        starts_on=pivot,
        tried_until=series.tried_until,
        reconfirm_every=series.reconfirm_every,
        confirmed_until=series.confirmed_until,
        confirm_by=series.confirm_by,
        **shape,
    )
    if series.count is not None:
        series.count = len(before)
    else:
        series.until = pivot - dt.timedelta(days=1)
    recurrence.validate(series)
    recurrence.validate(rest)
    series.save()
    mirror.replace_series_event(series)
    rest.save()
    mirror.add_series_event(rest)
    rest.save(update_fields=["event"])
    return rest


def _new_times(day: dt.date, change: Change) -> tuple[dt.datetime | None, dt.datetime | None, str]:
    zone = change.space.venue.zone
    try:
        start = resolve_local(dt.datetime.combine(day, change.start_time), zone).instant
    except NonexistentLocalTime as exc:
        return None, None, str(exc)
    return start, start + change.duration, ""


def _try_change(
    *, booking: Booking, by: Member, scope: str, change: Change, now: dt.datetime
) -> ChangeOutcome:
    if booking.series_id is None or scope not in (Scope.FOLLOWING, Scope.ALL):
        raise BookingError(_("Choose which dates to change."), field="scope")
    if booking.starts_at <= now:
        raise BookingError(_("This date has already started, so it can no longer be changed."))
    refusal = permissions.move_refusal(by, booking, now=now)
    if refusal:
        raise BookingError(refusal)
    if change.space.venue_id != booking.space.venue_id:
        raise BookingError(
            _("A booking can only move to another space of %(venue)s.")
            % {"venue": booking.space.venue.name},
            field="space",
        )
    if change.duration <= dt.timedelta(0):
        raise BookingError(_("The booking must end after it starts."), field="ends_at")
    series = (
        Series.objects.select_for_update(of=("self",))
        .select_related("space__venue")
        .get(pk=booking.series_id)
    )
    planned = {one.local_start.date(): one for one in recurrence.planned_dates(series)}
    occurrences = Booking.objects.filter(series=series).select_related("space__venue", "booker")
    upcoming = occurrences.active().filter(starts_at__gt=now).order_by("starts_at")
    if scope == Scope.FOLLOWING:
        upcoming = upcoming.filter(starts_at__gte=booking.starts_at)
    dates = list(upcoming)
    if not dates:
        raise BookingError(_("No date of this series is still to come."))
    pivot = (booking if scope == Scope.FOLLOWING else dates[0]).local_starts_at.date()
    exceptions = {b.pk for b in dates if _is_exception(b, series, planned)}
    before = audit_trail.series_state(series)
    target = _split(series, pivot, change)
    # Every later date belongs to the series from the pivot on, exceptions and cancelled included.
    occurrences.filter(
        pk__in=[b.pk for b in occurrences if b.local_starts_at.date() >= pivot]
    ).update(series=target)
    outcome: list[ChangedDate] = []
    with notifications.held():  # one email for the change (below), not one per date
        _change_each(dates, exceptions, by=by, change=change, now=now, outcome=outcome)
    changed = [date.booking for date in outcome if date.changes]
    audit_trail.series_changed(
        target,
        action="series.changed",
        by=by,
        before=before,
        detail=_("%(count)s dates changed.") % {"count": len(changed)},
        now=now,
    )
    if changed:
        series_mail.series_changed(target, changed, by_booker=permissions.is_booker(by, booking))
        events.series_changed(target, changed, at=now)
    return ChangeOutcome(target, outcome)


def _change_each(
    dates: list[Booking],
    exceptions: set[int],
    *,
    by: Member,
    change: Change,
    now: dt.datetime,
    outcome: list[ChangedDate],
) -> None:
    for one in dates:
        if one.pk in exceptions:
            kept = _(
                "Set apart from the series (changed on its own, or not changed with it): left "
                "as it is. Change it on its own page."
            )
            outcome.append(ChangedDate(one, one.starts_at, one.ends_at, kept=kept))
            continue
        starts_at, ends_at, why = _new_times(one.local_starts_at.date(), change)
        if starts_at is None or ends_at is None:
            outcome.append(ChangedDate(one, None, None, reason=why))
            continue
        try:
            with transaction.atomic():
                change_booking(
                    booking=one,
                    by=by,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    space=change.space,
                    title=change.title,
                    purpose=change.purpose,
                    activity=change.activity,
                    attendees=change.attendees,
                    now=now,
                )
        except BookingError as exc:
            outcome.append(ChangedDate(one, starts_at, ends_at, reason=exc.message))
        else:
            outcome.append(ChangedDate(one, starts_at, ends_at))


def change_series(
    *,
    booking: Booking,
    by: Member,
    scope: str,
    change: Change,
    expected: str | None = None,
    now: dt.datetime | None = None,
) -> ChangeOutcome:
    """Change `booking`'s date and the following ones (scope "following") or every date still to
    come ("all") to `change`. Without `expected`, a preview: every date with what would happen,
    nothing written. With `expected` (the preview's fingerprint), the dates that can change are
    changed and the others listed, if those are still the ones the member saw; else
    ChangeDiffers and nothing written. NothingChanges (each date's reason) if none can."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            outcome = _try_change(booking=booking, by=by, scope=scope, change=change, now=now)
            if not any(date.changes for date in outcome.dates):
                raise NothingChanges(outcome)
            if expected is None or outcome.fingerprint() != expected:
                raise _Rollback(outcome)
    except _Rollback as undone:
        if expected is not None:
            raise ChangeDiffers(undone.outcome) from None
        return undone.outcome
    return outcome
