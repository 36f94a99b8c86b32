"""The emails of a series: one for all its dates, not one per date.

Queued like every booking email (a django.tasks task enqueued after the transaction commits,
retried on failure; see members.mail): plain text, the site's links from SITE_URL. The booker
gets the dates booked and those skipped with why; when the dates await approval, the venue's
managers get one request. Decisions and cancellations of single dates send the usual
per-booking emails (with their invitation). The series email carries no invitation: each date
is its own event, in the booker's calendar feed.
"""

import datetime as dt
from urllib.parse import urlencode

from django.tasks import task
from django.utils.formats import date_format

from members import permissions
from members.mail import after_commit, send_or_retry

from .emails import build_email, invitation_part
from .mail_tasks import BOOKER, MANAGERS
from .models import Booking, Series
from .recurrence import Planned


def _when(local: dt.datetime) -> str:
    return date_format(local, "D j M Y, H:i")


def series_booked(
    series: Series, booked: list[Booking], *, skipped: list[tuple[dt.datetime, str]]
) -> None:
    """Called inside the series' transaction: the emails go once it commits."""
    pending = any(booking.status == Booking.Status.PENDING for booking in booked)
    common = {
        "series_id": series.pk,
        "booked_ids": [booking.pk for booking in booked],
        "skipped": [[_when(local), reason] for local, reason in skipped],
    }
    after_commit(send_series_email, template="series_booked", audience=BOOKER, **common)
    if pending:
        after_commit(
            send_series_email, template="series_needs_decision", audience=MANAGERS, **common
        )


def series_term_ask(series: Series) -> None:
    """The organiser is asked to confirm the next term's dates (bookings/series_terms.py)."""
    after_commit(
        send_series_email,
        series_id=series.pk,
        template="series_confirm_term",
        audience=BOOKER,
        booked_ids=[],
        skipped=[],
    )


def series_ended_unconfirmed(series: Series, released: list[Planned]) -> None:
    """Called with the series locked, as it ends unconfirmed (bookings/series_terms.py): the
    organiser is told which dates were released and how to book them again, and the venue's
    managers get one email saying the same."""
    common = {
        "series_id": series.pk,
        "released": [_when(one.local_start) for one in released],
        "again": _again_query(released),
    }
    after_commit(send_series_ended_email, audience=BOOKER, **common)
    after_commit(send_series_ended_email, audience=MANAGERS, **common)


def _again_query(released: list[Planned]) -> str:
    """?start=…&end=… of the first released date, to pre-fill the Repeat form with it."""
    first = next((one for one in released if one.ends_at is not None), None)
    if first is None or first.ends_at is None:
        return ""
    end = first.ends_at.astimezone(first.local_start.tzinfo)
    return "?" + urlencode(
        {"start": f"{first.local_start:%Y-%m-%dT%H:%M}", "end": f"{end:%Y-%m-%dT%H:%M}"}
    )


@task
def send_series_ended_email(
    *, series_id: int, audience: str, released: list[str], again: str, attempt: int = 1
) -> None:
    """bookings/email/series_ended_unconfirmed(_managers).txt: the series ended because its
    next term was not confirmed; `released` are that term's dates, as the venue's wall clock."""
    series = (
        Series.objects.select_related("space__venue", "booker", "organisation")
        .filter(pk=series_id)
        .first()
    )
    if series is None:
        return
    if audience == MANAGERS:
        to = list(permissions.managers_of(series.space.venue).values_list("email", flat=True))
        template = "series_ended_unconfirmed_managers"
    else:
        to, template = [series.booker.email], "series_ended_unconfirmed"
    if not to:
        return
    context = {"series": series, "released": released, "again": again}
    send_or_retry(
        build_email(to=to, template=template, context=context),
        retry=send_series_ended_email,
        kwargs={
            "series_id": series_id,
            "audience": audience,
            "released": released,
            "again": again,
        },
        attempt=attempt,
    )


@task
def send_series_email(
    *,
    series_id: int,
    template: str,
    audience: str,
    booked_ids: list[int],
    skipped: list[list[str]],
    attempt: int = 1,
) -> None:
    """bookings/email/<template>.txt about a series, built from its rows as they are now."""
    series = Series.objects.select_related("space__venue", "booker").filter(pk=series_id).first()
    if series is None:
        return
    booked = list(Booking.objects.filter(pk__in=booked_ids).order_by("starts_at"))
    if audience == MANAGERS:
        to = list(permissions.managers_of(series.space.venue).values_list("email", flat=True))
    else:
        to = [series.booker.email]
    if not to:
        return
    context = {
        "series": series,
        "booked": [_when(booking.local_starts_at) for booking in booked],
        "skipped": [(when, reason) for when, reason in skipped],
        "pending": any(booking.status == Booking.Status.PENDING for booking in booked),
        "first": booked[0] if booked else None,
    }
    send_or_retry(
        build_email(to=to, template=template, context=context),
        retry=send_series_email,
        kwargs={
            "series_id": series_id,
            "template": template,
            "audience": audience,
            "booked_ids": booked_ids,
            "skipped": skipped,
        },
        attempt=attempt,
    )


def series_decided(series: Series, approved: list[Booking], declined: list[Booking]) -> None:
    """A manager decided a series' request: one email to the booker, with each date's
    invitation (REQUEST for the approved, CANCEL for the declined), not one email per date."""
    after_commit(
        send_series_dates_email,
        series_id=series.pk,
        template="series_decided",
        audience=BOOKER,
        booking_ids=[booking.pk for booking in [*approved, *declined]],
    )


def series_cancelled(series: Series, cancelled: list[Booking], *, by_booker: bool) -> None:
    """Dates of a series cancelled at once: one email to the booker with each date's CANCEL,
    and, when the booker cancelled, one to the venue's managers."""
    ids = [booking.pk for booking in cancelled]
    after_commit(
        send_series_dates_email,
        series_id=series.pk,
        template="series_cancelled",
        audience=BOOKER,
        booking_ids=ids,
    )
    if by_booker:
        after_commit(
            send_series_dates_email,
            series_id=series.pk,
            template="series_cancelled_by_booker",
            audience=MANAGERS,
            booking_ids=ids,
        )


def series_changed(series: Series, changed: list[Booking], *, by_booker: bool) -> None:
    """Dates of a series changed at once (bookings.series_edit): one email to the booker with
    each date's updated invitation, and, when the booker changed them, one to the managers."""
    ids = [booking.pk for booking in changed]
    after_commit(
        send_series_dates_email,
        series_id=series.pk,
        template="series_changed",
        audience=BOOKER,
        booking_ids=ids,
    )
    if by_booker:
        after_commit(
            send_series_dates_email,
            series_id=series.pk,
            template="series_changed_by_booker",
            audience=MANAGERS,
            booking_ids=ids,
        )


@task
def send_series_dates_email(
    *, series_id: int, template: str, audience: str, booking_ids: list[int], attempt: int = 1
) -> None:
    """bookings/email/<template>.txt about some dates of a series, built from their rows as they
    are now; the booker's carries each date's own invitation (its UID, its SEQUENCE, REQUEST or
    CANCEL), so every calendar client updates or removes each date."""
    series = Series.objects.select_related("space__venue", "booker").filter(pk=series_id).first()
    if series is None:
        return
    dates = list(
        Booking.objects.filter(pk__in=booking_ids)
        .select_related("space__venue", "booker")
        .order_by("starts_at")
    )
    if audience == MANAGERS:
        to = list(permissions.managers_of(series.space.venue).values_list("email", flat=True))
    else:
        to = [series.booker.email]
    if not to or not dates:
        return
    active = [_when(b.local_starts_at) for b in dates if b.is_active]
    ended = [_when(b.local_starts_at) for b in dates if not b.is_active]
    reasons = {b.decision_reason or b.cancellation_reason for b in dates if not b.is_active}
    context = {
        "series": series,
        "kept": active,
        "ended": ended,
        "reason": "; ".join(sorted(reason for reason in reasons if reason)),
        "booker": series.booker,
        "pending": any(b.status == Booking.Status.PENDING for b in dates),
    }
    email = build_email(to=to, template=template, context=context)
    if audience == BOOKER:
        for n, booking in enumerate(dates, start=1):
            email.attach(invitation_part(booking, filename=f"date-{n}.ics"))
    send_or_retry(
        email,
        retry=send_series_dates_email,
        kwargs={
            "series_id": series_id,
            "template": template,
            "audience": audience,
            "booking_ids": booking_ids,
        },
        attempt=attempt,
    )
