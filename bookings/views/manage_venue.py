"""The venue manager's pages for the venue itself: its details, weekly opening hours and spaces."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import audit
from members.http import AuthenticatedHttpRequest
from spaces.models import OpeningException, OpeningHours, Space
from spaces.views import managed_venue

from ..manage_forms import OpeningExceptionForm, OpeningHoursFormSet, SpaceForm, VenueForm
from ..models import Booking
from ..rules import BookingError
from ..services import save_space


@login_required
def venue_edit(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    future = Booking.objects.active().filter(space__venue=venue, ends_at__gt=timezone.now())
    form = VenueForm(request.POST or None, instance=venue, future_bookings=future.count())
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Saved the details of %(venue)s.") % {"venue": venue.name})
            return redirect("bookings:venue_edit", venue_slug=venue.slug)
        return render(
            request, "bookings/manage/venue_edit.html", {"venue": venue, "form": form}, status=400
        )
    return render(request, "bookings/manage/venue_edit.html", {"venue": venue, "form": form})


@login_required
def venue_hours(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The weekly opening hours: several intervals a day, none overlapping. Bookings already made
    outside new hours stay; the page says how to find them (the day view)."""
    venue = managed_venue(request, venue_slug)
    hours = OpeningHours.objects.filter(venue=venue).order_by("weekday", "opens")
    formset = OpeningHoursFormSet(request.POST or None, queryset=hours, prefix="hours")
    if request.method == "POST":
        if formset.is_valid():
            with transaction.atomic():
                for row in formset.save(commit=False):
                    row.venue = venue
                    row.save()
                audit.formset_saved(formset, by=request.user, venue_id=venue.pk)
                for row in formset.deleted_objects:
                    audit.removed(row, by=request.user, venue_id=venue.pk)
                    row.delete()
            messages.success(request, _("Saved the opening hours."))
            return redirect("bookings:venue_hours", venue_slug=venue.slug)
        status = 400
    else:
        status = 200
    return _hours_page(request, venue, formset=formset, status=status)


def _hours_page(
    request: AuthenticatedHttpRequest,
    venue,
    *,
    formset=None,
    exception_form: OpeningExceptionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if formset is None:
        hours = OpeningHours.objects.filter(venue=venue).order_by("weekday", "opens")
        formset = OpeningHoursFormSet(queryset=hours, prefix="hours")
    today = timezone.now().astimezone(venue.zone).date()
    return render(
        request,
        "bookings/manage/venue_hours.html",
        {
            "venue": venue,
            "formset": formset,
            "exception_form": exception_form or OpeningExceptionForm(venue=venue),
            "exceptions": venue.opening_exceptions.filter(date__gte=today).order_by(
                "date", "opens"
            ),
        },
        status=status,
    )


@require_POST
@login_required
def add_opening_exception(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """A date with its own hours (a bank holiday opening 10:00–14:00), or closed all day."""
    venue = managed_venue(request, venue_slug)
    form = OpeningExceptionForm(request.POST, venue=venue)
    if not form.is_valid():
        return _hours_page(request, venue, exception_form=form, status=400)
    with transaction.atomic():
        form.save()
        audit.saved(form.instance, before=None, by=request.user, venue_id=venue.pk)
    messages.success(request, _("Saved the hours of %(day)s.") % {"day": form.instance.date})
    return redirect("bookings:venue_hours", venue_slug=venue.slug)


@require_POST
@login_required
def delete_opening_exception(
    request: AuthenticatedHttpRequest, venue_slug: str, pk: int
) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    exception = get_object_or_404(OpeningException, venue=venue, pk=pk)
    with transaction.atomic():
        audit.removed(exception, by=request.user, venue_id=venue.pk)
        exception.delete()
    messages.success(request, _("That date follows the weekly hours again."))
    return redirect("bookings:venue_hours", venue_slug=venue.slug)


@login_required
def venue_spaces(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    spaces = venue.spaces.order_by("-is_active", "name")
    return render(request, "bookings/manage/spaces.html", {"venue": venue, "spaces": spaces})


@login_required
def space_edit(
    request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str | None = None
) -> HttpResponse:
    """Add a space, or change one and its rules; seats change through save_space, under the
    space's lock. A space is retired by making it not bookable: its history stays."""
    venue = managed_venue(request, venue_slug)
    space = (
        get_object_or_404(Space.objects.select_related("venue"), venue=venue, slug=space_slug)
        if space_slug
        else Space(venue=venue)
    )
    form = SpaceForm(request.POST or None, instance=space, venue=venue)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = save_space(space=form.instance, by=request.user)
            except BookingError as error:
                form.add_error(error.field, error.message)
            else:
                messages.success(request, _("Saved %(space)s.") % {"space": saved.name})
                return redirect("bookings:venue_spaces", venue_slug=venue.slug)
        status = 400
    return render(
        request,
        "bookings/manage/space_edit.html",
        {"venue": venue, "space": space, "form": form},
        status=status,
    )
