from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .availability import free_intervals, prefetch
from .forms import SpaceFilterForm
from .grid import build_week_grid, duration_in_words, local_today, monday_of, parse_week
from .intervals import Interval
from .models import Space, Venue
from .tables import OpeningHoursTable
from .timezones import NonexistentLocalTime, resolve_local


def space_rules(space: Space) -> list[str]:
    """The space's booking rules as sentences a member can read."""
    rules = [
        _("Bookings last from %(min)s to %(max)s.")
        % {
            "min": duration_in_words(space.min_duration),
            "max": duration_in_words(space.max_duration),
        },
        _("Bookings start and end on steps of %(step)s (e.g. 10:00, 10:30).")
        % {"step": duration_in_words(space.slot_step)},
        _("Book at least %(notice)s ahead.") % {"notice": duration_in_words(space.min_notice)}
        if space.min_notice
        else _("You can book up to the last minute."),
        _("You can book up to %(horizon)s ahead.") % {"horizon": duration_in_words(space.horizon)},
    ]
    if space.buffer_after:
        rules.append(
            _("%(buffer)s is kept free after each booking.")
            % {"buffer": duration_in_words(space.buffer_after)}
        )
    if space.requires_approval:
        rules.append(
            _("A venue manager approves each booking; your time is held while they decide.")
        )
    else:
        rules.append(_("Bookings are confirmed straight away."))
    if space.is_desk_pool:
        rules.append(_("%(seats)d desks: each booking takes one.") % {"seats": space.seats})
    return rules


def _free_for_whole_time(
    spaces: list[Space], wanted: tuple[datetime, datetime], now: datetime
) -> list[Space]:
    """The spaces free for the whole wanted wall-clock time (in each venue's zone): 4 queries."""
    windows: dict[int, Interval] = {}
    for space in spaces:
        try:
            start = resolve_local(wanted[0], space.venue.zone).instant
            end = resolve_local(wanted[1], space.venue.zone).instant
        except NonexistentLocalTime:
            continue
        if end > start:
            windows[space.pk] = Interval(start, end)
    if not windows:
        return []
    span = Interval(
        min(window.start for window in windows.values()),
        max(window.end for window in windows.values()),
    )
    candidates = [space for space in spaces if space.pk in windows]
    known = prefetch(candidates, span)
    return [
        space
        for space in candidates
        if any(
            free.contains(windows[space.pk])
            for free in free_intervals(space, windows[space.pk], now=now, known=known)
        )
    ]


def venue_list(request: HttpRequest) -> HttpResponse:
    form = SpaceFilterForm(request.GET or None)
    spaces = (
        Space.objects.filter(is_active=True).select_related("venue").order_by("venue__name", "name")
    )
    filtering = False
    if form.is_bound and form.is_valid():
        filtering = any(value not in (None, "", False) for value in form.cleaned_data.values())
        spaces = form.filter_spaces(spaces)
        wanted = form.wanted_time()
        if wanted:
            now = timezone.now()
            spaces = _free_for_whole_time(list(spaces), wanted, now)
    elif form.is_bound:
        messages.error(
            request, _("Some of the filters could not be used: see the notes by the form.")
        )
    venues = Venue.objects.order_by("name")
    spaces_by_venue: dict[int, list[Space]] = {}
    for space in spaces:
        spaces_by_venue.setdefault(space.venue_id, []).append(space)
    listed = [
        (venue, spaces_by_venue.get(venue.pk, []))
        for venue in venues
        if not filtering or spaces_by_venue.get(venue.pk)
    ]
    count = sum(len(found) for _venue, found in listed)
    return render(
        request,
        "spaces/venue_list.html",
        {"form": form, "venues": listed, "filtering": filtering, "count": count},
    )


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
            "is_manager": venue.is_managed_by(request.user),
            "other_zone": venue.time_zone != settings.TIME_ZONE,
        },
    )


def space_detail(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    space = get_object_or_404(
        Space.objects.select_related("venue"), venue__slug=venue_slug, slug=space_slug
    )
    now = timezone.now()
    today = local_today(space, now)
    monday, understood = parse_week(request.GET.get("week"), today=today)
    if not understood:
        messages.warning(
            request,
            _("“%(week)s” is not a date like 2027-01-04, so here is this week.")
            % {"week": request.GET.get("week", "")[:40]},
        )
    grid = build_week_grid(space, monday, now=now)
    return render(
        request,
        "spaces/space_detail.html",
        {
            "venue": space.venue,
            "space": space,
            "grid": grid,
            "this_monday": monday_of(today),
            "rules": space_rules(space),
            "other_zone": space.venue.time_zone != settings.TIME_ZONE,
        },
    )
