"""Finding a space: the venues with their spaces (and the "free then" filter), and a space's week."""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spaces.forms import SpaceFilterForm
from spaces.intervals import Interval
from spaces.lookup import space_by_slugs
from spaces.models import Space, Venue
from spaces.rules import space_rules
from spaces.timezones import NonexistentLocalTime, resolve_local

from ..availability import free_intervals, prefetch
from ..grid import (
    build_week_grid,
    local_today,
    monday_of,
    parse_wanted,
    parse_week,
    wanted_query,
)


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
    carried = ""  # the wanted time, carried by the links to each space and on to its booking form
    matching: Iterable[Space] = spaces
    if form.is_bound and form.is_valid():
        filtering = any(value not in (None, "", False) for value in form.cleaned_data.values())
        matching = spaces = form.filter_spaces(spaces)
        wanted = form.wanted_time()
        if wanted:
            now = timezone.now()
            matching = _free_for_whole_time(list(spaces), wanted, now)
            carried = wanted_query(wanted)
    elif form.is_bound:
        messages.error(
            request, _("Some of the filters could not be used: see the notes by the form.")
        )
    venues = Venue.objects.order_by("name")
    spaces_by_venue: dict[int, list[Space]] = {}
    for space in matching:
        spaces_by_venue.setdefault(space.venue_id, []).append(space)
    listed = [
        (venue, spaces_by_venue.get(venue.pk, []))
        for venue in venues
        if not filtering or spaces_by_venue.get(venue.pk)
    ]
    count = sum(len(found) for _venue, found in listed)
    return render(
        request,
        "bookings/venue_list.html",
        {
            "form": form,
            "venues": listed,
            "filtering": filtering,
            "count": count,
            "wanted_query": carried,
        },
    )


def space_detail(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    space = space_by_slugs(venue_slug, space_slug)
    now = timezone.now()
    today = local_today(space, now)
    wanted = parse_wanted(request.GET.get("start"), request.GET.get("end"))
    # Coming from the "free then" filter: open on the week of the time asked for.
    week = request.GET.get("week") or (wanted[0].date().isoformat() if wanted else None)
    monday, understood = parse_week(week, today=today)
    if not understood:
        messages.warning(
            request,
            _("“%(week)s” is not a date like 2027-01-04, so here is this week.")
            % {"week": request.GET.get("week", "")[:40]},
        )
    member = request.user if request.user.is_authenticated else None
    grid = build_week_grid(space, monday, now=now, member=member)
    book_url = reverse(
        "bookings:book", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
    )
    return render(
        request,
        "bookings/space_detail.html",
        {
            "venue": space.venue,
            "space": space,
            "grid": grid,
            "this_monday": monday_of(today),
            "rules": space_rules(space),
            "other_zone": space.venue.time_zone != settings.TIME_ZONE,
            "wanted": wanted,
            # Kept by the week links, and given to the booking form to pre-fill.
            "keep": f"&{wanted_query(wanted)}" if wanted else "",
            "book_url": book_url,
            "wanted_book_url": f"{book_url}?{wanted_query(wanted)}" if wanted else "",
        },
    )
