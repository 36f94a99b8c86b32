from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables, next_url
from members.models import Member
from spaces.lookup import space_by_slugs
from spaces.models import Space
from spaces.timezones import NonexistentLocalTime, resolve_local

from ..availability import alternatives
from ..forms import BookingForm, CancelForm, ChangeBookingForm, DeclineForm
from ..grid import parse_wall_time
from ..history import booking_history
from ..models import Booking, WaitlistEntry
from ..notes import change_booking_notes
from ..price_words import fund_drawn_in_words, price_in_words, what_pays
from ..pricing import PriceChanged
from ..series_forms import CancelSeriesForm
from ..services import (
    BookingError,
    approve_booking,
    cancel_booking,
    change_booking,
    decline_booking,
    request_booking,
)
from ..tables import MyBookingsTable, PastBookingsTable, when_in_words
from ..waitlist_tables import WaitlistTable
from ..waitlists import taken_between
from .requests import requests_page


def booking_for(member: Member, pk: int) -> Booking:
    """The booking `pk` if `member` may see it (members.permissions); otherwise 404, so ids reveal nothing."""
    return get_object_or_404(
        Booking.objects.visible_to(member).select_related(
            "space__venue",
            "booker",
            "organisation",
            "decided_by",
            "cancelled_by",
            "made_by",
            "membership__plan",
            "membership__organisation",
            "fund__organisation",
            "fund__venue",
        ),
        pk=pk,
    )


def _initial_from_link(request: HttpRequest) -> dict:
    """Pre-fill date and times from a grid link (?start=2027-01-05T10:00&end=2027-01-05T11:00)."""
    start, end = (
        parse_wall_time(request.GET.get("start")),
        parse_wall_time(request.GET.get("end")),
    )
    initial: dict = {"attendees": 1}
    if start:
        initial.update(date=start.date(), start_time=start.time())
        if end and end.date() == start.date() and end > start:
            initial["end_time"] = end.time()
        # On the night the clocks go back, a grid link says which run of a repeated time it means.
        for name in ("start_fold", "end_fold"):
            if request.GET.get(name) in ("0", "1"):
                initial[name] = int(request.GET[name])
    elif request.GET.get("start"):
        messages.warning(request, _("The time in that link could not be read; please choose one."))
    return initial


def _shown_price(request: HttpRequest) -> Decimal | None:
    """The price the check step showed (a hidden field), only to compare: never the price."""
    try:
        shown = Decimal(request.POST.get("shown_price", ""))
    except InvalidOperation:
        return None
    return shown if shown.is_finite() else None


def _booked_message(request: HttpRequest, form: BookingForm, booking: Booking) -> None:
    if booking.status == Booking.Status.PENDING:
        text = _(
            "Request sent for %(space)s, %(when)s. A manager of %(venue)s will decide; "
            "the time is held for you until then."
        )
    else:
        text = _("Booked: %(space)s, %(when)s. It is confirmed.")
    text %= {
        "space": booking.space.name,
        "venue": booking.space.venue.name,
        "when": when_in_words(booking),
    }
    note = form.ambiguity_note()
    messages.success(request, f"{text} {note}".strip())


def _book(
    request: AuthenticatedHttpRequest, form: BookingForm, kwargs: dict, shown: Decimal
) -> Booking:
    """The booking with its set-up notes, both or neither. Without notes (the usual case) it is
    request_booking's one transaction alone: no savepoints, no second look at the row."""
    notes = form.notes_kwargs()
    if not any(notes.values()):
        return request_booking(**kwargs, expected_price=shown)
    with transaction.atomic():
        booking = request_booking(**kwargs, expected_price=shown)
        return change_booking_notes(booking=booking, by=request.user, **notes)


@login_required
def book(request: AuthenticatedHttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    """The booking form, then a check step with the price (computed here, with every rule
    checked and nothing written); "Book" there books it if the price is still the one shown,
    or shows the new price again."""
    space = space_by_slugs(venue_slug, space_slug)
    if request.method != "POST":
        initial = _initial_from_link(request)
        form = BookingForm(initial=initial, space=space, member=request.user)
        return _form_page(request, form, space, taken=_taken_from_link(space, initial))
    form = BookingForm(request.POST, space=space, member=request.user)
    if "edit" in request.POST or not form.is_valid():
        return _form_page(request, form, space)
    kwargs = {"booker": request.user, **form.booking_kwargs()}
    changed = ""
    try:
        if "confirm" in request.POST and (shown := _shown_price(request)) is not None:
            try:
                booking = _book(request, form, kwargs, shown)
            except PriceChanged as error:
                changed = error.message
            else:
                _booked_message(request, form, booking)
                return redirect(booking)
        preview = request_booking(**kwargs, preview=True)
    except BookingError as error:
        form.add_service_error(error.field, error.message)
        taken = error.field is None and taken_between(
            space=space, starts_at=kwargs["starts_at"], ends_at=kwargs["ends_at"]
        )
        return _form_page(request, form, space, taken=taken)
    return render(
        request,
        "bookings/book_check.html",
        {
            "form": form,
            "space": space,
            "venue": space.venue,
            "booking": preview,
            "when": when_in_words(preview),
            "price": price_in_words(preview),
            "what_pays": what_pays(preview, member=request.user),
            "changed": changed,
        },
    )


def _form_page(
    request: HttpRequest, form: BookingForm, space: Space, *, taken: bool = False, status: int = 200
) -> HttpResponse:
    """The booking form; `taken`: the time asked for is held, so it offers the waiting list."""
    return render(
        request,
        "bookings/book.html",
        {"form": form, "space": space, "venue": space.venue, "taken": taken},
        status=status,
    )


def _taken_from_link(space: Space, initial: dict) -> bool:
    """Is the time a grid link pre-filled taken (the week's "Booked" slots link here)?"""
    if not {"date", "start_time", "end_time"} <= initial.keys():
        return False
    zone = space.venue.zone
    try:
        starts = resolve_local(
            datetime.combine(initial["date"], initial["start_time"]),
            zone,
            fold=initial.get("start_fold", 0),
        ).instant
        ends = resolve_local(
            datetime.combine(initial["date"], initial["end_time"]),
            zone,
            fold=initial.get("end_fold", 0),
        ).instant
    except NonexistentLocalTime:
        return False
    return ends > starts and taken_between(space=space, starts_at=starts, ends_at=ends)


@login_required
def my_bookings(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = Booking.objects.for_member(request.user).select_related(
        "space__venue", "organisation", "membership__plan", "membership__organisation", "fund"
    )
    # Only what still holds its time is "coming up"; a cancelled or declined booking, however
    # far ahead, is listed with the past ones, its status in words.
    coming_up = Q(ends_at__gt=now, status__in=Booking.ACTIVE_STATUSES)
    upcoming = MyBookingsTable(mine.filter(coming_up), prefix="upcoming-")
    past = PastBookingsTable(mine.exclude(coming_up), prefix="past-")
    waiting = WaitlistTable(
        WaitlistEntry.objects.filter(permissions.waitlist_entries_filter(request.user))
        .filter(state__in=WaitlistEntry.LIVE_STATES, ends_at__gt=now)
        .select_related("space__venue"),
        prefix="waiting-",
    )
    configure_tables(request, upcoming, waiting, past, per_page=10)
    # Check-in opens at most a day before the start (spaces.Space.check_in_opens_before).
    soon = mine.filter(coming_up, starts_at__lte=now + timedelta(days=1)).order_by("starts_at")
    check_in_now = [b for b in soon if permissions.may_check_in(request.user, b, now=now)]
    for booking in check_in_now:
        booking.when = when_in_words(booking)  # type: ignore[attr-defined]
    return render(
        request,
        "bookings/my_bookings.html",
        {
            "upcoming": upcoming,
            "waiting": waiting,
            "past": past,
            "now": now,
            "check_in_now": check_in_now,
            "check_in_ids": {b.pk for b in check_in_now},
        },
    )


@login_required
def booking_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    now = timezone.now()
    is_booker = permissions.is_booker(request.user, booking)
    return render(
        request,
        "bookings/detail.html",
        {
            "booking": booking,
            "when": when_in_words(booking),
            "is_booker": is_booker,
            "can_cancel": permissions.may_cancel(request.user, booking, now=now),
            "can_move": permissions.move_refusal(request.user, booking, now=now) is None,
            "can_check_in": permissions.may_check_in(request.user, booking, now=now),
            "grace_minutes": int(booking.space.grace_period.total_seconds() // 60)
            if booking.space.grace_period
            else None,
            "can_manage": permissions.may_manage(request.user, booking.space.venue),
            "cancel_form": CancelForm(),
            "cancel_series_form": CancelSeriesForm() if booking.series_id else None,
            "price": price_in_words(booking),
            "fund_drawn": fund_drawn_in_words(booking),
            "history": booking_history(request.user, booking),
        },
    )


@require_POST
@login_required
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = booking_for(request.user, pk)
    back = next_url(request, booking.get_absolute_url())
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for error in form.errors["reason"]))
        return redirect(booking)
    try:
        cancel_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Cancelled: %(title)s, %(when)s.")
            % {"title": booking.title, "when": when_in_words(booking)},
        )
    return HttpResponseRedirect(back)


def _managed_booking(request: AuthenticatedHttpRequest, pk: int) -> Booking:
    if not permissions.manages_any_venue(request.user):
        raise Http404
    return booking_for(request.user, pk)


@require_POST
@login_required
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = _managed_booking(request, pk)
    back = next_url(request, reverse("bookings:requests"))
    try:
        approve_booking(booking=booking, by=request.user)
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Approved: %(title)s for %(booker)s, %(when)s.")
            % {"title": booking.title, "booker": booking.booker, "when": when_in_words(booking)},
        )
    return HttpResponseRedirect(back)


@require_POST
@login_required
def decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    booking = _managed_booking(request, pk)
    back = next_url(request, reverse("bookings:requests"))
    form = DeclineForm(request.POST)
    if not form.is_valid():
        errors = [str(error) for error in form.errors.get("reason", [])]
        return requests_page(request, decline_errors={booking.pk: errors})
    try:
        decline_booking(booking=booking, by=request.user, reason=form.cleaned_data["reason"])
    except BookingError as error:
        if error.field == "reason":
            return requests_page(request, decline_errors={booking.pk: [error.message]})
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Declined: %(title)s for %(booker)s. They have been told why.")
            % {"title": booking.title, "booker": booking.booker},
        )
    return HttpResponseRedirect(back)


@login_required
def change(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Move a booking (another time, or another space of its venue) and change what it says: the
    booker until it starts, its venue's managers too. A taken time is refused with the reason and
    the nearest free times and spaces."""
    booking = booking_for(request.user, pk)
    now = timezone.now()
    refusal = permissions.move_refusal(request.user, booking, now=now)
    if refusal:
        messages.error(request, refusal)
        return redirect(booking)
    form = ChangeBookingForm(request.POST or None, booking=booking)
    offer: tuple[list, list] = ([], [])
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # the notes with the rest, or nothing
                    changed = change_booking(
                        booking=booking,
                        by=request.user,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        space=data["space"],
                        title=data["title"],
                        purpose=data["purpose"],
                        activity=data["activity"],
                        attendees=data["attendees"],
                        now=now,
                    )
                    changed = change_booking_notes(
                        booking=changed,
                        by=request.user,
                        setup_notes=data["setup_notes"],
                        public_title=data["public_title"],
                    )
            except BookingError as error:
                form.add_service_error(error.field, error.message)
                # Other times help only when this one is taken (those refusals name no field).
                if error.field is None and data["ends_at"] > data["starts_at"]:
                    offer = alternatives(data["space"], data["starts_at"], data["ends_at"], now=now)
            else:
                text = _("Changed: %(title)s, %(when)s.") % {
                    "title": changed.title,
                    "when": when_in_words(changed),
                }
                if changed.status == Booking.Status.PENDING and booking.status != changed.status:
                    text += " " + _("The new time needs a manager's approval; it is held for you.")
                if changed.price is not None and changed.price != booking.price:
                    # A move is priced again under the lock (bookings.pricing): say what it is now.
                    text += " " + _("Its price is now %(price)s.") % {
                        "price": price_in_words(changed)
                    }
                messages.success(request, text)
                return redirect(changed)
        status = 400
    zone = booking.space.venue.zone
    times, spaces = offer
    return render(
        request,
        "bookings/change.html",
        {
            "booking": booking,
            "form": form,
            "venue": booking.space.venue,
            "is_booker": permissions.is_booker(request.user, booking),
            "other_times": [
                (slot.start.astimezone(zone), slot.end.astimezone(zone)) for slot in times
            ],
            "other_spaces": spaces,
        },
        status=status,
    )
