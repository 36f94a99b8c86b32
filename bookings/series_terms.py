"""A series re-confirmed each term: a venue manager sets `Series.reconfirm_every` (weeks), and
the series is booked one block (term) at a time.

Dates ending up to `Series.confirmed_until` are the confirmed block; extend_series books them
as the horizon reaches them. When the horizon passes the block's end, the next block is not
booked: the organiser (the series' booker) is emailed once a link to confirm it, with a
deadline (`Series.confirm_by`: the start of the next block, and at least a week from the ask).
"Keep these dates" moves `confirmed_until` on by one term and books what the horizon reaches at
once; "Stop the series" ends it. Unanswered by the deadline, the series ends with the confirmed
block: the next block's dates were not held meanwhile, and dates already booked stay booked
(cancel them as any series' dates); the organiser and the venue's managers are emailed once
which dates the series let go and how to book them again. Every change runs with the
series' row locked; extend_series takes it `skip_locked`, so each step happens once.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Member

from . import audit_trail, recurrence, series_mail
from .models import Series
from .recurrence import Planned
from .rules import BookingError
from .waitlists import taken_between

# The organiser is given at least this long to answer.
LEAST_NOTICE = dt.timedelta(days=7)


def _term(series: Series) -> dt.timedelta:
    return dt.timedelta(weeks=series.reconfirm_every or 0)


def set_reconfirm(
    *, series: Series, weeks: int | None, now: dt.datetime, by: Member | None = None
) -> None:
    """Re-confirm `series` every `weeks` weeks (None: never). The dates booked so far, and those
    up to one term from now, are the confirmed block."""
    if weeks is not None and not 1 <= weeks <= 52:
        raise BookingError(_("Choose a term of 1 to 52 weeks."), field="weeks")
    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        before = audit_trail.series_state(locked)
        locked.reconfirm_every = weeks
        locked.confirm_by = None
        if weeks is None:
            locked.confirmed_until = None
        else:
            locked.confirmed_until = max(locked.tried_until or now, now) + dt.timedelta(weeks=weeks)
        locked.save(update_fields=["reconfirm_every", "confirmed_until", "confirm_by"])
        audit_trail.series_changed(locked, action="series.changed", by=by, before=before, now=now)
    series.reconfirm_every = locked.reconfirm_every
    series.confirmed_until = locked.confirmed_until
    series.confirm_by = locked.confirm_by


def term_reach(series: Series, reach: dt.datetime, *, now: dt.datetime) -> dt.datetime | None:
    """Called by extend_one with the series locked: how far its dates may be booked now (None:
    the series has ended, unconfirmed). Asks the organiser, once, when `reach` passes the
    confirmed block."""
    if series.reconfirm_every is None or series.confirmed_until is None:
        return reach
    if series.confirm_by is not None and now >= series.confirm_by:
        released = _released(series, now=now)
        series.tried_until = None
        series.confirm_by = None
        series.save(update_fields=["tried_until", "confirm_by"])
        # Once: the series is never extended again (no tried_until), so never seen here again.
        series_mail.series_ended_unconfirmed(series, released)
        return None
    if reach > series.confirmed_until and series.confirm_by is None and next_block(series):
        series.confirm_by = max(series.confirmed_until, now + LEAST_NOTICE)
        series.save(update_fields=["confirm_by"])
        series_mail.series_term_ask(series)
    return min(reach, series.confirmed_until)


def _released(series: Series, *, now: dt.datetime) -> list[Planned]:
    """The next term's dates still to come that the series does not hold: those its end lets go."""
    own = {b.local_starts_at.date() for b in series.bookings.active().select_related("space")}
    return [
        one
        for one in next_block(series)
        if one.starts_at is not None and one.starts_at > now and one.local_start.date() not in own
    ]


def next_block(series: Series) -> list[Planned]:
    """The dates of the term after the confirmed block."""
    if series.confirmed_until is None or series.reconfirm_every is None:
        return []
    start, end = series.confirmed_until, series.confirmed_until + _term(series)
    return [
        one
        for one in recurrence.planned_dates(series)
        if one.ends_at is not None and start < one.ends_at <= end
    ]


@dataclass(frozen=True)
class TermDate:
    local_start: dt.datetime
    state: str  # "booked" (by this series), "taken" (by another booking) or "free"


def next_block_states(series: Series) -> list[TermDate]:
    """The next term's dates as the organiser sees them: already this series', taken, or free."""
    own = {b.local_starts_at.date() for b in series.bookings.active().select_related("space")}
    dates = []
    for one in next_block(series):
        if one.starts_at is None or one.ends_at is None:
            continue
        if one.local_start.date() in own:
            state = "booked"
        elif taken_between(space=series.space, starts_at=one.starts_at, ends_at=one.ends_at):
            state = "taken"
        else:
            state = "free"
        dates.append(TermDate(one.local_start, state))
    return dates


def answer_term(*, series: Series, keep: bool, now: dt.datetime, by: Member | None = None) -> int:
    """The organiser's answer: keep the next block (returns the dates booked now) or stop the
    series (returns 0). Refused, changing nothing, when no answer is awaited or too late."""
    from .series_extend import extend_one

    with transaction.atomic():
        locked = Series.objects.select_for_update().get(pk=series.pk)
        if locked.confirm_by is None or locked.confirmed_until is None:
            raise BookingError(_("This series is not waiting for your answer: nothing changed."))
        if now >= locked.confirm_by:
            raise BookingError(
                _("The deadline to confirm these dates has passed: they were not booked.")
            )
        before = audit_trail.series_state(locked)
        locked.confirm_by = None
        if not keep:
            locked.tried_until = None
            locked.save(update_fields=["confirm_by", "tried_until"])
            audit_trail.series_changed(locked, action="series.term_released", by=by, now=now)
            return 0
        locked.confirmed_until = locked.confirmed_until + _term(locked)
        locked.save(update_fields=["confirm_by", "confirmed_until"])
        audit_trail.series_changed(
            locked, action="series.term_confirmed", by=by, before=before, now=now
        )
        return len(extend_one(series_id=locked.pk, now=now))
