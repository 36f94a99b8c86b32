"""The venue manager's list of every booking of their venue: filtered, sorted, paged, and as CSV."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2.export import TableExport

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from ..checkin import with_no_show_counts
from ..list_forms import VenueBookingsFilter
from ..models import Booking
from ..tables import VenueBookingsTable

EXPORT_FORMATS = ("csv",)


def _errors_in_words(form: VenueBookingsFilter) -> str:
    """Each field's errors after its label: 'Status: Select a valid choice. ...'."""
    return " ".join(
        f"{form.fields[name].label}: {' '.join(str(error) for error in errors)}"
        for name, errors in form.errors.items()
        if name in form.fields
    )


@login_required
def venue_bookings(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's bookings, any status, past and coming, filtered by space, status, organisation
    and dates from the query string (from today if none is given); `?_export=csv` downloads exactly the filtered rows. A filter
    that is not understood gives a message and the whole list. Managers of the venue only."""
    venue = managed_venue(request, venue_slug)
    today = timezone.now().astimezone(venue.zone).date()
    filters = {
        key: value for key, value in request.GET.items() if key in VenueBookingsFilter.base_fields
    }
    # Opened from the menu, the list starts today; pages, sorting and the CSV of that view keep
    # asking without a filter, so they get the same rows. `?starts_on=` is every booking.
    filters = filters or {"starts_on": today.isoformat()}
    form = VenueBookingsFilter(filters, venue=venue)
    bookings = Booking.objects.filter(space__venue=venue).select_related(
        "space__venue", "booker", "organisation"
    )
    valid = form.is_valid()
    filtered = valid and any(value not in (None, "") for value in form.cleaned_data.values())
    if valid:
        bookings = form.filter(bookings)
    else:
        if "_export" in request.GET:
            return HttpResponseBadRequest(
                _("The filter was not understood, so nothing was exported. %(problem)s")
                % {"problem": _errors_in_words(form)},
                content_type="text/plain; charset=utf-8",
            )
        messages.warning(request, _("The filter was not understood, so here is every booking."))
    bookings = with_no_show_counts(bookings, venue_id=venue.pk, now=timezone.now())
    table = VenueBookingsTable(bookings)
    export_format = request.GET.get("_export")
    if export_format is not None:
        configure_tables(request, table, per_page=None)  # sorted as on the page, every row
        if export_format not in EXPORT_FORMATS:
            return HttpResponseBadRequest(
                _("Unknown export: choose _export=%(formats)s.")
                % {"formats": ", ".join(EXPORT_FORMATS)},
                content_type="text/plain; charset=utf-8",
            )
        filename = f"{venue.slug}-bookings-{today.isoformat()}.{export_format}"
        return TableExport(export_format, table).response(filename=filename)
    configure_tables(request, table, per_page=VenueBookingsTable._meta.per_page)
    return render(
        request,
        "bookings/manage/bookings.html",
        {"venue": venue, "form": form, "table": table, "filtered": filtered},
    )
