"""Stats pages for venue managers, and the open data of venues that publish their impact."""

import csv
from typing import Any

import tablib
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2.export import TableExport

from members import permissions
from members.http import configure_tables
from spaces.models import Space, Venue

from . import charts
from .disclosure import public_figures
from .figures import kind_labels
from .forms import ProxyValueForm
from .models import ProxyValue
from .occupancy import compute_stats, daily_rows
from .periods import (
    MAX_OPEN_DATA_DAYS,
    Period,
    PeriodForm,
    local_today,
    parse_open_data_range,
    period_containing,
)
from .tables import ProxyValueTable, build_tables
from .values import estimates

PERIOD_FIELDS = ("kind", "on", "start", "end")


def managed_venue(request: HttpRequest, venue_slug: str) -> Venue:
    """The venue, if the member manages it (or is a superuser); otherwise a 404, so others learn nothing."""
    return get_object_or_404(Venue.objects.managed_by(request.user), slug=venue_slug)


def _period_form(request: HttpRequest, venue: Venue, default_kind: str = "month") -> PeriodForm:
    """The period picker bound to the query string; without one, the month (or year) around today."""
    today = local_today(venue.zone, timezone.now())
    if any(name in request.GET for name in PERIOD_FIELDS):
        form = PeriodForm(request.GET, today=today)
        form.is_valid()
    else:
        form = PeriodForm(initial={"kind": default_kind, "on": today}, today=today)
        form.period = period_containing(default_kind, today)
    return form


def export_formats() -> list[str]:
    """The table export formats that work here: django-tables2 offers xlsx, ods, yaml and xls too,
    but tablib only writes them when their optional libraries are installed."""
    installed = {fmt.title for fmt in tablib.formats.registry.formats()}
    return [name for name in TableExport.FORMATS if name in installed]


def _stats_page(request: HttpRequest, venue: Venue, space: Space | None) -> HttpResponse:
    form = _period_form(request, venue)
    context: dict[str, Any] = {"venue": venue, "space": space, "form": form}
    if form.period is None:
        return render(request, "stats/stats.html", context, status=400)
    stats = compute_stats(venue, form.period, space=space, with_before=True)
    proxies = list(venue.proxy_values.all())
    tables = build_tables(stats, estimates(stats, proxies))
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
        tables=tables,
        charts=[
            charts.occupancy_by_month(stats),
            charts.hours_by_hirer_kind(stats, kind_labels()),
            charts.before_and_after(stats),
        ],
        busy_chart=charts.busy_hours(stats),
        print_mode=request.GET.get("print") == "1",
        report_date=local_today(venue.zone, timezone.now()),
        has_proxy_values=bool(proxies),
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
    form = _period_form(request, venue)
    if form.period is None:
        problems = [str(error) for errors in form.errors.values() for error in errors]
        return HttpResponseBadRequest(" ".join(problems), content_type="text/plain; charset=utf-8")
    rows = daily_rows(compute_stats(venue, form.period))
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
    rows = daily_rows(compute_stats(venue, period))
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
        "days": daily_rows(compute_stats(venue, period)),
    }
    return JsonResponse(
        payload, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False}
    )


def impact(request: HttpRequest, venue_slug: str) -> HttpResponse:
    """The public impact page: aggregated, disclosure-controlled figures only, when the venue opts in."""
    venue = get_object_or_404(Venue, slug=venue_slug)
    if not permissions.may_see_impact_page(request.user, venue):
        raise Http404(_("This venue does not publish an impact page."))
    form = _period_form(request, venue, default_kind="year")
    context: dict = {"venue": venue, "form": form}
    if form.period is None:
        return render(request, "stats/impact.html", context, status=400)
    figures = public_figures(compute_stats(venue, form.period, with_before=True))
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
