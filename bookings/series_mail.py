"""The emails of a series: one for all its dates, not one per date.

Sent through the same helper as every booking email (`notifications._send_text`: plain text, the
site's links from SITE_URL, after the transaction commits). The booker gets the dates booked and
those skipped with why; when the dates await approval, the venue's managers get one request.
Decisions and cancellations of single dates send the usual per-booking emails (with their
invitation). The series email carries no invitation: each date is its own event, in the booker's
calendar feed.
"""

import datetime as dt

from django.utils.formats import date_format

from members import permissions

from . import notifications
from .models import Booking, Series


def _when(local: dt.datetime) -> str:
    return date_format(local, "D j M Y, H:i")


def series_booked(
    series: Series, booked: list[Booking], *, skipped: list[tuple[dt.datetime, str]]
) -> None:
    pending = any(booking.status == Booking.Status.PENDING for booking in booked)
    context = {
        "series": series,
        "booked": [_when(booking.local_starts_at) for booking in booked],
        "skipped": [(_when(local), reason) for local, reason in skipped],
        "pending": pending,
        "first": booked[0] if booked else None,
    }
    notifications._send_text(to=[series.booker.email], template="series_booked", context=context)
    if pending:
        managers = permissions.managers_of(series.space.venue)
        notifications._send_text(
            to=list(managers.values_list("email", flat=True)),
            template="series_needs_decision",
            context=context,
        )
