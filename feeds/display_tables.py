import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import DisplayLink


def _local(value, venue) -> str:
    return date_format(value.astimezone(venue.zone), "j M Y, H:i")


class DisplayLinksTable(tables.Table):
    """A venue's display links, live first, each with its address and a revoke button."""

    labelled_by = "links-heading"

    name = tables.Column(verbose_name=_("Screen"))
    created_at = tables.Column(verbose_name=_("Made"))
    last_used_at = tables.Column(verbose_name=_("Last shown"), default=_("Not yet"))
    status = tables.Column(
        verbose_name=_("Status"), accessor="revoked_at", orderable=False, default=_("Live")
    )
    actions = tables.TemplateColumn(
        template_name="feeds/_display_link_actions.html",
        verbose_name=_("Address and actions"),
        orderable=False,
    )

    class Meta:
        model = DisplayLink
        fields = ("name", "created_at", "last_used_at")
        order_by = ("-created_at",)
        empty_text = _("No display links yet.")
        attrs = {"class": "display-links-table"}
        row_attrs = {"class": lambda record: "" if record.is_live else "booking-cancelled"}

    def render_created_at(self, value, record: DisplayLink) -> str:
        return _local(value, record.venue)

    def render_last_used_at(self, value, record: DisplayLink) -> str:
        return _local(value, record.venue)

    def render_status(self, value, record: DisplayLink) -> str:
        return str(_("Revoked %(when)s") % {"when": _local(value, record.venue)})

    def value_status(self, value, record: DisplayLink) -> str:
        return self.render_status(value, record)
