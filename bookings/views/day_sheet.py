"""The caretaker's day sheet: a printable manager page (?print=1: no navigation, A4)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from ..day_sheet import day_sheet
from .manage import _day


@login_required
@require_safe
def venue_day_sheet(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Opening hours and each space's bookings of a day, with set-up notes and numbers. Managers
    only; `?date=` as the day view (a bad date says so and shows today)."""
    venue = managed_venue(request, venue_slug)
    sheet = day_sheet(venue=venue, day=_day(request, venue))
    configure_tables(request, *(row.table for row in sheet.spaces), per_page=None)
    print_mode = request.GET.get("print") == "1"
    return render(
        request,
        "bookings/manage/day_sheet_print.html" if print_mode else "bookings/manage/day_sheet.html",
        {"venue": venue, "sheet": sheet, "day": sheet.day, "prepared_at": timezone.now()},
    )
