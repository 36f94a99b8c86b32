from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from members import permissions

from .models import Space, Venue
from .tables import OpeningHoursTable


def venue_detail(request: HttpRequest, venue_slug: str) -> HttpResponse:
    venue = get_object_or_404(
        Venue.objects.prefetch_related(
            "opening_hours", Prefetch("spaces", queryset=Space.objects.filter(is_active=True))
        ),
        slug=venue_slug,
    )
    now = timezone.now()
    closures = (
        venue.closures.filter(ends_at__gt=now).select_related("space").order_by("starts_at")[:20]
    )
    return render(
        request,
        "spaces/venue_detail.html",
        {
            "venue": venue,
            "spaces": venue.spaces.all(),
            "hours_table": OpeningHoursTable.for_venue(venue),
            "closures": closures,
            "is_manager": permissions.may_manage(request.user, venue),
            "may_see_impact": permissions.may_see_impact_page(request.user, venue),
            "other_zone": venue.time_zone != settings.TIME_ZONE,
        },
    )


def managed_venue(request: HttpRequest, venue_slug: str) -> Venue:
    """The venue `venue_slug` if the member manages it (members.permissions); otherwise a 404,
    so others learn nothing. Every manager's page of every app looks its venue up here."""
    return get_object_or_404(Venue.objects.managed_by(request.user), slug=venue_slug)
