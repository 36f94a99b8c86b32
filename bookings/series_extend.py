"""Open-ended series grow as the horizon moves: `extend_series` books the dates that were beyond
the horizon when the series was booked (or last extended) and are within it now.

Each series is extended in its own transaction with its row locked `skip_locked`, so several
machines running the command at once each take different series and never book a date twice;
`Series.tried_until` (the horizon end the dates were last tried up to) then moves on, so a
second run finds nothing new: idempotent. Every date goes through `request_booking` with the
series' own booker, organisation, membership and maker, sharing one batch (bookings/batch.py),
exactly as when the series was booked; a refused date is skipped with the rule's sentence, and
the booker gets one email for the dates added (bookings/series_mail.py). A series re-confirmed
each term is booked no further than its confirmed block (bookings/series_terms.py).
"""

import datetime as dt

from django.db import transaction
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from members import audit
from spaces.intervals import Interval

from . import audit_trail, recurrence, series_mail, series_terms
from .batch import start_batch
from .models import Booking, Series
from .rules import BookingError
from .services import request_booking


def extend_one(*, series_id: int, now: dt.datetime) -> list[Booking]:
    """Book the dates of one series that came within the horizon; [] if another machine holds it."""
    with transaction.atomic(), audit.gathered():
        series = (
            Series.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("space__venue")
            .filter(pk=series_id)
            .first()
        )
        if series is None or series.tried_until is None:
            return []
        latest = series.bookings.order_by("-starts_at").select_related("membership__plan").first()
        membership = latest.membership if latest is not None else None
        ahead = membership.plan.booking_window if membership is not None else series.space.horizon
        reach = series_terms.term_reach(series, now + ahead, now=now)
        if reach is None or reach <= series.tried_until:
            return []
        tried = series.tried_until
        taken_days = {b.local_starts_at.date() for b in series.bookings.select_related("space")}
        todo = [
            (one.local_start, one.starts_at, one.ends_at)
            for one in recurrence.planned_dates(series)
            if one.starts_at is not None
            and one.ends_at is not None
            and tried < one.ends_at <= reach
            and one.local_start.date() not in taken_days
        ]
        booked: list[Booking] = []
        skipped: list[tuple[dt.datetime, str]] = []
        span = Interval(todo[0][1], todo[-1][2]) if todo else None
        batch = start_batch(space=series.space, span=span) if span else None
        for local_start, starts_at, ends_at in todo:
            try:
                booked.append(
                    request_booking(
                        booker=series.booker,
                        space=series.space,
                        starts_at=starts_at,
                        ends_at=ends_at,
                        title=series.title,
                        purpose=series.purpose,
                        activity=series.activity,
                        attendees=series.attendees,
                        organisation=series.organisation,
                        membership=membership,
                        made_by=series.made_by,
                        series=series,
                        batch=batch,
                        now=now,
                    )
                )
            except BookingError as exc:
                skipped.append((local_start, exc.message))
        series.tried_until = reach
        series.save(update_fields=["tried_until"])
        if booked:
            audit_trail.series_changed(
                series,
                action="series.extended",
                by=None,
                detail=_("%(count)s dates booked.") % {"count": len(booked)},
                now=now,
            )
            series_mail.series_booked(series, booked, skipped=skipped)
        return booked


def extend_series(*, now: dt.datetime | None = None) -> list[Booking]:
    """Extend every series whose later dates may have come within the horizon (cron, daily)."""
    now = now or timezone.now()
    added: list[Booking] = []
    # A series ending on a date drops out once it has been tried past that date.
    waiting = Series.objects.filter(tried_until__isnull=False).exclude(
        until__lt=TruncDate("tried_until")
    )
    for series_id in waiting.order_by("pk").values_list("pk", flat=True):
        added += extend_one(series_id=series_id, now=now)
    return added
