"""A venue's webhooks, on its managers' pages: add, pause, resume, delete, and each one's log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.models import Venue
from spaces.views import managed_venue

from .forms import EndpointForm
from .models import WebhookEndpoint
from .services import (
    WebhookError,
    add_endpoint,
    delete_endpoint,
    send_again,
    set_endpoint_active,
)
from .tables import DeliveriesTable, EndpointsTable


def _endpoint(venue: Venue, pk: int) -> WebhookEndpoint:
    return get_object_or_404(venue.webhook_endpoints.select_related("venue"), pk=pk)


@login_required
def endpoints(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's webhooks and the form to add one."""
    venue = managed_venue(request, venue_slug)
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = add_endpoint(
                venue=venue,
                by=request.user,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
            )
        except WebhookError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(
                request,
                _(
                    "Webhook added: %(url)s. Copy its secret below to check the signature "
                    "of what it receives."
                )
                % {"url": endpoint.url},
            )
            return redirect("webhooks:endpoints", venue_slug=venue.slug)
    table = EndpointsTable(venue.webhook_endpoints.select_related("venue"))
    configure_tables(request, table, per_page=25)
    status = 400 if form.errors else 200
    return render(
        request,
        "webhooks/endpoints.html",
        {"venue": venue, "form": form, "table": table},
        status=status,
    )


@login_required
@require_POST
def pause(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    return _set_active(request, venue_slug, pk, active=False)


@login_required
@require_POST
def resume(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    return _set_active(request, venue_slug, pk, active=True)


def _set_active(
    request: AuthenticatedHttpRequest, venue_slug: str, pk: int, *, active: bool
) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    endpoint = _endpoint(venue, pk)
    try:
        set_endpoint_active(endpoint=endpoint, by=request.user, active=active)
    except WebhookError as error:
        messages.warning(request, error.message)
    else:
        done = (
            _("%(url)s resumed: the events that waited are sent within minutes.")
            if active
            else _("%(url)s paused: its events wait until you resume it.")
        )
        messages.success(request, done % {"url": endpoint.url})
    return redirect("webhooks:endpoints", venue_slug=venue.slug)


@login_required
@require_POST
def delete(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    endpoint = _endpoint(venue, pk)
    try:
        delete_endpoint(endpoint=endpoint, by=request.user)
    except WebhookError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, _("%(url)s deleted, with its log.") % {"url": endpoint.url})
    return redirect("webhooks:endpoints", venue_slug=venue.slug)


@login_required
@require_POST
def send_again_view(
    request: AuthenticatedHttpRequest, venue_slug: str, pk: int, delivery_pk: int
) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    endpoint = _endpoint(venue, pk)
    delivery = get_object_or_404(
        endpoint.deliveries.select_related("endpoint__venue"), pk=delivery_pk
    )
    try:
        send_again(delivery=delivery, by=request.user)
    except WebhookError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request, _("Sending %(kind)s again, with the same event id.") % {"kind": delivery.kind}
        )
    return redirect("webhooks:deliveries", venue_slug=venue.slug, pk=endpoint.pk)


@login_required
def deliveries(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    """One webhook's delivery log, newest first."""
    venue = managed_venue(request, venue_slug)
    endpoint = _endpoint(venue, pk)
    table = DeliveriesTable(endpoint.deliveries.all(), venue=venue)
    configure_tables(request, table, per_page=50)
    return render(
        request,
        "webhooks/deliveries.html",
        {"venue": venue, "endpoint": endpoint, "table": table},
    )
