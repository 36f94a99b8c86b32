"""A series re-confirmed each term: the organiser's confirm page, the manager's term form."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables

from ..models import Series
from ..rules import BookingError
from ..series_terms import answer_term, next_block_states, set_reconfirm
from ..tables import TermDatesTable
from .series import _managed_series


class TermForm(forms.Form):
    weeks = forms.IntegerField(
        label=gettext_lazy("Re-confirm every (weeks)"),
        required=False,
        min_value=1,
        max_value=52,
        help_text=gettext_lazy("Leave empty for a series that never needs re-confirming."),
    )


@login_required
def confirm_term(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organiser keeps the next term's dates or stops the series (their own series only)."""
    series = get_object_or_404(
        Series.objects.select_related("space__venue").filter(
            permissions.series_organised_filter(request.user)
        ),
        pk=pk,
    )
    status = 200
    if request.method == "POST":
        keep = request.POST.get("answer") == "keep"
        try:
            booked = answer_term(series=series, keep=keep, now=timezone.now(), by=request.user)
        except BookingError as error:
            messages.error(request, error.message)
            status = 409
        else:
            if keep:
                text = ngettext(
                    "Kept: %(n)d date of %(title)s booked now; later ones as they open.",
                    "Kept: %(n)d dates of %(title)s booked now; later ones as they open.",
                    booked,
                ) % {"n": booked, "title": series.title}
            else:
                text = _("Stopped: %(title)s books no more dates.") % {"title": series.title}
            messages.success(request, text)
            return redirect("bookings:mine")
    series.refresh_from_db()
    table = TermDatesTable(next_block_states(series), prefix="term-")
    configure_tables(request, table, per_page=250)
    return render(
        request,
        "bookings/series_confirm_term.html",
        {"series": series, "dates": table, "venue": series.space.venue},
        status=status,
    )


@login_required
def manage_term(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A venue manager sets how often a series is re-confirmed."""
    series = _managed_series(request, pk)
    form = TermForm(request.POST or None, initial={"weeks": series.reconfirm_every})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                set_reconfirm(
                    series=series,
                    weeks=form.cleaned_data["weeks"],
                    now=timezone.now(),
                    by=request.user,
                )
            except BookingError as error:
                form.add_error("weeks", error.message)
            else:
                messages.success(
                    request,
                    _("Saved how often %(title)s is re-confirmed.") % {"title": series.title},
                )
                return redirect("bookings:series_term", pk=series.pk)
        status = 400
    return render(
        request,
        "bookings/series_term.html",
        {"series": series, "form": form, "venue": series.space.venue},
        status=status,
    )
