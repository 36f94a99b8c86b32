"""The audit trail on the pages: a booking's History section and a venue's History page
(django-tables2), with the venue page's filter. Who may read what is members.permissions.audit.

Times in the trail are UTC ISO 8601 (members.audit.plain); they are shown in the venue's zone.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

import django_tables2 as tables
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from members import permissions
from members.audit import AuditEntry, AuditEntryQuerySet
from members.models import Member
from memberships.prices import money
from spaces.models import Venue
from spaces.timezones import wall_time_to_utc

from .models import Booking

_ISO_INSTANT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")

# What the venue page's "Kind" filter offers, and the objects each covers.
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "booking": (_("Bookings"), ("booking",)),
    "series": (_("Series"), ("series",)),
    "membership": (_("Memberships"), ("membership",)),
    "plan": (_("Plans"), ("plan",)),
    "price": (_("Tiers and community funds"), ("organisationkindtier", "communityfund")),
    "space": (_("Spaces, their rules and rates"), ("space",)),
    "hours": (_("Opening hours"), ("openinghours", "openingexception")),
    "closure": (_("Closures"), ("closure",)),
    "role": (_("Managers"), ("venue",)),
}


def _models() -> dict[str, type[Model]]:
    return {model._meta.model_name or "": model for model in apps.get_models()}


def _field(subject_type: str, name: str) -> Any:
    model = _models().get(subject_type)
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # not a field (e.g. "role of ..."): the name says it
        return None


def field_label(subject_type: str, name: str) -> str:
    """The field's own label ("Starts", "Requires approval"), else its name as written."""
    label = str(getattr(_field(subject_type, name), "verbose_name", name.replace("_", " ")))
    return label[:1].upper() + label[1:]


def _choice_label(subject_type: str, name: str, value: Any) -> Any:
    """A stored choice as its label ("pending" is "Awaiting approval")."""
    choices = dict(getattr(_field(subject_type, name), "flatchoices", None) or ())
    if isinstance(value, list):
        return [choices.get(one, one) for one in value]
    return choices.get(value, value) if isinstance(value, str) else value


def value_in_words(value: Any, zone: Any) -> str:
    """A recorded value for reading: an instant in the venue's zone, nothing as a dash."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, list):
        return ", ".join(value_in_words(one, zone) for one in value)
    if isinstance(value, bool):
        return str(_("yes")) if value else str(_("no"))
    if isinstance(value, str) and _ISO_INSTANT.match(value):
        try:
            instant = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        if instant.tzinfo is not None:
            return date_format(instant.astimezone(zone), "D j M Y H:i")
    return str(value)


# Amounts of money among the tracked fields, shown as money in the venue's currency.
MONEY_FIELDS = frozenset({"price", "full_price", "fund_drawn", "rate", "amount"})


def _money(value: Any, currency: str) -> Any:
    try:
        return money(Decimal(value), currency, free=False)
    except (InvalidOperation, TypeError, ValueError):
        return value


def changes_in_words(entry: AuditEntry, zone: Any, currency: str = "GBP") -> str:
    """Each changed field: "Status: Awaiting approval → Confirmed" (HTML, escaped), one a line."""
    rows: list[tuple[str, str, str]] = []
    for name, pair in entry.changes.items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        label = field_label(entry.subject_type, name)
        before, after = (_choice_label(entry.subject_type, name, one) for one in (before, after))
        if name in MONEY_FIELDS:
            before, after = (
                None if one is None else _money(one, currency) for one in (before, after)
            )
        if before is None and after is None:
            rows.append((label, str(_("cleared when the booking's details were deleted")), ""))
        elif before is None:
            rows.append((label, value_in_words(after, zone), ""))
        else:
            rows.append((label, value_in_words(before, zone), f" → {value_in_words(after, zone)}"))
    return format_html_join(mark_safe("<br>"), "{}: {}{}", rows)  # noqa: S308 (a fixed tag)


def actor_in_words(entry: AuditEntry) -> str:
    """A manager's view of who: the member (and "in the admin" or "through the API"), or "the
    system" with the command that ran."""
    if entry.actor is not None:
        where = {"admin": _("in the admin"), "api": _("through the API")}.get(entry.source)
        return f"{entry.actor} ({where})" if where else str(entry.actor)
    if entry.source.startswith("command "):
        return str(
            _("The system (%(command)s)") % {"command": entry.source.removeprefix("command ")}
        )
    return str(_("The system"))


class _When(tables.Column):
    row_header = True  # our table template makes it the row's <th scope="row">

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("When"))
        kwargs.setdefault("accessor", "at")
        super().__init__(**kwargs)

    def render(self, record: AuditEntry, table: Any) -> str:
        return date_format(record.at.astimezone(table.zone), "D j M Y H:i")


class HistoryTable(tables.Table):
    """The whole trail, for a venue's managers: when, who, what, and what changed."""

    labelled_by = "history-heading"
    at = _When()
    actor = tables.Column(verbose_name=_("Who"), empty_values=(), orderable=False)
    summary = tables.Column(verbose_name=_("What"), orderable=False)
    changes = tables.Column(verbose_name=_("Changed"), empty_values=(), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("at", "actor", "summary", "changes")
        per_page = 25
        empty_text = _("Nothing recorded yet.")
        attrs = {"class": "history-table"}

    def __init__(self, *args: Any, zone: Any, currency: str = "GBP", **kwargs: Any) -> None:
        self.zone, self.currency = zone, currency
        super().__init__(*args, **kwargs)

    def render_actor(self, record: AuditEntry) -> str:
        return actor_in_words(record)

    def render_changes(self, record: AuditEntry) -> str:
        return changes_in_words(record, self.zone, self.currency)


class BookerHistoryTable(tables.Table):
    """A booker's view of their own booking's trail: when and what, and "you" or who in
    general terms, never another person's name."""

    labelled_by = "history-heading"
    at = _When(orderable=False)
    summary = tables.Column(verbose_name=_("What"), orderable=False)
    actor = tables.Column(verbose_name=_("By"), empty_values=(), orderable=False)

    class Meta:
        model = AuditEntry
        fields = ("at", "summary", "actor")
        empty_text = _("Nothing recorded yet.")
        attrs = {"class": "history-table"}

    def __init__(self, *args: Any, zone: Any, viewer: Member, **kwargs: Any) -> None:
        self.zone, self.viewer = zone, viewer
        super().__init__(*args, **kwargs)

    def render_actor(self, record: AuditEntry) -> str:
        if permissions.did_it_themselves(self.viewer, record):
            return str(_("You"))
        if record.actor_id is None:
            return str(_("Commonshare, automatically"))
        return str(_("The venue"))


def booking_history(viewer: Member, booking: Booking) -> tables.Table | None:
    """The History table of `booking`'s page as `viewer` may read it, or None."""
    if not permissions.may_see_booking_history(viewer, booking):
        return None
    entries = list(AuditEntry.objects.of("booking", booking.pk).select_related("actor"))
    shown = permissions.booking_history_shown(viewer, booking, entries)
    venue = booking.space.venue
    zone = venue.zone
    if permissions.sees_whole_booking_history(viewer, booking):
        table: tables.Table = HistoryTable(
            shown, zone=zone, currency=venue.currency, orderable=False
        )
        return table
    return BookerHistoryTable(shown, zone=zone, viewer=viewer)


class HistoryFilter(forms.Form):
    """A kind of object and a range of the venue's local dates (both ends included)."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("", _("Everything")), *((key, label) for key, (label, _types) in KINDS.items())],
        required=False,
    )
    starts_on = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The last day comes before the first."))
        for name in ("starts_on", "ends_on"):
            day = data.get(name)
            if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
                self.add_error(name, _("Choose a date between 2000 and 2100."))
        return data

    def filter(self, entries: AuditEntryQuerySet, venue: Venue) -> AuditEntryQuerySet:
        """`entries` narrowed to the kind and the local days asked for (call once valid)."""
        data = self.cleaned_data
        if data.get("kind"):
            entries = entries.filter(subject_type__in=KINDS[data["kind"]][1])
        if data.get("starts_on"):
            entries = entries.filter(
                at__gte=wall_time_to_utc(data["starts_on"], dt.time(0), venue.zone)
            )
        if data.get("ends_on"):
            next_day = data["ends_on"] + dt.timedelta(days=1)
            entries = entries.filter(at__lt=wall_time_to_utc(next_day, dt.time(0), venue.zone))
        return entries
