"""A venue's History page: the audit trail of the venue and of everything in it, newest first,
filtered by kind and local dates, paged. Managers of the venue only (members.permissions.audit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from members import permissions
from members.audit import AuditEntry
from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from ..history import HistoryFilter, HistoryTable


@login_required
def venue_history(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    if not permissions.may_see_venue_history(request.user, venue):
        raise Http404
    filters = {key: value for key, value in request.GET.items() if key in HistoryFilter.base_fields}
    form = HistoryFilter(filters)
    entries = AuditEntry.objects.of_venue(venue.pk).select_related("actor")
    status = 200
    if form.is_valid():
        entries = form.filter(entries, venue)
    else:
        messages.warning(request, _("The filter was not understood, so here is everything."))
        status = 400
    table = HistoryTable(entries, zone=venue.zone, currency=venue.currency, orderable=False)
    configure_tables(request, table, per_page=HistoryTable._meta.per_page)
    filtered = form.is_valid() and any(form.cleaned_data.values())
    return render(
        request,
        "bookings/manage/history.html",
        {"venue": venue, "form": form, "table": table, "filtered": filtered},
        status=status,
    )
