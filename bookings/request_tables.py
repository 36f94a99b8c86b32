"""The tables of the managers' requests page (bookings/views/requests.py). The pending rows are
the Bookings of bookings.requests.pending_requests, carrying `history`, `clashes`,
`can_approve`, and from the view `decline_errors` and `ticked`: every column reads what the row
already holds, so the table costs no query per row."""

import django_tables2 as tables
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Booking
from .tables import (
    BookerColumn,
    ExpiresColumn,
    SpaceColumn,
    StatusColumn,
    WhenColumn,
    when_in_words,
)

# The tick of each row belongs to the form below the table (form="bulk-decide"): each row's own
# Approve and Decline are forms of their own, and forms cannot nest.
TICK = (
    '{% load i18n %}<input type="checkbox" name="selected" value="{{ record.pk }}" '
    'id="tick-{{ record.pk }}" form="bulk-decide"{% if record.ticked %} checked{% endif %}> '
    '<label for="tick-{{ record.pk }}"><span class="visually-hidden">'
    "{% if record.series_id %}{% blocktrans with title=record.title %}Choose the series "
    "{{ title }}, every waiting date{% endblocktrans %}"
    "{% else %}{% blocktrans with title=record.title %}Choose {{ title }}{% endblocktrans %}"
    "{% endif %}</span></label>"
)


class RequesterColumn(tables.Column):
    """The organisation the request is for (name, kind, org-id), or "Themselves"."""

    def render(self, record: Booking) -> str:
        organisation = record.organisation
        assert organisation is not None  # otherwise django-tables2 renders the default
        org_id = (
            format_html('<br><span class="muted">{}</span>', organisation.org_id)
            if organisation.org_id
            else ""
        )
        return format_html(
            '{}<br><span class="muted">{}</span>{}',
            organisation.name,
            organisation.get_kind_display(),
            org_id,
        )


class HistoryColumn(tables.Column):
    """The requester's last 12 months at this venue (bookings.requests.History)."""

    def render(self, record: Booking) -> str:
        history = record.history  # type: ignore[attr-defined]
        lines = [
            ngettext("%(count)d confirmed", "%(count)d confirmed", history.confirmed)
            % {"count": history.confirmed},
            ngettext(
                "%(count)d cancelled by them", "%(count)d cancelled by them", history.cancelled
            )
            % {"count": history.cancelled},
            ngettext("%(count)d declined", "%(count)d declined", history.declined)
            % {"count": history.declined},
        ]
        if history.no_shows is not None:
            lines.append(
                ngettext("%(count)d no-show", "%(count)d no-shows", history.no_shows)
                % {"count": history.no_shows}
            )
        return format_html(
            '<ul class="history">{}</ul>',
            format_html_join("", "<li>{}</li>", ((line,) for line in lines)),
        )


class ClashesColumn(tables.Column):
    """The other waiting requests for the same room at overlapping times: while both wait,
    neither can be approved, so one has to be declined first."""

    def render(self, record: Booking) -> str:
        clashes = record.clashes  # type: ignore[attr-defined]
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {})</li>',
            (
                (other.get_absolute_url(), other.title, str(other.booker), when_in_words(other))
                for other in clashes
            ),
        )
        return format_html(
            '<p class="clash"><strong>{}</strong> {}</p><ul class="clashes">{}</ul>',
            _("Clash:"),
            ngettext(
                "it overlaps this request; neither can be approved until one is declined.",
                "it overlaps these requests; none can be approved until the others are declined.",
                len(clashes),
            ),
            items,
        )


class RequestsTable(tables.Table):
    """Pending requests of the venues a manager runs: who asks and how they have booked here,
    clashes, and the decision (one by one, or ticked for the form of several)."""

    labelled_by = "pending-heading"

    tick = tables.TemplateColumn(
        template_code=TICK, verbose_name=_("Choose"), orderable=False, accessor="pk"
    )
    when = WhenColumn()
    space = SpaceColumn()
    title = tables.Column(verbose_name=_("Booking"))
    booker = BookerColumn(
        verbose_name=_("Booker"), order_by=("booker__display_name", "booker__email")
    )
    organisation = RequesterColumn(
        verbose_name=_("For"), order_by=("organisation__name",), default=_("Themselves")
    )
    history = HistoryColumn(
        verbose_name=_("Here in the last 12 months"), accessor="pk", orderable=False
    )
    clashes = ClashesColumn(
        verbose_name=_("Clashes"),
        accessor="clashes",
        orderable=False,
        default=_("None"),
        empty_values=(None, "", []),
    )
    attendees = tables.Column(verbose_name=_("People"))
    expires = ExpiresColumn()
    actions = tables.TemplateColumn(
        template_code='{% include "bookings/_decide_buttons.html" %}',
        verbose_name=_("Decision"),
        orderable=False,
    )

    def render_title(self, record: Booking) -> str:
        """The title (a link to the booking) and its purpose."""
        purpose = (
            format_html('<br><span class="muted">{}</span>', record.purpose)
            if record.purpose
            else ""
        )
        return format_html(
            '<a href="{}">{}</a>{}', record.get_absolute_url(), record.title, purpose
        )

    class Meta:
        order_by = "when"
        per_page = 20
        empty_text = _("No requests are waiting for a decision.")
        attrs = {"class": "requests-table"}
        row_attrs = {"class": lambda record: "request-clash" if record.clashes else ""}


class DecidedTable(tables.Table):
    """Requests decided recently, newest decision first."""

    labelled_by = "decided-heading"

    when = WhenColumn()
    space = SpaceColumn()
    booker = BookerColumn(
        verbose_name=_("Booker"), order_by=("booker__display_name", "booker__email")
    )
    title = tables.Column(verbose_name=_("Booking"), linkify=True)
    status = StatusColumn(verbose_name=_("Status"))
    # Nobody decided a request that expired (bookings.expiry).
    decided_by = tables.Column(verbose_name=_("Decided by"), default=_("Nobody: it expired"))
    decided_at = tables.DateTimeColumn(verbose_name=_("Decided on"), format="j M Y H:i")
    decision_reason = tables.Column(verbose_name=_("Reason"), orderable=False, default="—")

    class Meta:
        order_by = "-decided_at"
        per_page = 20
        empty_text = _("Nothing decided in the last 30 days.")
        attrs = {"class": "decided-table"}
