"""Series pages: the Repeat form with its preview, a manager's decision on a series, changing
or cancelling an occurrence and those after it."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables, next_url
from memberships.models import Membership
from spaces.lookup import space_by_slugs
from spaces.models import Venue

from ..models import Booking, Series
from ..rules import BookingError
from ..series import (
    Outcome,
    Scope,
    SeriesChanged,
    book_series,
    cancel_series,
    decide_series,
    new_series,
    pending_of,
    preview_series,
)
from ..series_edit import Change, ChangeDiffers, ChangeOutcome, change_series
from ..series_forms import CancelSeriesForm, ChangeSeriesForm, SeriesDecisionForm, SeriesForm
from ..tables import SeriesChangeTable, SeriesDatesTable, SeriesDecisionTable
from .booking import _initial_from_link, booking_for


def skipped_in_words(outcome: Outcome) -> str:
    return "; ".join(
        f"{date_format(date.local_start, 'D j M')} ({date.reason})" for date in outcome.skipped
    )


@login_required
def repeat(request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """Book a space on every date of a rule: the form, then a preview of every date with its state,
    then "book the free dates" (the skipped ones listed) or "book none"."""
    space = space_by_slugs(venue_slug, space_slug)
    if request.method == "POST" and request.POST.get("decision") == "none":
        messages.info(request, _("Nothing was booked."))
        return redirect(space)
    outcome: Outcome | None = None
    status = 200
    if request.method == "POST":
        form = SeriesForm(request.POST, space=space, member=request.user)
        if form.is_valid():
            membership, _fund = form.chosen()  # a series draws on no fund
            outcome, done, status = preview_or_book(
                request,
                form,
                lambda: new_series(space=space, booker=request.user, **form.series_kwargs()),
                membership=membership,
            )
            if done is not None:
                return _booked(request, done)
        else:
            status = 400
    else:
        initial = _initial_from_link(request)
        form = SeriesForm(initial=initial, space=space, member=request.user)
    table = None
    if outcome is not None:
        table = SeriesDatesTable(outcome.dates, prefix="dates-")
        configure_tables(request, table, per_page=250)
    return render(
        request,
        "bookings/repeat.html",
        {
            "form": form,
            "space": space,
            "venue": space.venue,
            "outcome": outcome,
            "dates": table,
        },
        status=status,
    )


def preview_or_book(
    request: AuthenticatedHttpRequest,
    form: SeriesForm,
    make: Callable[[], Series],
    *,
    membership: Membership | None,
    waive: bool = False,
) -> tuple[Outcome | None, Outcome | None, int]:
    """For a valid Repeat form: the preview of every date (first), or the booking of the free
    dates the preview showed ("book"). Returns (the dates to show, the booked outcome, status);
    a refusal is put on the form, and the form carries the fingerprint of the dates shown."""
    outcome: Outcome | None = None
    status = 200
    try:
        series = make()
        if request.POST.get("decision") == "book":
            done = book_series(
                series=series,
                expected=form.cleaned_data["free_dates"],
                membership=membership,
                waive_notice_and_horizon=waive,
            )
            return None, done, 200
        outcome = preview_series(
            series=series, membership=membership, waive_notice_and_horizon=waive
        )
    except SeriesChanged as changed:
        outcome = changed.outcome
        form.add_error(None, changed.message)
        status = 409
    except BookingError as error:
        form.add_service_error(error.field, error.message)
        status = 400
    if outcome is not None:
        # "Book the free dates" books these or, if they changed meanwhile, none.
        data = request.POST.copy()
        data["free_dates"] = outcome.fingerprint()
        form.data = data
    return outcome, None, status


def _booked(request: AuthenticatedHttpRequest, outcome: Outcome) -> HttpResponse:
    booked = len(outcome.free)
    pending = any(
        date.booking is not None and date.booking.status == Booking.Status.PENDING
        for date in outcome.free
    )
    if pending:
        text = ngettext(
            "Request sent for %(n)d date of %(title)s. A manager will decide on the series; the time is held for you.",
            "Request sent for %(n)d dates of %(title)s. A manager will decide on the series; the times are held for you.",
            booked,
        )
    else:
        text = ngettext(
            "Booked %(n)d date of %(title)s.", "Booked %(n)d dates of %(title)s.", booked
        )
    text %= {"n": booked, "title": outcome.series.title}
    if outcome.skipped:
        text += " " + _("Skipped: %(dates)s.") % {"dates": skipped_in_words(outcome)}
    messages.success(request, text)
    return redirect("bookings:mine")


def _managed_series(request: AuthenticatedHttpRequest, pk: int) -> Series:
    if not permissions.manages_any_venue(request.user):
        raise Http404
    return get_object_or_404(
        Series.objects.select_related("space__venue", "booker", "organisation"),
        pk=pk,
        space__venue__in=Venue.objects.managed_by(request.user),
    )


@login_required
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A series awaiting approval, decided at once: approve every date, or some, declining the
    others with one reason."""
    series = _managed_series(request, pk)
    pending = pending_of(series)
    now = timezone.now()
    form = SeriesDecisionForm(
        request.POST or None,
        pending_ids=[booking.pk for booking in pending],
        initial={"approve": [b.pk for b in pending if b.starts_at > now]},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                approved, declined = decide_series(
                    series=series,
                    by=request.user,
                    approve=form.cleaned_data["approve"],
                    reason=form.cleaned_data["reason"],
                    now=now,
                )
            except BookingError as error:
                form.add_error("reason" if error.field == "reason" else None, error.message)
            else:
                messages.success(
                    request,
                    _("%(title)s for %(booker)s: %(approved)d approved, %(declined)d declined.")
                    % {
                        "title": series.title,
                        "booker": series.booker,
                        "approved": len(approved),
                        "declined": len(declined),
                    },
                )
                return redirect("bookings:requests")
        status = 400
    chosen = {str(value) for value in (form["approve"].value() or [])}
    for booking in pending:
        booking.approve_checked = str(booking.pk) in chosen  # type: ignore[attr-defined]
    table = SeriesDecisionTable(pending, prefix="series-")
    configure_tables(request, table, per_page=250)
    return render(
        request,
        "bookings/series_decide.html",
        {"series": series, "form": form, "dates": table, "venue": series.space.venue},
        status=status,
    )


@require_POST
@login_required
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Cancel one occurrence, it and the later ones, or every date still to come."""
    booking = booking_for(request.user, pk)
    back = next_url(request, booking.get_absolute_url())
    form = CancelSeriesForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(booking)
    try:
        cancelled = cancel_series(
            booking=booking,
            by=request.user,
            scope=form.cleaned_data["scope"],
            reason=form.cleaned_data["reason"],
        )
    except BookingError as error:
        messages.error(request, error.message)
        return redirect(booking)
    if form.cleaned_data["scope"] == Scope.ONE:
        text = _("Cancelled: %(title)s, %(when)s.") % {
            "title": booking.title,
            "when": date_format(booking.local_starts_at, "D j M Y, H:i"),
        }
    else:
        text = ngettext(
            "Cancelled %(n)d date of %(title)s.",
            "Cancelled %(n)d dates of %(title)s.",
            len(cancelled),
        ) % {"n": len(cancelled), "title": booking.title}
    messages.success(request, text)
    return HttpResponseRedirect(
        back if back != booking.get_absolute_url() else reverse("bookings:mine")
    )


def _change_in_words(outcome: ChangeOutcome) -> str:
    changed = sum(1 for date in outcome.dates if date.changes)
    text = ngettext(
        "Changed %(n)d date of %(title)s.", "Changed %(n)d dates of %(title)s.", changed
    ) % {"n": changed, "title": outcome.series.title}
    if outcome.refused:
        text += " " + _("Not changed: %(dates)s.") % {
            "dates": "; ".join(
                f"{date_format(d.booking.local_starts_at, 'D j M')} ({d.reason})"
                for d in outcome.refused
            )
        }
    return text


@login_required
def change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Change this date and the later ones, or every date to come, of a series: the form, a
    preview of every date (changes, cannot change and why, kept as changed on its own), then
    "change the others" or "change nothing"."""
    booking = booking_for(request.user, pk)
    if booking.series_id is None:
        raise Http404
    now = timezone.now()
    refusal = permissions.move_refusal(request.user, booking, now=now)
    if refusal:
        messages.error(request, refusal)
        return redirect(booking)
    decision = request.POST.get("decision")
    if request.method == "POST" and decision == "none":
        messages.info(request, _("Nothing was changed."))
        return redirect(booking)
    form = ChangeSeriesForm(request.POST or None, booking=booking)
    outcome: ChangeOutcome | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            wanted = Change(
                start_time=data["start_time"],
                duration=data["duration"],
                space=data["space"],
                title=data["title"],
                purpose=data["purpose"],
                activity=data["activity"],
                attendees=data["attendees"],
            )
            try:
                if decision == "apply":
                    done = change_series(
                        booking=booking,
                        by=request.user,
                        scope=data["scope"],
                        change=wanted,
                        expected=data["refused"],
                        now=now,
                    )
                    messages.success(request, _change_in_words(done))
                    return redirect(booking)
                outcome = change_series(
                    booking=booking, by=request.user, scope=data["scope"], change=wanted, now=now
                )
            except ChangeDiffers as changed:
                outcome = changed.outcome
                form.add_error(None, changed.message)
                status = 409
            except BookingError as error:
                form.add_service_error(error.field, error.message)
        if not form.is_valid() and status == 200:
            status = 400
        if outcome is not None:
            data = request.POST.copy()
            data["refused"] = outcome.fingerprint()
            form.data = data
    table = None
    if outcome is not None:
        table = SeriesChangeTable(outcome.dates, prefix="dates-")
        configure_tables(request, table, per_page=250)
    return render(
        request,
        "bookings/change_series.html",
        {"form": form, "booking": booking, "outcome": outcome, "dates": table},
        status=status,
    )
