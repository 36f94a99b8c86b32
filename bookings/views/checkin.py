"""Check-in pages: the button on My bookings, the booking page and the manager's day view (one
POST), the page the QR code on a space's door opens, and the door sign with that code."""

import io

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest, next_url
from spaces.lookup import space_by_slugs
from spaces.models import Space
from spaces.views import managed_venue

from ..checkin import booking_to_check_in, check_in
from ..rules import BookingError
from ..tables import when_in_words
from .booking import booking_for


@require_POST
@login_required
def check_in_booking(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check a booking in: its booker, or a manager of its venue (from the day view)."""
    booking = booking_for(request.user, pk)
    back = next_url(request, booking.get_absolute_url())
    try:
        check_in(booking=booking, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        text = _("Checked in: %(title)s, %(when)s.")
        if not permissions.is_booker(request.user, booking):  # a manager, from the day view
            text = _("Checked in: %(title)s, %(when)s (%(booker)s).")
        messages.success(
            request,
            text
            % {"title": booking.title, "when": when_in_words(booking), "booker": booking.booker},
        )
    return HttpResponseRedirect(back)


def _space(venue_slug: str, space_slug: str) -> Space:
    return space_by_slugs(venue_slug, space_slug)


@login_required
def door_check_in(
    request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str
) -> HttpResponse:
    """The page the QR code on the space's door opens (after signing in, if need be): the
    member's own booking there whose check-in window is open, and a button that checks it in;
    or a page that says there is none now."""
    space = _space(venue_slug, space_slug)
    now = timezone.now()
    booking = booking_to_check_in(space=space, member=request.user, now=now)
    context = {"space": space, "venue": space.venue, "booking": booking, "refusal": ""}
    if booking is not None:
        context["when"] = when_in_words(booking)
    if request.method != "POST":
        return render(request, "bookings/door_check_in.html", context)
    if booking is None:
        context["refusal"] = _("You have no booking of %(space)s to check in to now.") % {
            "space": space.name
        }
        return render(request, "bookings/door_check_in.html", context, status=409)
    try:
        check_in(booking=booking, by=request.user, now=now)
    except BookingError as error:
        context["refusal"] = error.message
        return render(request, "bookings/door_check_in.html", context, status=409)
    messages.success(
        request,
        _("Checked in: %(title)s, %(when)s. Welcome!")
        % {"title": booking.title, "when": context["when"]},
    )
    return redirect(booking)


def door_url(space: Space) -> str:
    """The full address the space's QR code holds (from settings.SITE_URL)."""
    path = reverse(
        "bookings:door_check_in", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
    )
    return f"{settings.SITE_URL}{path}"


def door_qr(space: Space) -> segno.QRCode:
    # Error correction M: still reads with a scuffed or partly covered sign.
    return segno.make_qr(door_url(space), error="m")


@login_required
def space_qr(request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """The space's door QR code, as SVG (managers of its venue only)."""
    venue = managed_venue(request, venue_slug)
    space = get_object_or_404(Space.objects.select_related("venue"), venue=venue, slug=space_slug)
    out = io.BytesIO()
    title = _("Check in to %(space)s") % {"space": space.name}
    door_qr(space).save(out, kind="svg", scale=8, border=4, title=title, xmldecl=True)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{space.slug}-check-in.svg"'
    return response


@login_required
def door_sign(request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """A page to print and put on the space's door: its name, the QR code and what to do."""
    venue = managed_venue(request, venue_slug)
    space = get_object_or_404(Space.objects.select_related("venue"), venue=venue, slug=space_slug)
    return render(
        request,
        "bookings/manage/door_sign.html",
        {"venue": venue, "space": space, "door_url": door_url(space)},
    )
