import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import OpeningHours, Venue


class RowHeaderColumn(tables.Column):
    """A column whose cells name their row: rendered as `<th scope="row">` by our table template."""

    row_header = True


class OpeningHoursTable(tables.Table):
    """One row a weekday: the venue's opening hours in its own wall clock."""

    day = RowHeaderColumn(verbose_name=_("Day"))
    hours = tables.Column(verbose_name=_("Open"))
    # The id of the heading that names the table and its scroll region (django_tables2/table.html).
    labelled_by = "hours-heading"

    class Meta:
        orderable = False
        attrs = {"class": "hours-table"}

    @classmethod
    def for_venue(cls, venue: Venue) -> "OpeningHoursTable":
        by_day: dict[int, list[str]] = {day: [] for day in OpeningHours.Weekday.values}
        for row in venue.opening_hours.all():
            by_day[row.weekday].append(f"{row.opens:%H:%M}–{row.closes:%H:%M}")
        rows = [
            {"day": OpeningHours.Weekday(day).label, "hours": ", ".join(spans) or _("Closed")}
            for day, spans in by_day.items()
        ]
        return cls(rows)
