"""A series a manager books on a member's behalf, from "Book for someone": the Repeat form with
who and which space, the same preview of every date, then "book the free dates" or none."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from ..series import Outcome, new_series
from ..series_forms import OnBehalfSeriesForm
from ..tables import SeriesDatesTable
from .series import preview_or_book, skipped_in_words


@login_required
def book_series_on_behalf(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Book a series for a member who phoned or walked in: every date through the same rules
    as their own series, recorded as made by the manager, who may waive the notice and horizon."""
    venue = managed_venue(request, venue_slug)
    if not venue.spaces.filter(is_active=True).exists():
        messages.info(request, _("%(venue)s has no space to book yet.") % {"venue": venue.name})
        return redirect("bookings:venue_spaces", venue_slug=venue.slug)
    if request.method == "POST" and request.POST.get("decision") == "none":
        messages.info(request, _("Nothing was booked."))
        return redirect("bookings:book_on_behalf", venue_slug=venue.slug)
    form = OnBehalfSeriesForm(request.POST or None, venue=venue, manager=request.user)
    outcome: Outcome | None = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            outcome, done, status = preview_or_book(
                request,
                form,
                lambda: new_series(
                    space=form.space,
                    booker=data["email"],
                    made_by=request.user,
                    **form.series_kwargs(),
                ),
                membership=data["membership"],
                waive=data["waive"],
            )
            if done is not None:
                return _booked(request, done)
        else:
            status = 400
    table = None
    if outcome is not None:
        table = SeriesDatesTable(outcome.dates, prefix="dates-")
        configure_tables(request, table, per_page=250)
    return render(
        request,
        "bookings/manage/on_behalf_series.html",
        {"venue": venue, "form": form, "space": form.space, "outcome": outcome, "dates": table},
        status=status,
    )


def _booked(request: AuthenticatedHttpRequest, outcome: Outcome) -> HttpResponse:
    series = outcome.series
    text = ngettext(
        "Booked %(n)d date of %(title)s for %(member)s. They have been sent the dates.",
        "Booked %(n)d dates of %(title)s for %(member)s. They have been sent the dates.",
        len(outcome.free),
    ) % {"n": len(outcome.free), "title": series.title, "member": series.booker}
    if outcome.skipped:
        text += " " + _("Skipped: %(dates)s.") % {"dates": skipped_in_words(outcome)}
    messages.success(request, text)
    first = next(date.booking for date in outcome.free if date.booking is not None)
    return redirect(first)
