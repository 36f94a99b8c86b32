"""The member's waiting lists on My bookings (django-tables2, like every table)."""

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import WaitlistEntry
from .tables import SpaceColumn, when_in_words


class WaitlistWhenColumn(tables.Column):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("When"))
        kwargs.setdefault("accessor", "starts_at")
        super().__init__(**kwargs)

    def render(self, record: WaitlistEntry) -> str:
        return when_in_words(record)


class WaitlistStateColumn(tables.Column):
    """Waiting, or offered with the time to claim it by (in the venue's zone)."""

    def render(self, record: WaitlistEntry) -> str:
        if record.state == WaitlistEntry.State.OFFERED and record.offer_expires_at is not None:
            until = date_format(
                record.offer_expires_at.astimezone(record.space.venue.zone), "D j M, H:i"
            )
            return format_html(
                '<span class="status status-offered">{}</span><br><span class="muted">{}</span>',
                _("Free: claim it"),
                _("until %(until)s") % {"until": until},
            )
        return format_html(
            '<span class="status status-waiting">{}</span><br><span class="muted">{}</span>',
            _("Waiting"),
            _("we email you if it comes free"),
        )


class WaitlistTable(tables.Table):
    labelled_by = "waiting-heading"
    when = WaitlistWhenColumn()
    title = tables.Column(verbose_name=_("Booking"))
    space = SpaceColumn()
    state = WaitlistStateColumn(verbose_name=_("Status"))
    actions = tables.TemplateColumn(
        template_code='{% include "bookings/_waitlist_actions.html" %}',
        verbose_name=_("Actions"),
        orderable=False,
    )

    class Meta:
        order_by = "when"
        per_page = 10
        empty_text = _("You are not waiting for anything.")
        attrs = {"class": "bookings-table waitlist-table"}
