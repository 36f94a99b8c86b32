"""The floors of the page cases: views that do the least a view on this stack can do, served
through the same middleware as the real pages (operations/bench/urls.py, the benchmark's own URL
conf; never the site's)."""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST, require_safe

from bookings.models import Booking
from members.http import AuthenticatedHttpRequest
from spaces.models import Space


@require_safe
def bare_page(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """One query and a line of HTML: the cost of the stack itself."""
    space = get_object_or_404(Space, venue__slug=venue_slug, slug=space_slug)
    return HttpResponse(f"<!doctype html><title>{space.name}</title><p>{space.name}</p>")


@login_required
@require_POST
def bare_insert(request: AuthenticatedHttpRequest, space_id: int) -> HttpResponse:
    """One booking row written as plainly as possible: no rules, no price, no mirror, no email;
    only the database's own guards (the exclusion constraint)."""
    starts = datetime.fromisoformat(request.POST["starts_at"])
    ends = datetime.fromisoformat(request.POST["ends_at"])
    with transaction.atomic():
        booking = Booking.objects.create(
            space_id=space_id,
            booker=request.user,
            starts_at=starts,
            ends_at=ends,
            blocked_until=ends,
            exclusive=True,
            title=request.POST["title"],
        )
    return HttpResponse(str(booking.pk), status=201)
