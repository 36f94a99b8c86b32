"""The tables of the managers' requests page (bookings/views/requests.py). The pending rows are
the Bookings of bookings.requests.pending_requests, carrying `history`, `clashes`,
`can_approve`, and from the view `decline_errors` and `ticked`: every column reads what the row
already holds, so the table costs no query per row."""

import django_tables2 as tables
from django.utils.formats import date_format
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
    """Who asks (name, email) and the organisation it is for (name, kind, org-id), if any."""

    def render(self, record: Booking) -> str:
        booker = format_html(
            '{}<br><span class="muted">{}</span>', str(record.booker), record.booker.email
        )
        organisation = record.organisation
        if organisation is None:
            return format_html('{}<br><span class="muted">{}</span>', booker, _("For themselves"))
        details = [str(organisation.get_kind_display())]
        if organisation.org_id:
            details.append(organisation.org_id)
        return format_html(
            '{}<br>{} <span class="muted">({})</span>',
            booker,
            _("For %(organisation)s") % {"organisation": organisation.name},
            ", ".join(details),
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


def _short_when(booking: Booking) -> str:
    """'Thu 17 Dec, 11:00–13:00' in the venue's zone."""
    zone = booking.space.venue.zone
    starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    return f"{date_format(starts, 'D j M, H:i')}–{date_format(ends, 'H:i')}"


class ClashesColumn(tables.Column):
    """The other waiting requests for the same room at overlapping times: while both wait,
    neither can be approved, so one has to be declined first."""

    def render(self, record: Booking) -> str:
        clashes = record.clashes  # type: ignore[attr-defined]
        items = format_html_join(
            "",
            '<li><a href="{}">{}</a> <span class="muted">({}, {})</span></li>',
            (
                (other.get_absolute_url(), other.title, str(other.booker), _short_when(other))
                for other in clashes
            ),
        )
        return format_html(
            '<div class="clash"><strong>{}</strong><ul>{}</ul><p>{}</p></div>',
            ngettext("Clashes with", "Clashes with", len(clashes)),
            items,
            ngettext(
                "Neither can be approved until one is declined.",
                "None can be approved until the others are declined.",
                len(clashes),
            ),
        )


class RequestsTable(tables.Table):
    """Pending requests of the venues a manager runs: who asks and how they have booked here,
    clashes, and the decision (one by one, or ticked for the form of several)."""

    labelled_by = "pending-heading"

    tick = tables.TemplateColumn(
        template_code=TICK, verbose_name=_("Choose"), orderable=False, accessor="pk"
    )
    when = WhenColumn()
    title = tables.Column(verbose_name=_("Booking and space"), order_by=("title",))
    booker = RequesterColumn(
        verbose_name=_("Asked by"), order_by=("booker__display_name", "booker__email")
    )
    history = HistoryColumn(verbose_name=_("Here, last 12 months"), accessor="pk", orderable=False)
    clashes = ClashesColumn(
        verbose_name=_("Clashes"),
        accessor="clashes",
        orderable=False,
        default=_("None"),
        empty_values=(None, "", []),
    )
    expires = ExpiresColumn()
    actions = tables.TemplateColumn(
        template_code='{% include "bookings/_decide_buttons.html" %}',
        verbose_name=_("Decision"),
        orderable=False,
    )

    def render_title(self, record: Booking) -> str:
        """The title (a link to the booking), the space and venue, its purpose, how many
        people, and whether it is a series (one column: the page has many)."""
        space = format_html(
            '<br><a href="{}">{}</a>, {}',
            record.space.get_absolute_url(),
            record.space.name,
            record.space.venue.name,
        )
        lines = [record.purpose] if record.purpose else []
        lines.append(
            ngettext("%(count)d person", "%(count)d people", record.attendees)
            % {"count": record.attendees}
        )
        if record.series_id is not None:
            waiting = record.series_waiting  # type: ignore[attr-defined]
            lines.append(
                ngettext("A series: %(count)d date", "A series: %(count)d dates", waiting)
                % {"count": waiting}
            )
        return format_html(
            '<a href="{}">{}</a>{}{}',
            record.get_absolute_url(),
            record.title,
            space,
            format_html_join("", '<br><span class="muted">{}</span>', ((line,) for line in lines)),
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
