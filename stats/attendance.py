"""Attended hours and the realisation rate (docs/occupancy.md, "Check-in and attendance").

Only the spaces where check-in is on count: a space with a grace period (its no-shows are
released), or any space with a booking checked in during the period. For each, over the
bookings starting in the period (the venue's days) that were confirmed or released as no-shows:

- booked hours: each booking's whole length (a desk booking is one seat: seat-hours);
- attended hours: for a checked-in booking, from its start (or the check-in, if later) to its end;
- realisation rate = attended hours / booked hours, as a percentage.

Rooms (hours) and desk pools (seat-hours) are totalled apart, never added together. Hours are
Decimal, rounded to two places once, in the table (ROUND_HALF_UP).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking
from spaces.models import Space, Venue

from .periods import Period
from .tables import NumberColumn, StatsTable

HOUR = Decimal(3600)
COUNTED = (Booking.Status.CONFIRMED, Booking.Status.NO_SHOW)


@dataclass
class Attendance:
    """The attendance of one space, or the total of the rooms or of the desk pools."""

    name: str
    desk_pool: bool
    bookings: int = 0
    checked_in: int = 0
    no_shows: int = 0
    booked_seconds: Decimal = Decimal(0)
    attended_seconds: Decimal = Decimal(0)
    total: bool = False  # the sum of several spaces' rows

    @property
    def booked_hours(self) -> Decimal:
        return (self.booked_seconds / HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def attended_hours(self) -> Decimal:
        return (self.attended_seconds / HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP)

    @property
    def realisation(self) -> Decimal | None:
        """Attended / booked hours in per cent to one place; None when nothing was booked."""
        if not self.booked_seconds:
            return None
        share = self.attended_seconds * 100 / self.booked_seconds
        return share.quantize(Decimal("0.1"), ROUND_HALF_UP)

    def add(self, other: "Attendance") -> None:
        self.bookings += other.bookings
        self.checked_in += other.checked_in
        self.no_shows += other.no_shows
        self.booked_seconds += other.booked_seconds
        self.attended_seconds += other.attended_seconds


def attendance(venue: Venue, period: Period, *, space: Space | None = None) -> list[Attendance]:
    """A row per space where check-in is on (by name), then a total of the rooms and one of the
    desk pools when there are several spaces of that sort. One query."""
    window = period.window(venue.zone)
    spaces = (
        venue.spaces.filter(is_active=True) if space is None else Space.objects.filter(pk=space.pk)
    )
    rows = (
        Booking.objects.filter(
            space__in=spaces,
            status__in=COUNTED,
            starts_at__gte=window.start,
            starts_at__lt=window.end,
        )
        .values_list("space_id", "status", "starts_at", "ends_at", "checked_in_at")
        .order_by()
    )
    by_space: dict[int, Attendance] = {}
    known = {each.pk: each for each in spaces.order_by("name")}
    for space_id, status, starts_at, ends_at, checked_in_at in rows:
        each = known[space_id]
        row = by_space.setdefault(space_id, Attendance(each.name, each.is_desk_pool))
        row.bookings += 1
        row.booked_seconds += Decimal(int((ends_at - starts_at).total_seconds()))
        if status == Booking.Status.NO_SHOW:
            row.no_shows += 1
        if checked_in_at is not None:
            row.checked_in += 1
            row.attended_seconds += Decimal(
                int((ends_at - max(starts_at, checked_in_at)).total_seconds())
            )
    found = [
        by_space.get(pk, Attendance(each.name, each.is_desk_pool))
        for pk, each in known.items()
        if each.grace_period is not None or by_space.get(pk, Attendance("", False)).checked_in
    ]
    totals = [row for row in group_totals(found) if row.total]
    return found + totals


def group_totals(found: list[Attendance]) -> list[Attendance]:
    """The rooms' attendance and the desk pools' (each present only if some space is): the one
    space's own row, or a total named "All rooms" / "All desk pools" for several."""
    totals = []
    for desk_pool, label in ((False, _("All rooms")), (True, _("All desk pools"))):
        group = [row for row in found if row.desk_pool == desk_pool]
        if len(group) == 1:
            totals.append(group[0])
        elif group:
            total = Attendance(str(label), desk_pool, total=True)
            for row in group:
                total.add(row)
            totals.append(total)
    return totals


class AttendanceTable(StatsTable):
    """Attendance where check-in is on: the stats page, its CSV and the funder report."""

    class Meta(StatsTable.Meta):
        pass

    name = tables.Column(verbose_name=_("Space"))
    bookings = NumberColumn(verbose_name=_("Bookings"))
    checked_in = NumberColumn(verbose_name=_("Checked in"))
    no_shows = NumberColumn(verbose_name=_("No-shows"))
    booked_hours = NumberColumn(verbose_name=_("Booked (seat-)hours"))
    attended_hours = NumberColumn(verbose_name=_("Attended (seat-)hours"))
    realisation = NumberColumn(verbose_name=_("Realisation %"), default="—")


CAPTION = _(
    "Where check-in is on: bookings confirmed or released as no-shows, how many were checked "
    "in, booked and attended (seat-)hours, and the realisation rate (attended / booked)."
)


def headline(table: AttendanceTable) -> list[Attendance]:
    """The realisation of the rooms and of the desk pools, for the stats page's headline."""
    spaces = [row for row in table.data if not row.total]
    return group_totals(spaces)


def attendance_table(
    venue: Venue, period: Period, *, space: Space | None = None
) -> AttendanceTable:
    table = AttendanceTable(attendance(venue, period, space=space), prefix="attendance-")
    table.caption = CAPTION
    return table
