"""The managers' requests page: every pending request of their venues with the requester's
organisation and history and any clashes, filtered by venue and space, and deciding several at
once (bookings/requests.py). Each request's own Approve and Decline are bookings/views/booking.py."""

from collections.abc import Iterable
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables

from ..models import Booking
from ..request_forms import BulkDecisionForm, RequestsFilter
from ..request_tables import DecidedTable, RequestsTable
from ..requests import Decided, decide_requests, pending_requests
from ..rules import BookingError
from ..tables import when_in_words


def _filter(request: AuthenticatedHttpRequest) -> RequestsFilter:
    wanted = {key: value for key, value in request.GET.items() if key in RequestsFilter.base_fields}
    return RequestsFilter(wanted, member=request.user)


def requests_page(
    request: AuthenticatedHttpRequest,
    *,
    decline_errors: dict[int, list[str]] | None = None,
    bulk: BulkDecisionForm | None = None,
    ticked: Iterable[int] = (),
) -> HttpResponse:
    """The page; `decline_errors` (one request's Decline) or `bulk` (the form of several) are a
    refused form shown again, with status 400, the `ticked` requests still ticked."""
    form = _filter(request)
    where: dict = {}
    if form.is_valid():
        where = {name: form.cleaned_data.get(name) for name in ("venue", "space")}
    else:
        messages.warning(request, _("The filter was not understood, so here is every request."))
    now = timezone.now()
    pending = pending_requests(request.user, now=now, **where)
    ticked = set(ticked)
    for booking in pending:
        # Answers of this page for the Decision and tick columns (bookings/_decide_buttons.html).
        booking.decline_errors = (decline_errors or {}).get(booking.pk, [])  # type: ignore[attr-defined]
        booking.ticked = booking.pk in ticked  # type: ignore[attr-defined]
    decided = Booking.objects.managed_by(request.user).filter(
        decided_at__gte=now - timedelta(days=30)
    )
    if where.get("venue"):
        decided = decided.filter(space__venue=where["venue"])
    if where.get("space"):
        decided = decided.filter(space=where["space"])
    pending_table = RequestsTable(pending, prefix="pending-")
    decided_table = DecidedTable(
        decided.select_related("space__venue", "booker", "decided_by"), prefix="decided-"
    )
    configure_tables(request, pending_table, decided_table, per_page=20)
    status = 400 if decline_errors or (bulk is not None and bulk.errors) else 200
    return render(
        request,
        "bookings/requests.html",
        {
            "pending": pending_table,
            "decided": decided_table,
            "filter": form,
            "filtered": bool(where.get("venue") or where.get("space")),
            "bulk": bulk or BulkDecisionForm(),
            "query": request.GET.urlencode(),
        },
        status=status,
    )


@login_required
def requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.manages_any_venue(request.user):
        raise PermissionDenied(_("Only venue managers can see booking requests."))
    return requests_page(request)


@require_POST
@login_required
def decide(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Approve or decline the ticked requests, each on its own; then the page, with a message
    for each one. A selection that cannot be taken as it is (none, a decline without a reason,
    an id of a request elsewhere) decides nothing and shows the page again with the error."""
    if not permissions.manages_any_venue(request.user):
        raise PermissionDenied(_("Only venue managers can decide booking requests."))
    form = BulkDecisionForm(request.POST)
    valid = form.is_valid()
    ticked = form.cleaned_data.get("selected") or []
    if not valid:
        return requests_page(request, bulk=form, ticked=ticked)
    try:
        results = decide_requests(
            by=request.user,
            chosen=form.cleaned_data["selected"],
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
        )
    except BookingError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return requests_page(request, bulk=form, ticked=ticked)
    approve = form.cleaned_data["decision"] == "approve"
    for result in results:
        if result.done:
            messages.success(request, _done_in_words(result, approve=approve))
        else:
            messages.error(
                request,
                _("Not decided: %(title)s for %(booker)s, %(when)s. %(why)s")
                % {**_words(result), "why": result.message},
            )
    back = reverse("bookings:requests")
    query = request.GET.urlencode()
    return HttpResponseRedirect(f"{back}?{query}" if query else back)


def _words(result: Decided) -> dict[str, str]:
    booking = result.booking
    return {"title": booking.title, "booker": str(booking.booker), "when": when_in_words(booking)}


def _done_in_words(result: Decided, *, approve: bool) -> str:
    words = _words(result)
    if result.booking.series_id is not None:
        if approve:
            text = ngettext(
                "Approved the series %(title)s for %(booker)s: %(count)d date.",
                "Approved the series %(title)s for %(booker)s: %(count)d dates.",
                result.dates,
            )
        else:
            text = ngettext(
                "Declined the series %(title)s for %(booker)s: %(count)d date. They have been told why.",
                "Declined the series %(title)s for %(booker)s: %(count)d dates. They have been told why.",
                result.dates,
            )
        return text % {**words, "count": result.dates}
    if approve:
        return _("Approved: %(title)s for %(booker)s, %(when)s.") % words
    return _("Declined: %(title)s for %(booker)s. They have been told why.") % words
