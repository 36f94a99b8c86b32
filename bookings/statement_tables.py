"""The tables of statements and of an organisation's bookings (django-tables2), on the page and
in the CSV: one table, so the download says what the page says."""

import django_tables2 as tables
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Booking
from .statements import Line, money
from .tables import SpaceColumn, StatusColumn, WhenColumn, spreadsheet_safe, when_in_words

NOT_PRICED = _("Not priced")


class StatementTable(tables.Table):
    """The lines of one statement, in order of start (not sortable: it is a document). Build it
    on Line objects of one venue."""

    labelled_by = "lines-heading"

    date = tables.Column(verbose_name=_("Date"), accessor="booking__starts_at", orderable=False)
    space = tables.Column(verbose_name=_("Space"), accessor="booking__space__name", orderable=False)
    title = tables.Column(verbose_name=_("Booking"), accessor="booking__title", orderable=False)
    booker = tables.Column(verbose_name=_("Booked by"), accessor="booking__booker", orderable=False)
    quantity = tables.Column(verbose_name=_("Hours or desk-days"), empty_values=(), orderable=False)
    full_price = tables.Column(
        verbose_name=_("At the full rate"),
        accessor="booking__full_price",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "number"}, "th": {"class": "number"}},
    )
    basis = tables.Column(
        verbose_name=_("Tier"), accessor="booking__price_basis", empty_values=(), orderable=False
    )
    used = tables.Column(verbose_name=_("Allowance or fund used"), empty_values=(), orderable=False)
    price = tables.Column(
        verbose_name=_("Price"),
        accessor="booking__price",
        empty_values=(),
        orderable=False,
        attrs={"td": {"class": "number"}, "th": {"class": "number"}},
    )

    class Meta:
        empty_text = _("No confirmed bookings this month.")
        attrs = {"class": "bookings-table statement-table"}

    def __init__(self, *args, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def _money(self, amount) -> str:
        return money(amount, self.currency) if amount is not None else "—"

    def render_date(self, record: Line) -> str:
        return when_in_words(record.booking)

    def render_booker(self, record: Line) -> str:
        return str(record.booking.booker)

    def render_title(self, record: Line) -> str:
        if record.booking.status == Booking.Status.NO_SHOW:
            return _("%(title)s (no-show)") % {"title": record.booking.title}
        return record.booking.title

    def render_quantity(self, record: Line) -> str:
        if record.desk_days:
            return str(_("1 desk-day"))
        return _("%(hours)s h") % {"hours": f"{record.quantity:f}"}

    def render_full_price(self, record: Line) -> str:
        return self._money(record.booking.full_price)

    def render_basis(self, record: Line) -> str:
        return record.booking.get_price_basis_display() or "—"

    def render_used(self, record: Line) -> str:
        return record.used or "—"

    def render_price(self, record: Line) -> str:
        if record.booking.price is None:
            return format_html('<span class="not-priced">— {}</span>', NOT_PRICED)
        return self._money(record.booking.price)

    # The CSV: plain figures a spreadsheet can add up, and text that cannot run as a formula.
    def value_date(self, record: Line) -> str:
        return record.booking.local_starts_at.strftime("%Y-%m-%d %H:%M")

    def value_space(self, record: Line) -> str:
        return spreadsheet_safe(record.booking.space.name)

    def value_title(self, record: Line) -> str:
        return spreadsheet_safe(record.booking.title)

    def value_booker(self, record: Line) -> str:
        return spreadsheet_safe(str(record.booking.booker))

    def value_quantity(self, record: Line) -> str:
        return f"{record.quantity:f} " + (str(_("desk-days")) if record.desk_days else "h")

    def value_full_price(self, record: Line) -> str:
        price = record.booking.full_price
        return f"{price:f}" if price is not None else ""

    def value_basis(self, record: Line) -> str:
        return str(record.booking.get_price_basis_display())

    def value_used(self, record: Line) -> str:
        return spreadsheet_safe(record.used)

    def value_price(self, record: Line) -> str:
        price = record.booking.price
        return f"{price:f}" if price is not None else str(NOT_PRICED)


class PendingStatementTable(StatementTable):
    """Requests awaiting approval in the month: listed, not charged."""

    labelled_by = "pending-heading"

    class Meta(StatementTable.Meta):
        empty_text = _("No requests are awaiting approval this month.")

    def render_price(self, record: Line) -> str:
        return str(_("Not charged"))

    def value_price(self, record: Line) -> str:
        return str(_("Awaiting approval, not charged"))


class OrganisationBookingsTable(tables.Table):
    """An organisation's bookings (for its admins), any status."""

    labelled_by = "bookings-heading"

    when = WhenColumn()
    space = SpaceColumn()
    title = tables.Column(verbose_name=_("Booking"), linkify=False)
    booker = tables.Column(verbose_name=_("Booked by"), order_by=("booker__display_name",))
    status = StatusColumn(verbose_name=_("Status"))
    price = tables.Column(verbose_name=_("Price"), empty_values=(), orderable=False)

    class Meta:
        order_by = "when"
        per_page = 25
        empty_text = _("No bookings match.")
        attrs = {"class": "bookings-table"}
        row_attrs = {"class": lambda record: "" if record.is_active else f"booking-{record.status}"}

    def render_price(self, record: Booking) -> str:
        if record.price is None:
            return str(NOT_PRICED)
        return money(record.price, record.space.venue.currency)


def month_in_words(first) -> str:
    return date_format(first, "F Y")
