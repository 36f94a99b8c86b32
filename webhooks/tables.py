import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .forms import KIND_LABELS
from .models import WebhookDelivery, WebhookEndpoint


def _local(value, venue) -> str:
    return date_format(value.astimezone(venue.zone), "j M Y, H:i")


class EndpointsTable(tables.Table):
    """A venue's webhook endpoints, with their secret (to verify signatures) and actions."""

    labelled_by = "endpoints-heading"

    url = tables.Column(verbose_name=_("Address"))
    events = tables.Column(verbose_name=_("Told when"), orderable=False)
    status = tables.Column(verbose_name=_("Status"), accessor="active")
    created_at = tables.Column(verbose_name=_("Added"))
    actions = tables.TemplateColumn(
        template_name="webhooks/_endpoint_actions.html",
        verbose_name=_("Secret and actions"),
        orderable=False,
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "events", "status", "created_at")
        order_by = ("-created_at",)
        empty_text = _("No webhooks yet.")
        attrs = {"class": "webhooks-table"}

    def render_events(self, value) -> str:
        return "; ".join(str(KIND_LABELS.get(kind, kind)) for kind in value)

    def render_status(self, value) -> str:
        return str(_("Active") if value else _("Paused: events wait"))

    def render_created_at(self, value, record: WebhookEndpoint) -> str:
        return _local(value, record.venue)


class DeliveriesTable(tables.Table):
    """One endpoint's deliveries, newest first: when, what, how many tries, the last answer."""

    labelled_by = "deliveries-heading"

    created_at = tables.Column(verbose_name=_("When"))
    kind = tables.Column(verbose_name=_("Event"))
    event_id = tables.Column(verbose_name=_("Event id"), orderable=False)
    attempts = tables.Column(verbose_name=_("Attempts"))
    status = tables.Column(verbose_name=_("Status"))
    last_answer = tables.Column(
        verbose_name=_("Last answer"),
        accessor="last_status_code",
        orderable=False,
        empty_values=(),
    )

    again = tables.TemplateColumn(
        template_name="webhooks/_send_again.html", verbose_name=_("Action"), orderable=False
    )

    class Meta:
        model = WebhookDelivery
        fields = ("created_at", "kind", "event_id", "attempts", "status")
        order_by = ("-created_at",)
        empty_text = _("Nothing sent yet: events appear here as bookings change.")
        attrs = {"class": "deliveries-table"}

    def __init__(self, *args, venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.venue = venue

    def render_created_at(self, value) -> str:
        return _local(value, self.venue)

    def render_status(self, value, record: WebhookDelivery) -> str:
        if record.status == WebhookDelivery.Status.DELIVERED and record.delivered_at:
            return str(_("Delivered %(when)s") % {"when": _local(record.delivered_at, self.venue)})
        if record.status == WebhookDelivery.Status.PENDING and record.next_attempt_at:
            return str(
                _("Next try %(when)s") % {"when": _local(record.next_attempt_at, self.venue)}
            )
        if record.status == WebhookDelivery.Status.FAILED:
            return str(_("Gave up after %(n)d attempts") % {"n": record.attempts})
        return str(record.get_status_display())

    def render_last_answer(self, value, record: WebhookDelivery) -> str:
        if record.last_error:
            return record.last_error
        if value is None:
            return str(_("Not tried yet"))
        return str(value)
