"""Waiting lists: join one from the booking form when the time is taken, leave it from My
bookings, and claim an offer from the link in its email (bookings.waitlists, .waitlist_claims)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest
from spaces.lookup import space_by_slugs

from ..forms import BookingForm
from ..models import WaitlistEntry
from ..price_words import price_in_words, what_pays
from ..pricing import PriceChanged
from ..rules import BookingError
from ..tables import when_in_words
from ..waitlist_claims import ClaimRefused, claim_offer, claim_refusal, offer_for
from ..waitlists import join_waitlist, leave_waitlist
from .booking import _form_page, _shown_price


@require_POST
@login_required
def join(request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """The booking form's "Join the waiting list for this time" button."""
    space = space_by_slugs(venue_slug, space_slug)
    form = BookingForm(request.POST, space=space, member=request.user)
    if not form.is_valid():
        return _form_page(request, form, space, taken=True, status=400)
    kwargs = form.booking_kwargs()
    try:
        entry = join_waitlist(member=request.user, **kwargs)
    except BookingError as error:
        form.add_service_error(error.field, error.message)
        return _form_page(request, form, space, taken=True, status=400)
    messages.success(
        request,
        _(
            "You are on the waiting list for %(space)s, %(when)s. If it comes free and you are "
            "first in line, we will email you a link to book it."
        )
        % {"space": space.name, "when": when_in_words(entry)},
    )
    return redirect("bookings:mine")


@require_POST
@login_required
def leave(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        WaitlistEntry.objects.filter(
            permissions.waitlist_entries_filter(request.user)
        ).select_related("space__venue"),
        pk=pk,
    )
    try:
        leave_waitlist(entry=entry, member=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You have left the waiting list for %(space)s, %(when)s.")
            % {"space": entry.space.name, "when": when_in_words(entry)},
        )
    return redirect("bookings:mine")


def _refused(request: AuthenticatedHttpRequest, refusal: ClaimRefused) -> HttpResponse:
    return render(
        request,
        "bookings/waitlist_claim_refused.html",
        {"message": refusal.message},
        status=refusal.status,
    )


@login_required
def claim(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The claim link of an offer: the slot and its price, and "Book it" (POST), which books it
    if the price is still the one shown (or shows the new price again). A link used, expired or
    another member's is a page that says so; nothing is written."""
    now = timezone.now()
    entry = offer_for(token)
    refusal = claim_refusal(entry, request.user, now=now)
    if refusal is not None:
        return _refused(request, refusal)
    assert entry is not None
    changed = ""
    try:
        if request.method == "POST" and (shown := _shown_price(request)) is not None:
            try:
                booking = claim_offer(token=token, member=request.user, expected_price=shown)
            except PriceChanged as error:
                changed = error.message
            else:
                messages.success(
                    request,
                    _("Booked: %(space)s, %(when)s. It came free from the waiting list.")
                    % {"space": booking.space.name, "when": when_in_words(booking)}
                    if booking.status != booking.Status.PENDING
                    else _(
                        "Request sent for %(space)s, %(when)s. A manager will decide; the time "
                        "is held for you until then."
                    )
                    % {"space": booking.space.name, "when": when_in_words(booking)},
                )
                return redirect(booking)
        preview = claim_offer(token=token, member=request.user, preview=True)
    except ClaimRefused as error:
        return _refused(request, error)
    except BookingError as error:
        return render(
            request,
            "bookings/waitlist_claim.html",
            {"entry": entry, "when": when_in_words(entry), "error": error.message},
            status=409,
        )
    return render(
        request,
        "bookings/waitlist_claim.html",
        {
            "entry": entry,
            "when": when_in_words(entry),
            "booking": preview,
            "price": price_in_words(preview),
            "what_pays": what_pays(preview, member=request.user),
            "changed": changed,
        },
    )
