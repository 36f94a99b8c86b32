"""The venue manager's pages for running a venue: the day of the whole venue, and closures."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import permissions
from members.http import AuthenticatedHttpRequest
from spaces.intervals import Interval
from spaces.models import Venue
from spaces.timezones import wall_time_to_utc
from spaces.views import managed_venue

from ..availability import venue_free_intervals
from ..checkin import no_show_counts
from ..closures import add_closure, bookings_hit
from ..grid import monday_of
from ..manage_forms import ClosureForm, OnBehalfForm
from ..models import Booking
from ..notes import change_booking_notes
from ..rules import BookingError
from ..services import request_booking
from ..tables import when_in_words

SERVICE_FIELDS = {"starts_at": "starts_time", "ends_at": "ends_time"}


def _day(request: AuthenticatedHttpRequest, venue: Venue) -> dt.date:
    today = timezone.now().astimezone(venue.zone).date()
    raw = request.GET.get("date", "")
    try:
        day = dt.date.fromisoformat(raw) if raw else today
    except ValueError:
        messages.warning(
            request,
            _("“%(date)s” is not a date like 2027-01-04, so here is today.") % {"date": raw[:40]},
        )
        return today
    if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
        messages.warning(
            request, _("Choose a date between the years 2000 and 2100; here is today.")
        )
        return today
    return day


@login_required
def venue_day(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Every space of the venue on one day: each booking with who booked it, for whom, what, how
    many and its status (requests marked), and the free time left. Managers only."""
    venue = managed_venue(request, venue_slug)
    day = _day(request, venue)
    window = Interval(
        wall_time_to_utc(day, dt.time(0), venue.zone),
        wall_time_to_utc(day + dt.timedelta(days=1), dt.time(0), venue.zone),
    )
    now = timezone.now()
    free = venue_free_intervals(venue, window, now=None)  # a manager may book at short notice
    # The no-shows too (marked): their time is free again, but the manager sees who missed it.
    bookings = list(
        Booking.objects.filter(
            space__venue=venue, status__in=(*Booking.ACTIVE_STATUSES, Booking.Status.NO_SHOW)
        )
        .between(window.start, window.end)
        .select_related("booker", "organisation", "space__venue", "checked_in_by")
        .order_by("starts_at")
    )
    no_shows = no_show_counts(
        venue_id=venue.pk, booker_ids={b.booker_id for b in bookings}, now=now
    )
    by_space: dict[int, list[Booking]] = {}
    for booking in bookings:
        # Answers of this page for bookings/manage/day.html, not fields of the model.
        answers = {
            "may_check_in": permissions.may_check_in(request.user, booking, now=now),
            "booker_no_shows": no_shows.get(booking.booker_id, 0),
        }
        for name, value in answers.items():
            setattr(booking, name, value)
        by_space.setdefault(booking.space_id, []).append(booking)
    columns = [
        {
            "space": space,
            "bookings": by_space.get(space.pk, []),
            "free": [
                (max(piece.start, now).astimezone(venue.zone), piece.end.astimezone(venue.zone))
                for piece in pieces
                if piece.end > now  # time already past is not free any more
            ],
        }
        for space, pieces in sorted(free.items(), key=lambda item: item[0].name)
    ]
    return render(
        request,
        "bookings/manage/day.html",
        {
            "venue": venue,
            "day": day,
            "columns": columns,
            "previous": day - dt.timedelta(days=1),
            "next": day + dt.timedelta(days=1),
            "pending": sum(b.status == Booking.Status.PENDING for b in bookings),
        },
    )


@login_required
def venue_week(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's week: a row per space, a column per day, each booking with its booker and
    status (requests marked), linking to the day. Managers only."""
    venue = managed_venue(request, venue_slug)
    monday = monday_of(_day(request, venue))
    days = [monday + dt.timedelta(days=n) for n in range(7)]
    window = Interval(
        wall_time_to_utc(days[0], dt.time(0), venue.zone),
        wall_time_to_utc(days[-1] + dt.timedelta(days=1), dt.time(0), venue.zone),
    )
    spaces = list(venue.spaces.filter(is_active=True).order_by("name"))
    cells: dict[tuple[int, dt.date], list[Booking]] = {}
    bookings = (
        Booking.objects.active()
        .filter(space__venue=venue)
        .between(window.start, window.end)
        .select_related("booker", "organisation")
        .order_by("starts_at")
    )
    for booking in bookings:
        local_day = booking.starts_at.astimezone(venue.zone).date()
        cells.setdefault((booking.space_id, max(local_day, days[0])), []).append(booking)
    rows = [
        {"space": space, "days": [cells.get((space.pk, day), []) for day in days]}
        for space in spaces
    ]
    return render(
        request,
        "bookings/manage/week.html",
        {
            "venue": venue,
            "days": days,
            "rows": rows,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
        },
    )


@login_required
def venue_closures(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Add a closure. Before it is saved the page lists the active bookings it would hit, and the
    manager chooses to cancel them (each booker is told) or keep them."""
    venue = managed_venue(request, venue_slug)
    now = timezone.now()
    form = ClosureForm(request.POST or None, venue=venue)
    hit: list[Booking] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            hit = list(
                bookings_hit(
                    venue=venue,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    space=data["space"],
                    now=now,
                )
            )
            seen = ",".join(str(b.pk) for b in hit)
            if hit and (not data["decision"] or data["seen"] != seen):
                # First the list, then the choice; asked again if the list changed meanwhile.
                chose_nothing = data["seen"] == seen
                form = ClosureForm({**request.POST.dict(), "seen": seen}, venue=venue)
                form.is_valid()
                if chose_nothing:
                    form.add_error(
                        "decision", _("Choose what happens to the bookings it would hit.")
                    )
                    status = 400
            else:
                try:
                    _closure, done = add_closure(
                        venue=venue,
                        by=request.user,
                        space=data["space"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        reason=data["reason"],
                        cancel_hit=data["decision"] == ClosureForm.CANCEL,
                        now=now,
                    )
                except BookingError as error:
                    form.add_error(
                        SERVICE_FIELDS.get(error.field or "", error.field), error.message
                    )
                    status = 400
                else:
                    if done and data["decision"] == ClosureForm.CANCEL:
                        text = ngettext(
                            "Closed, and %(count)d booking cancelled; its booker has been told why.",
                            "Closed, and %(count)d bookings cancelled; each booker has been told why.",
                            len(done),
                        )
                    elif done:
                        text = ngettext(
                            "Closed; %(count)d booking kept.",
                            "Closed; %(count)d bookings kept.",
                            len(done),
                        )
                    else:
                        text = _("Closed. No booking was affected.")
                    messages.success(request, text % {"count": len(done)})
                    return redirect("bookings:venue_closures", venue_slug=venue.slug)
        else:
            status = 400
    coming = venue.closures.filter(ends_at__gt=now).select_related("space").order_by("starts_at")
    return render(
        request,
        "bookings/manage/closures.html",
        {"venue": venue, "form": form, "hit": hit, "coming": coming},
        status=status,
    )


ON_BEHALF_FIELDS = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "organisation": "organisation",
}


@login_required
def book_on_behalf(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Book for a member who phoned or walked in: the same service and rules as their own
    booking, recorded as made by the manager, who may waive the notice and horizon."""
    venue = managed_venue(request, venue_slug)
    form = OnBehalfForm(request.POST or None, venue=venue)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # the notes with the booking, or nothing
                    booking = request_booking(
                        booker=data["email"],
                        space=data["space"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        title=data["title"],
                        purpose=data["purpose"],
                        attendees=data["attendees"],
                        organisation=data["organisation"],
                        membership=data["membership"],
                        made_by=request.user,
                        waive_notice_and_horizon=data["waive"],
                    )
                    change_booking_notes(
                        booking=booking,
                        by=request.user,
                        setup_notes=data["setup_notes"],
                        public_title=data["public_title"],
                    )
            except BookingError as error:
                field = ON_BEHALF_FIELDS.get(error.field or "", error.field)
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _(
                        "Booked for %(member)s: %(space)s, %(when)s. They have been sent the confirmation."
                    )
                    % {
                        "member": booking.booker,
                        "space": booking.space.name,
                        "when": when_in_words(booking),
                    },
                )
                return redirect(booking)
        status = 400
    return render(
        request, "bookings/manage/on_behalf.html", {"venue": venue, "form": form}, status=status
    )
