import django_tables2 as tables
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.timesince import timeuntil
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Booking, WaitlistEntry
from .price_words import price_in_words


def when_in_words(booking: Booking | WaitlistEntry) -> str:
    """'Tue 5 Jan 2027, 10:00–11:00' in the venue's own zone, naming the zone when it is not ours."""
    zone = booking.space.venue.zone
    starts, ends = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    end_format = "H:i" if starts.date() == ends.date() else "D j M H:i"
    text = f"{date_format(starts, 'D j M Y, H:i')}–{date_format(ends, end_format)}"
    if booking.space.venue.time_zone != settings.TIME_ZONE:
        text += f" ({booking.space.venue.time_zone})"
    return text


class WhenColumn(tables.Column):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("When"))
        kwargs.setdefault("accessor", "starts_at")
        super().__init__(**kwargs)

    def render(self, record: Booking) -> str:
        return when_in_words(record)


class StatusColumn(tables.Column):
    def render(self, record: Booking) -> str:
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )


class SpaceColumn(tables.Column):
    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("Space"))
        kwargs.setdefault("accessor", "space__name")
        kwargs.setdefault("order_by", ("space__venue__name", "space__name"))
        super().__init__(**kwargs)

    def render(self, record: Booking) -> str:
        return format_html(
            '<a href="{}">{}</a><br><span class="muted">{}</span>',
            record.space.get_absolute_url(),
            record.space.name,
            record.space.venue.name,
        )


# The action columns include their template from inline code so that it renders inside the page's
# context; a template_name would re-run every context processor (and its queries) once per row.
# `labelled_by` is the id of the page's heading that names the table and its scroll region
# (templates/django_tables2/table.html), so that no two regions on a page share a name.


class PriceColumn(tables.Column):
    """The stored price and what paid it (bookings.price_words); bookings made before prices
    show the column's default."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("Price"))
        kwargs.setdefault("accessor", "price")
        kwargs.setdefault("default", "—")
        super().__init__(**kwargs)

    def render(self, record: Booking) -> str:
        return price_in_words(record) or "—"


class MyBookingsTable(tables.Table):
    labelled_by = "upcoming-heading"
    when = WhenColumn()
    title = tables.Column(verbose_name=_("Booking"), linkify=True)
    space = SpaceColumn()
    price = PriceColumn()
    status = StatusColumn(verbose_name=_("Status"))
    actions = tables.TemplateColumn(
        template_code=(
            '{% include "bookings/_check_in_button.html" %}'
            '{% include "bookings/_cancel_button.html" %}'
        ),
        verbose_name=_("Actions"),
        orderable=False,
    )

    class Meta:
        order_by = "when"
        per_page = 10
        empty_text = _("Nothing here yet.")
        attrs = {"class": "bookings-table"}
        # Cancelled and declined rows are greyed and struck through; the Status column says why.
        row_attrs = {"class": lambda record: "" if record.is_active else f"booking-{record.status}"}


class PastBookingsTable(MyBookingsTable):
    labelled_by = "past-heading"

    class Meta(MyBookingsTable.Meta):
        order_by = "-when"
        exclude = ("actions",)


class BookerColumn(tables.Column):
    def render(self, record: Booking) -> str:
        shown = format_html(
            '{}<br><span class="muted">{}</span>', str(record.booker), record.booker.email
        )
        # The manager's bookings list counts the booker's recent no-shows (bookings.checkin).
        no_shows = getattr(record, "booker_no_shows", 0)
        if no_shows:
            words = ngettext(
                "%(count)d no-show in 90 days", "%(count)d no-shows in 90 days", no_shows
            ) % {"count": no_shows}
            shown = format_html("{}<br><strong>{}</strong>", shown, words)
        return shown


class OrganisationColumn(tables.Column):
    def render(self, record: Booking) -> str:
        organisation = record.organisation
        # django-tables2 renders the column's default ("Themselves") instead when there is none.
        assert organisation is not None
        return format_html(
            '{}<br><span class="muted">{}</span>',
            organisation.name,
            organisation.get_kind_display(),
        )


class ExpiresColumn(tables.Column):
    """When a pending request expires if not decided, in the venue's zone, and how soon."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("verbose_name", _("Decide by"))
        kwargs.setdefault("accessor", "expires_at")
        kwargs.setdefault("default", "—")
        super().__init__(**kwargs)

    def render(self, record: Booking) -> str:
        assert record.expires_at is not None
        local = record.expires_at.astimezone(record.space.venue.zone)
        return format_html(
            '{}<br><span class="muted">{}</span>',
            date_format(local, "D j M, H:i"),
            _("expires in %(time)s") % {"time": timeuntil(record.expires_at, depth=1)}
            if record.expires_at > timezone.now()
            else _("expiring now"),
        )


def spreadsheet_safe(text: str) -> str:
    """`text` for a CSV cell: one a spreadsheet would run as a formula (=, +, -, @) is quoted."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class VenueBookingsTable(tables.Table):
    """Every booking of one venue, for its managers; exported as CSV with the same filter. Build it
    on a queryset with `space__venue`, `booker` and `organisation` selected, so rows cost no query."""

    labelled_by = "bookings-heading"

    when = WhenColumn()
    space = tables.Column(verbose_name=_("Space"), accessor="space__name")
    title = tables.Column(verbose_name=_("Booking"), linkify=True)
    booker = BookerColumn(
        verbose_name=_("Booker"), order_by=("booker__display_name", "booker__email")
    )
    organisation = OrganisationColumn(
        verbose_name=_("For"), order_by=("organisation__name",), default=_("Themselves")
    )
    attendees = tables.Column(verbose_name=_("People"))
    status = StatusColumn(verbose_name=_("Status"))
    statement = tables.Column(
        verbose_name=_("Statement"), empty_values=(), orderable=False, exclude_from_export=True
    )
    # Only in the CSV: the times as a spreadsheet can sort them, and the booker's address.
    starts = tables.Column(verbose_name=_("Starts (local)"), accessor="starts_at", visible=False)
    ends = tables.Column(verbose_name=_("Ends (local)"), accessor="ends_at", visible=False)
    booker_email = tables.Column(
        verbose_name=_("Booker's email"), accessor="booker__email", visible=False
    )

    class Meta:
        order_by = "when"
        per_page = 25
        empty_text = _("No bookings match.")
        attrs = {"class": "bookings-table venue-bookings-table"}
        row_attrs = {"class": lambda record: "" if record.is_active else f"booking-{record.status}"}

    def _local(self, record: Booking, moment) -> str:
        return moment.astimezone(record.space.venue.zone).strftime("%Y-%m-%d %H:%M")

    def render_statement(self, record: Booking) -> str:
        """The monthly statement the booking is on (its month in the venue's zone): the
        organisation's, or the booker's own."""
        month = record.starts_at.astimezone(record.space.venue.zone).strftime("%Y-%m")
        if record.organisation is not None:
            url = reverse(
                "bookings:organisation_statement",
                args=[record.organisation.slug, record.space.venue.slug, month],
            )
            label = _("Statement of %(holder)s for %(month)s")
            holder = record.organisation.name
        else:
            url = reverse(
                "bookings:member_statement", args=[record.space.venue.slug, record.booker_id, month]
            )
            label = _("Statement of %(holder)s for %(month)s")
            holder = str(record.booker)
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            url,
            label % {"holder": holder, "month": month},
            _("Statement"),
        )

    def value_starts(self, record: Booking) -> str:
        return self._local(record, record.starts_at)

    def value_ends(self, record: Booking) -> str:
        return self._local(record, record.ends_at)

    def value_title(self, record: Booking) -> str:
        return spreadsheet_safe(record.title)

    def value_booker(self, record: Booking) -> str:
        return spreadsheet_safe(str(record.booker))

    def value_organisation(self, record: Booking) -> str:
        return spreadsheet_safe(record.organisation.name) if record.organisation else ""

    def value_status(self, record: Booking) -> str:
        return str(record.get_status_display())


class SeriesDatesTable(tables.Table):
    """The preview of a series: every date, free or skipped and why (rows are bookings.series.SeriesDate)."""

    labelled_by = "dates-heading"

    when = tables.Column(verbose_name=_("Date"), accessor="local_start", orderable=False)
    state = tables.Column(verbose_name=_("State"), accessor="free", orderable=False)
    reason = tables.Column(verbose_name=_("Why not"), orderable=False, default="")

    class Meta:
        per_page = 250
        attrs = {"class": "series-dates-table"}
        row_attrs = {"class": lambda record: "date-free" if record.free else "date-skipped"}

    def render_when(self, value) -> str:
        return date_format(value, "D j M Y, H:i")

    def render_state(self, value: bool) -> str:
        if value:
            return format_html('<span class="status status-confirmed">{}</span>', _("Free"))
        return format_html('<span class="status status-cancelled">{}</span>', _("Skipped"))


class SeriesDecisionTable(tables.Table):
    """The pending dates of one series, each with its approve box (ticked: approve; not: decline)."""

    labelled_by = "series-dates-heading"

    approve = tables.TemplateColumn(
        template_code=(
            '{% load i18n %}<input type="checkbox" name="approve" value="{{ record.pk }}" '
            'id="approve-{{ record.pk }}"{% if record.approve_checked %} checked{% endif %}> '
            '<label for="approve-{{ record.pk }}">{% trans "Approve" %}'
            '<span class="visually-hidden"> {{ record.local_starts_at|date:"D j M Y, H:i" }}</span></label>'
        ),
        verbose_name=_("Decision"),
        orderable=False,
    )
    when = WhenColumn(orderable=False)
    title = tables.Column(verbose_name=_("Booking"), linkify=True, orderable=False)

    class Meta:
        per_page = 250
        empty_text = _("No date of this series is waiting for a decision.")
        attrs = {"class": "series-decision-table"}


class SeriesChangeTable(tables.Table):
    """The preview of a change to a series: each date, its new time, and whether it changes
    (rows are bookings.series_edit.ChangedDate)."""

    labelled_by = "dates-heading"

    when = tables.Column(verbose_name=_("Date"), accessor="booking__starts_at", orderable=False)
    new = tables.Column(verbose_name=_("New time"), accessor="starts_at", orderable=False)
    state = tables.Column(verbose_name=_("State"), accessor="changes", orderable=False)
    reason = tables.Column(verbose_name=_("Why not"), empty_values=(), orderable=False)

    class Meta:
        per_page = 250
        attrs = {"class": "series-dates-table"}
        row_attrs = {"class": lambda record: "date-free" if record.changes else "date-skipped"}

    def render_when(self, value, record) -> str:
        return date_format(value.astimezone(record.booking.space.venue.zone), "D j M Y, H:i")

    def render_new(self, value, record) -> str:
        if value is None or record.ends_at is None:
            return "–"
        zone = record.booking.space.venue.zone
        return "–".join(date_format(t.astimezone(zone), "H:i") for t in (value, record.ends_at))

    def render_state(self, value: bool, record) -> str:
        if value:
            return format_html('<span class="status status-confirmed">{}</span>', _("Changes"))
        if record.kept:
            return format_html('<span class="status status-pending">{}</span>', _("Kept"))
        return format_html('<span class="status status-cancelled">{}</span>', _("Blocked"))

    def render_reason(self, record) -> str:
        return record.reason or record.kept


class TermDatesTable(tables.Table):
    """The next term's dates of a series re-confirmed each term, free or already taken (rows
    are bookings.series_terms.TermDate)."""

    labelled_by = "term-dates-heading"

    when = tables.Column(verbose_name=_("Date"), accessor="local_start", orderable=False)
    state = tables.Column(verbose_name=_("State"), orderable=False)

    class Meta:
        per_page = 250
        attrs = {"class": "series-dates-table"}

    def render_when(self, value) -> str:
        return date_format(value, "D j M Y, H:i")

    def render_state(self, value: str) -> str:
        words = {
            "booked": ("confirmed", _("Already booked")),
            "taken": ("cancelled", _("Taken: would be skipped")),
            "free": ("confirmed", _("Free")),
        }
        css, text = words[value]
        return format_html('<span class="status status-{}">{}</span>', css, text)
