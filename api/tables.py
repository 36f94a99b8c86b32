import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from .models import ApiToken


def _when(value) -> str:
    return date_format(value, "j M Y, H:i") if value else ""


class ApiTokensTable(tables.Table):
    """A member's API tokens, newest first, each with what it may do and a revoke button."""

    labelled_by = "tokens-heading"

    name = tables.Column(verbose_name=_("Name"))
    start = tables.Column(verbose_name=_("Begins"), orderable=False)
    read_only = tables.Column(verbose_name=_("Access"), orderable=False)
    created_at = tables.Column(verbose_name=_("Made"))
    expires_at = tables.Column(verbose_name=_("Expires"), default=_("Never"))
    last_used_at = tables.Column(verbose_name=_("Last used"), default=_("Not yet"))
    actions = tables.TemplateColumn(
        template_name="api/_token_actions.html", verbose_name=_("Status"), orderable=False
    )

    class Meta:
        model = ApiToken
        fields = ("name", "start", "read_only", "created_at", "expires_at", "last_used_at")
        order_by = ("-created_at",)
        empty_text = _("No API tokens yet.")
        row_attrs = {"class": lambda record: "" if record.is_live() else "booking-cancelled"}

    def render_start(self, value) -> str:
        return f"{value}…"

    def render_read_only(self, value) -> str:
        return str(_("Read only")) if value else str(_("Read and change"))

    def render_created_at(self, value) -> str:
        return _when(value)

    def render_expires_at(self, value) -> str:
        return _when(value)

    def render_last_used_at(self, value) -> str:
        return _when(value)
