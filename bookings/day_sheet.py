"""The caretaker's day sheet of a venue: its opening hours that day and each space's bookings in
order, with times, booker, organisation, title, attendees and set-up notes. For its managers
only (the page looks the venue up with spaces.views.managed_venue)."""

import datetime as dt
from dataclasses import dataclass

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from spaces.intervals import Interval
from spaces.models import Space, Venue
from spaces.open_hours import opening_intervals
from spaces.timezones import wall_time_to_utc

from .models import Booking


class DaySheetTable(tables.Table):
    """One space's bookings of the day, in order of time (not sortable: it is printed)."""

    time = tables.Column(verbose_name=_("Time"), accessor="starts_at", orderable=False)
    title = tables.Column(verbose_name=_("Booking"), orderable=False)
    booker = tables.Column(verbose_name=_("Booked by"), orderable=False)
    organisation = tables.Column(verbose_name=_("For"), orderable=False, default=_("Themselves"))
    attendees = tables.Column(verbose_name=_("People"), orderable=False)
    setup_notes = tables.Column(verbose_name=_("Set-up notes"), orderable=False, default="—")

    class Meta:
        empty_text = _("No bookings.")
        attrs = {"class": "day-sheet-table"}

    def __init__(self, *args, space: Space, **kwargs) -> None:
        self.labelled_by = f"sheet-space-{space.pk}"
        self.zone = space.venue.zone
        super().__init__(*args, prefix=f"s{space.pk}-", **kwargs)

    def render_time(self, record: Booking) -> str:
        starts = record.starts_at.astimezone(self.zone)
        ends = record.ends_at.astimezone(self.zone)
        end_format = "%H:%M" if ends.date() == starts.date() else "%a %H:%M"
        return f"{starts:%H:%M}–{ends.strftime(end_format)}"

    def render_title(self, record: Booking) -> str:
        if record.status == Booking.Status.PENDING:
            return f"{record.title} ({Booking.Status.PENDING.label})"
        return record.title

    def render_booker(self, record: Booking) -> str:
        return str(record.booker)

    def render_organisation(self, record: Booking) -> str:
        assert record.organisation is not None
        return record.organisation.name


@dataclass(frozen=True)
class SheetSpace:
    space: Space
    table: DaySheetTable
    count: int


@dataclass(frozen=True)
class DaySheet:
    venue: Venue
    day: dt.date
    hours: list[tuple[dt.datetime, dt.datetime]]  # local
    spaces: list[SheetSpace]
    attendees: int  # people expected over the day, every booking summed


def day_sheet(*, venue: Venue, day: dt.date) -> DaySheet:
    zone = venue.zone
    window = Interval(
        wall_time_to_utc(day, dt.time(0), zone),
        wall_time_to_utc(day + dt.timedelta(days=1), dt.time(0), zone),
    )
    spaces = list(venue.spaces.filter(is_active=True).order_by("name"))
    by_space: dict[int, list[Booking]] = {space.pk: [] for space in spaces}
    bookings = list(
        Booking.objects.active()
        .filter(space__venue=venue)
        .between(window.start, window.end)
        .select_related("booker", "organisation")
        .order_by("starts_at", "pk")
    )
    for booking in bookings:
        by_space.setdefault(booking.space_id, []).append(booking)
    rows = []
    for space in spaces:
        space.venue = venue
        rows.append(
            SheetSpace(
                space, DaySheetTable(by_space[space.pk], space=space), len(by_space[space.pk])
            )
        )
    return DaySheet(
        venue=venue,
        day=day,
        hours=[
            (piece.start.astimezone(zone), piece.end.astimezone(zone))
            for piece in opening_intervals(venue, window)
        ],
        spaces=rows,
        attendees=sum(b.attendees for b in bookings),
    )
