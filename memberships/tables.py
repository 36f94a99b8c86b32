"""The tables of the manager's plan, membership and fund pages (django-tables2). `labelled_by` is
the id of the heading that names each table and its scroll region (django_tables2/table.html)."""

from datetime import date
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spaces.models import Space

from .allowances import allowance_left
from .fund_grants import amount_of, granted_in_words
from .funds import fund_granted, fund_used
from .models import Allowance, CommunityFund, Membership, Plan, Tier
from .services import amount, left_in_words


def allowance_in_words(allowance: Allowance) -> str:
    """'Meeting room: 10 hours a month', 'Desk pool: 8 desk-days a month'."""
    if allowance.in_days:
        size = _("%(n)s desk-days a month") % {"n": allowance.days_per_month}
    else:
        size = _("%(n)s hours a month") % {"n": amount(allowance.hours_per_month or Decimal(0))}
    return f"{allowance.get_kind_display()}: {size}"


def tier_in_words(row: Plan) -> str:
    if row.tier == Tier.REDUCED and row.reduction_percent is not None:
        return _("%(percent)s %% off") % {"percent": amount(row.reduction_percent)}
    return str(row.get_tier_display())


def dates_in_words(starts_on: date, ends_on: date | None) -> str:
    if ends_on is None:
        return _("from %(start)s") % {"start": date_format(starts_on, "j M Y")}
    return f"{date_format(starts_on, 'j M Y')} – {date_format(ends_on, 'j M Y')}"


class PlansTable(tables.Table):
    labelled_by = "plans-heading"

    name = tables.Column(verbose_name=gettext_lazy("Plan"))
    kinds = tables.Column(
        verbose_name=gettext_lazy("Kinds of space"), empty_values=(), orderable=False
    )
    allowances = tables.Column(
        verbose_name=gettext_lazy("Allowances"), empty_values=(), orderable=False
    )
    booking_window = tables.Column(verbose_name=gettext_lazy("Window"))
    tier = tables.Column(verbose_name=gettext_lazy("Tier"))
    holders = tables.Column(verbose_name=gettext_lazy("Holding it now"))

    class Meta:
        order_by = "name"
        attrs = {"class": "bookings-table"}
        empty_text = gettext_lazy("No plan yet: add the first.")
        row_attrs = {"class": lambda record: "" if record.is_active else "booking-cancelled"}

    def render_name(self, record: Plan) -> str:
        url = reverse("memberships:plan_edit", args=[record.venue.slug, record.pk])
        retired = (
            ""
            if record.is_active
            else format_html(' <span class="badge">{}</span>', _("not offered"))
        )
        return format_html('<a href="{}">{}</a>{}', url, record.name, retired)

    def render_kinds(self, record: Plan) -> str:
        return ", ".join(
            str(Space.Kind(kind).label) for kind in record.space_kinds if kind in Space.Kind.values
        )

    def render_allowances(self, record: Plan) -> str:
        found = list(record.allowances.all())
        if not found:
            return _("No monthly limit")
        return format_html_join(mark_safe("<br>"), "{}", ((allowance_in_words(a),) for a in found))

    def render_booking_window(self, value) -> str:
        return _("%(days)d days ahead") % {"days": value.days}

    def render_tier(self, record: Plan) -> str:
        return tier_in_words(record)


class MembershipsTable(tables.Table):
    labelled_by = "memberships-heading"

    holder = tables.Column(
        verbose_name=gettext_lazy("Held by"),
        empty_values=(),
        order_by=("member__display_name", "organisation__name"),
    )
    plan = tables.Column(verbose_name=gettext_lazy("Plan"), accessor="plan__name")
    dates = tables.Column(
        verbose_name=gettext_lazy("Dates"), empty_values=(), order_by=("starts_on",)
    )
    left = tables.Column(
        verbose_name=gettext_lazy("Left this month"), empty_values=(), orderable=False
    )
    actions = tables.Column(verbose_name=gettext_lazy("Actions"), empty_values=(), orderable=False)

    class Meta:
        order_by = "holder"
        per_page = 25
        attrs = {"class": "bookings-table"}
        empty_text = gettext_lazy("No membership matches.")

    def __init__(self, *args, today: date, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def render_holder(self, record: Membership) -> str:
        if record.member is not None:
            return format_html(
                '{}<br><span class="muted">{}</span>', str(record.member), record.member.email
            )
        assert record.organisation is not None  # the membership_one_holder constraint
        return format_html(
            '{}<br><span class="muted">{}</span>',
            record.organisation.name,
            record.organisation.get_kind_display(),
        )

    def render_dates(self, record: Membership) -> str:
        return dates_in_words(record.starts_on, record.ends_on)

    def render_left(self, record: Membership) -> str:
        if record.ends_on is not None and record.ends_on < self.today:
            return _("Ended")
        lines = [
            f"{allowance.get_kind_display()}: {left_in_words(left)}"
            for allowance in record.plan.allowances.all()
            if (left := allowance_left(membership=record, kind=allowance.kind, month=self.today))
        ]
        if not lines:
            return _("No monthly limit")
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))

    def render_actions(self, record: Membership) -> str:
        if record.ends_on is not None and record.ends_on < self.today:
            return ""
        url = reverse("memberships:membership_end", args=[record.plan.venue.slug, record.pk])
        return format_html(
            '<a href="{}">{}<span class="visually-hidden"> {}</span></a>',
            url,
            _("End it"),
            _("(the %(plan)s membership of %(holder)s)")
            % {"plan": record.plan.name, "holder": record.holder},
        )


class FundsTable(tables.Table):
    labelled_by = "funds-heading"

    name = tables.Column(verbose_name=gettext_lazy("Fund"))
    organisation = tables.Column(
        verbose_name=gettext_lazy("Granted to"), accessor="organisation__name"
    )
    dates = tables.Column(
        verbose_name=gettext_lazy("Dates"), empty_values=(), order_by=("starts_on",)
    )
    granted = tables.Column(verbose_name=gettext_lazy("Granted"), empty_values=(), orderable=False)
    used = tables.Column(verbose_name=gettext_lazy("Used"), empty_values=(), orderable=False)
    left = tables.Column(verbose_name=gettext_lazy("Left"), empty_values=(), orderable=False)

    class Meta:
        order_by = "-dates"
        per_page = 25
        attrs = {"class": "bookings-table"}
        empty_text = gettext_lazy("No community fund yet.")

    def __init__(self, *args, link: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.link = link

    def render_name(self, record: CommunityFund) -> str:
        if not self.link:
            return record.name
        url = reverse("memberships:fund", args=[record.venue.slug, record.pk])
        return format_html('<a href="{}">{}</a>', url, record.name)

    def render_dates(self, record: CommunityFund) -> str:
        return dates_in_words(record.starts_on, record.ends_on)

    def render_granted(self, record: CommunityFund) -> str:
        return granted_in_words(record, fund_granted(fund=record))

    def render_used(self, record: CommunityFund) -> str:
        return amount_of(record, fund_used(fund=record))

    def render_left(self, record: CommunityFund) -> str:
        left = fund_granted(fund=record) - fund_used(fund=record)
        return amount_of(record, max(left, Decimal(0)))


class OwnFundsTable(FundsTable):
    """A group's funds, on its members' memberships page: where, granted, used and left."""

    labelled_by = "own-funds-heading"
    venue = tables.Column(verbose_name=gettext_lazy("Venue"), accessor="venue__name")

    class Meta(FundsTable.Meta):
        sequence = ("name", "organisation", "venue", "...")
        empty_text = gettext_lazy("None of your organisations has a community fund.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, link=False, **kwargs)


class FundBookingsTable(tables.Table):
    """The bookings that drew on one fund (through the fund's reverse relation: this layer does
    not import bookings), active first."""

    labelled_by = "fund-bookings-heading"

    when = tables.Column(verbose_name=gettext_lazy("When"), accessor="starts_at")
    space = tables.Column(verbose_name=gettext_lazy("Space"), accessor="space__name")
    title = tables.Column(verbose_name=gettext_lazy("Booking"))
    booker = tables.Column(
        verbose_name=gettext_lazy("Booker"), order_by=("booker__display_name", "booker__email")
    )
    status = tables.Column(verbose_name=gettext_lazy("Status"))
    fund_drawn = tables.Column(verbose_name=gettext_lazy("Drew"))

    class Meta:
        order_by = "-when"
        per_page = 25
        attrs = {"class": "bookings-table"}
        empty_text = gettext_lazy("No booking has drawn on this fund yet.")
        row_attrs = {
            "class": lambda record: (
                "" if record.status in ("pending", "confirmed") else f"booking-{record.status}"
            )
        }

    def __init__(self, *args, fund: CommunityFund, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fund = fund

    def render_when(self, record) -> str:
        zone = self.fund.venue.zone
        starts, ends = record.starts_at.astimezone(zone), record.ends_at.astimezone(zone)
        end_format = "H:i" if starts.date() == ends.date() else "D j M H:i"
        return f"{date_format(starts, 'D j M Y, H:i')}–{date_format(ends, end_format)}"

    def render_title(self, record) -> str:
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title)

    def render_booker(self, record) -> str:
        return format_html(
            '{}<br><span class="muted">{}</span>', str(record.booker), record.booker.email
        )

    def render_status(self, record) -> str:
        return format_html(
            '<span class="status status-{}">{}</span>', record.status, record.get_status_display()
        )

    def render_fund_drawn(self, value) -> str:
        return amount_of(self.fund, value)
