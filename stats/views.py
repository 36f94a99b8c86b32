"""Stats pages for venue managers, and the open data of venues that publish their impact."""

import csv
from datetime import date
from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_tables2.export import TableExport

from members import permissions
from members.http import configure_tables
from spaces.models import Space, Venue
from spaces.views import managed_venue

from . import charts
from .attendance import attendance_table, headline
from .cache import cached_stats
from .disclosure import public_figures
from .figures import kind_labels
from .forms import ProxyValueForm
from .models import ProxyValue
from .occupancy import daily_rows, first_recorded_day
from .periods import (
    MAX_OPEN_DATA_DAYS,
    DefaultPeriod,
    Period,
    PeriodForm,
    default_period,
    local_today,
    parse_open_data_range,
)
from .prices import summary
from .tables import ProxyValueTable, build_tables
from .values import estimates

PERIOD_FIELDS = ("kind", "on", "start", "end")


class PeriodChoice:
    """The period picker of a page, and, when the query string chose no period, the default and why."""

    def __init__(self, form: PeriodForm, default: DefaultPeriod | None, today: date) -> None:
        self.form = form
        self.default = default
        self.today = today

    @property
    def period(self) -> Period | None:
        return self.form.period

    @property
    def explanation(self) -> str:
        """The sentence saying which period is shown and why ('' for a period asked for)."""
        if self.default is None:
            return ""
        period = self.default.period
        if self.default.reason in {"months", "nothing_recorded"}:
            values = {"months": month_range(period)}
            if self.default.reason == "months":
                return _("Showing %(months)s, the last three complete months.") % values
            return (
                _(
                    "Showing %(months)s, the last three complete months: no booking is recorded before today yet, so only opening hours count."
                )
                % values
            )
        values = {
            "first": date_format(period.first, "j F Y"),
            "last": date_format(period.last, "j F Y"),
        }
        if self.default.reason == "since_opening":
            return (
                _(
                    "Showing %(first)s to %(last)s: every complete day since the venue opened for sharing."
                )
                % values
            )
        return (
            _("Showing %(first)s to %(last)s: every complete day since the first booking.") % values
        )

    @property
    def reaches_past_today(self) -> bool:
        """An asked-for period that includes today or later: its figures are not final."""
        return self.period is not None and self.period.last >= self.today


def month_range(period: Period) -> str:
    """ "September–November 2026", or "November 2026 – January 2027" across a new year."""
    if period.first.year == period.last.year:
        if period.first.month == period.last.month:
            return date_format(period.first, "F Y")
        return f"{date_format(period.first, 'F')}–{date_format(period.last, 'F Y')}"
    return f"{date_format(period.first, 'F Y')} – {date_format(period.last, 'F Y')}"


def _period_form(request: HttpRequest, venue: Venue, space: Space | None = None) -> PeriodChoice:
    """The period picker bound to the query string; without one, the most recent complete period
    with data (see default_period), shown in the picker as custom dates."""
    today = local_today(venue.zone, timezone.now())
    if any(name in request.GET for name in PERIOD_FIELDS):
        form = PeriodForm(request.GET, today=today)
        form.is_valid()
        return PeriodChoice(form, None, today)
    default = default_period(
        today=today,
        opened_on=venue.opened_for_sharing_on,
        first_booking_on=first_recorded_day(venue, space=space),
    )
    form = PeriodForm(
        initial={"kind": "custom", "start": default.period.first, "end": default.period.last},
        today=today,
    )
    form.period = default.period
    return PeriodChoice(form, default, today)


def export_formats() -> list[str]:
    """The table export formats that work here: django-tables2 offers xlsx, ods, yaml and xls too,
    but tablib only writes them when their optional libraries are installed."""
    installed = {fmt.title for fmt in tablib.formats.registry.formats()}
    return [name for name in TableExport.FORMATS if name in installed]


def _stats_page(request: HttpRequest, venue: Venue, space: Space | None) -> HttpResponse:
    choice = _period_form(request, venue, space)
    form = choice.form
    context: dict[str, Any] = {"venue": venue, "space": space, "form": form, "choice": choice}
    if form.period is None:
        return render(request, "stats/stats.html", context, status=400)
    stats = cached_stats(venue, form.period, space=space, with_before=True)
    proxies = list(venue.proxy_values.all())
    tables = build_tables(stats, estimates(stats, proxies))
    tables["attendance"] = attendance_table(venue, form.period, space=space)
    configure_tables(request, *tables.values(), per_page=None)
    export_format = request.GET.get("_export")
    if export_format is not None:
        name = request.GET.get("_table", "")
        formats = export_formats()
        if export_format not in formats or name not in tables:
            return HttpResponseBadRequest(
                _(
                    "Unknown export: choose _export= one of %(formats)s and _table= one of %(names)s."
                )
                % {"formats": ", ".join(formats), "names": ", ".join(tables)},
                content_type="text/plain; charset=utf-8",
            )
        prefix = space.slug if space else venue.slug
        filename = f"{prefix}-{name}-{form.period.first}-{form.period.last}.{export_format}"
        return TableExport(export_format, tables[name]).response(filename=filename)
    context.update(
        stats=stats,
        prices=summary(stats),
        tables=tables,
        charts=[
            chart
            for chart in (
                charts.occupancy_by_month(stats),
                charts.hours_by_hirer_kind(stats, kind_labels()) if stats.room_spaces else None,
                charts.hours_by_hirer_kind(stats, kind_labels(), desks=True)
                if stats.desk_pools
                else None,
                charts.before_and_after(stats),
            )
            if chart is not None
        ],
        busy_chart=charts.busy_hours(stats) if stats.room_spaces else None,
        desk_busy_chart=charts.busy_hours(stats, desks=True) if stats.desk_pools else None,
        print_mode=request.GET.get("print") == "1",
        report_date=local_today(venue.zone, timezone.now()),
        has_proxy_values=bool(proxies),
        realisation=headline(tables["attendance"]),
    )
    return render(request, "stats/stats.html", context)


@login_required
def venue_stats(request: HttpRequest, venue_slug: str) -> HttpResponse:
    return _stats_page(request, managed_venue(request, venue_slug), None)


@login_required
def space_stats(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    space = get_object_or_404(Space, venue=venue, slug=space_slug)
    return _stats_page(request, venue, space)


def _csv_response(rows: list[dict], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    fields = [
        "date",
        "space",
        "space_name",
        "seats",
        "open_hours",
        "booked_hours",
        "peak_booked_hours",
        "occupancy_percent",
    ]
    writer = csv.DictWriter(response, fieldnames=fields, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return response


@login_required
def daily_csv(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """The raw daily figures behind the venue's stats page, for the period picked there."""
    venue = managed_venue(request, venue_slug)
    form = _period_form(request, venue).form
    if form.period is None:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    rows = daily_rows(cached_stats(venue, form.period))
    return _csv_response(rows, f"{venue.slug}-daily-{form.period.first}-{form.period.last}.csv")


def _open_data(request: HttpRequest, venue_slug: str) -> tuple[Venue, Period] | HttpResponse:
    venue = get_object_or_404(Venue, slug=venue_slug)
    if not permissions.may_see_usage_data(request.user, venue):
        raise Http404(_("No published figures for this venue."))
    try:
        period = parse_open_data_range(
            request.GET.get("start"),
            request.GET.get("end"),
            today=local_today(venue.zone, timezone.now()),
        )
    except ValueError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    return venue, period


def usage_csv(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """Daily occupancy per space (hours only, no hirers): public when the venue publishes its impact."""
    found = _open_data(request, venue_slug)
    if isinstance(found, HttpResponse):
        return found
    venue, period = found
    rows = daily_rows(cached_stats(venue, period))
    return _csv_response(rows, f"{venue.slug}-usage-{period.first}-{period.last}.csv")


def usage_json(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """The same figures as usage.csv, as JSON."""
    found = _open_data(request, venue_slug)
    if isinstance(found, HttpResponse):
        return found
    venue, period = found
    payload = {
        "venue": venue.slug,
        "time_zone": venue.time_zone,
        "start": period.first,
        "end": period.last,
        "max_days": MAX_OPEN_DATA_DAYS,
        "definitions": _(
            "Open hours: opening hours minus closures. Booked hours: confirmed bookings clipped to open hours (seat-hours for desk pools). Occupancy: booked / (seats x open hours)."
        ),
        "days": daily_rows(cached_stats(venue, period)),
    }
    return JsonResponse(
        payload, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def impact(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """The public impact page: aggregated, disclosure-controlled figures only, when the venue opts in."""
    venue = get_object_or_404(Venue, slug=venue_slug)
    if not permissions.may_see_impact_page(request.user, venue):
        raise Http404(_("This venue does not publish an impact page."))
    choice = _period_form(request, venue)
    form = choice.form
    context: dict = {"venue": venue, "form": form, "choice": choice}
    if form.period is None:
        return render(request, "stats/impact.html", context, status=400)
    figures = public_figures(cached_stats(venue, form.period, with_before=True))
    context.update(figures=figures, charts=charts.public_charts(figures))
    return render(request, "stats/impact.html", context)


# A venue's own proxy values (manager-entered, with source and licence) ---------------------


@login_required
def proxy_values(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's proxy values, and a form to add one."""
    venue = managed_venue(request, venue_slug)
    form = ProxyValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        proxy = form.save(commit=False)
        proxy.venue, proxy.entered_by = venue, request.user
        proxy.save()
        messages.success(
            request,
            _("%(name)s added. Its estimate now shows on the stats page and in the funder report.")
            % {"name": proxy.name},
        )
        return redirect("stats:proxy_values", venue_slug=venue.slug)
    table = ProxyValueTable(venue.proxy_values.all())
    status = 400 if form.errors else 200
    return render(
        request,
        "stats/proxy_values.html",
        {"venue": venue, "form": form, "table": table},
        status=status,
    )


def _managed_proxy(request: HttpRequest, venue_slug: str, pk: int) -> ProxyValue:
    venue = managed_venue(request, venue_slug)
    return get_object_or_404(ProxyValue, venue=venue, pk=pk)


@login_required
def proxy_value_edit(request: HttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    proxy = _managed_proxy(request, venue_slug, pk)
    form = ProxyValueForm(request.POST or None, instance=proxy)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(name)s saved.") % {"name": proxy.name})
        return redirect("stats:proxy_values", venue_slug=proxy.venue.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "stats/proxy_value_edit.html",
        {"venue": proxy.venue, "proxy": proxy, "form": form},
        status=status,
    )


@login_required
def proxy_value_delete(request: HttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    proxy = _managed_proxy(request, venue_slug, pk)
    if request.method == "POST":
        proxy.delete()
        messages.success(request, _("%(name)s removed.") % {"name": proxy.name})
        return redirect("stats:proxy_values", venue_slug=proxy.venue.slug)
    return render(request, "stats/proxy_value_delete.html", {"venue": proxy.venue, "proxy": proxy})
