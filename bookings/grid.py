"""The week grid of a space: which slots are free, booked, closed or not bookable, in the venue's wall clock.

Everything about availability comes from `bookings.availability` and `spaces.open_hours`; this module only lays its answers
out as rows of slot times and columns of days. A fixed handful of queries per week, however many
bookings there are.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Member
from spaces.intervals import Interval, clip, merge
from spaces.models import Space
from spaces.open_hours import Blocked, closed_times, opening_intervals
from spaces.rules import duration_in_words
from spaces.timezones import wall_time_to_utc

from .availability import bookable_window, free_intervals, seats_taken
from .models import Booking


class State:
    FREE = "free"
    BOOKED = "booked"
    YOURS = "yours"  # the member's own booking: the only booking whose details the grid shows
    CLOSED = "closed"
    UNAVAILABLE = "unavailable"
    PAST = "past"
    TOO_SOON = "too-soon"
    TOO_FAR = "too-far"
    NO_SUCH_TIME = "no-such-time"


@dataclass
class Cell:
    state: str
    label: str
    detail: str = ""
    book_url: str = ""
    when: str = ""  # "Tuesday 5 January, 10:00": context for a screen reader's list of links
    booking_url: str = ""  # the member's own booking in this slot
    waitlist_url: str = ""  # a taken slot: the booking form, which offers its waiting list


@dataclass
class Row:
    wall_time: time
    repeated: bool  # the second run of a wall time on the day the clocks go back
    cells: list[Cell]

    @property
    def label(self) -> str:
        text = self.wall_time.strftime("%H:%M")
        return _("%(time)s (second time)") % {"time": text} if self.repeated else text


@dataclass
class FreeTime:
    starts: datetime  # local
    ends: datetime  # local
    book_url: str


@dataclass
class Day:
    date: date
    hours: float
    free_times: list[FreeTime] = field(default_factory=list)


@dataclass
class WeekGrid:
    space: Space
    monday: date
    days: list[Day]
    rows: list[Row]

    @property
    def previous_monday(self) -> date:
        return self.monday - timedelta(days=7)

    @property
    def next_monday(self) -> date:
        return self.monday + timedelta(days=7)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _local_midnight(day: date, space: Space) -> datetime:
    return wall_time_to_utc(day, time(0), space.venue.zone)


def _day_window(day: date, space: Space) -> Interval:
    return Interval(_local_midnight(day, space), _local_midnight(day + timedelta(days=1), space))


def _wall_minutes(interval: Interval, zone: ZoneInfo) -> tuple[int, int]:
    """Minutes after local midnight at which an opening interval starts and ends (24:00 if it runs to midnight)."""
    start, end = interval.start.astimezone(zone), interval.end.astimezone(zone)
    end_minute = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
    return start.hour * 60 + start.minute, end_minute


def _book_url(space: Space, starts: datetime, ends: datetime) -> str:
    url = reverse(
        "bookings:book", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
    )
    params = {"start": starts.strftime("%Y-%m-%dT%H:%M"), "end": ends.strftime("%Y-%m-%dT%H:%M")}
    # The second run of a wall time that happens twice (the autumn night): say which one.
    if starts.fold:
        params["start_fold"] = "1"
    if ends.fold:
        params["end_fold"] = "1"
    return f"{url}?{urlencode(params)}"


def _day_slots(day: date, space: Space) -> list[Interval]:
    """The day's slots, stepped in real time from local midnight, so a 23- or 25-hour day has 23 or 25 hours of them."""
    start, end = _day_window(day, space).start, _day_window(day, space).end
    slots = []
    here = start
    while here < end:
        slots.append(Interval(here, min(here + space.slot_step, end)))
        here += space.slot_step
    return slots


def _covering(intervals: list[Interval], slot: Interval) -> bool:
    return any(interval.contains(slot) for interval in intervals)


def _meeting(intervals: list[Interval], slot: Interval) -> bool:
    return any(interval.overlaps(slot) for interval in intervals)


def _own_bookings(
    space: Space, week: Interval, member: Member | None
) -> list[tuple[Interval, Booking]]:
    """The member's own active bookings of `space` meeting `week` (one query; none for a visitor)."""
    if member is None or not member.is_authenticated:
        return []
    mine = (
        Booking.objects.active()
        .for_member(member)
        .filter(space_id=space.pk, starts_at__lt=week.end, ends_at__gt=week.start)
        .order_by("starts_at")
    )
    return [(Interval(booking.starts_at, booking.ends_at), booking) for booking in mine]


def build_week_grid(
    space: Space, monday: date, *, now: datetime, member: Member | None = None
) -> WeekGrid:
    """The week of `space` from `monday` (a Monday in the venue's zone) to Sunday, slot by slot.

    A slot of `member`'s own booking reads "Yours" and links to it; anyone else's is only
    "Booked": the grid never shows another member's title or name.
    """
    zone = space.venue.zone
    dates = [monday + timedelta(days=n) for n in range(7)]
    week = Interval(
        _local_midnight(dates[0], space), _local_midnight(dates[-1] + timedelta(days=1), space)
    )

    opening = opening_intervals(space.venue, week)
    closed = closed_times(space, week)
    free = free_intervals(space, week, now=now)
    taken = seats_taken(space, week)
    bookable = bookable_window(space, now=now)
    booked = merge(piece for piece, count in taken if count >= space.seats)
    own = _own_bookings(space, week, member)

    # Rows span the earliest opening to the latest closing wall time of the week (whole slots).
    spans = [_wall_minutes(interval, zone) for interval in opening]
    first_minute = min((start for start, _end in spans), default=0)
    last_minute = max((end for _start, end in spans), default=0)

    days = [Day(date=d, hours=_day_window(d, space).duration.total_seconds() / 3600) for d in dates]
    cells: dict[tuple[time, bool], list[Cell | None]] = {}
    for column, day in enumerate(days):
        for slot in _day_slots(day.date, space):
            local_start = slot.start.astimezone(zone)
            if not (first_minute <= local_start.hour * 60 + local_start.minute < last_minute):
                continue
            key = (local_start.time().replace(tzinfo=None), bool(local_start.fold))
            row = cells.setdefault(key, [None] * 7)
            cell = _own_cell(slot, own, now) or _cell(
                space, slot, opening, closed, free, taken, booked, bookable, now, repeated=key[1]
            )
            cell.when = f"{date_format(day.date, 'l j F')}, {local_start:%H:%M}"
            row[column] = cell
        for piece in clip(free, _day_window(day.date, space)):
            if piece.duration >= space.min_duration:
                starts, ends = piece.start.astimezone(zone), piece.end.astimezone(zone)
                first_end = (piece.start + space.min_duration).astimezone(zone)
                day.free_times.append(FreeTime(starts, ends, _book_url(space, starts, first_end)))

    # A row only some days have: the spring-forward hour is missing on its day, and the autumn
    # day's second run of an hour exists on that day alone.
    skipped = Cell(State.NO_SUCH_TIME, _("No such time"), _("The clocks go forward then."))
    once = Cell(State.NO_SUCH_TIME, _("Only once"), _("This time happens once this day."))
    rows = [
        Row(
            wall_time=key[0],
            repeated=key[1],
            cells=[cell or (once if key[1] else skipped) for cell in row],
        )
        for key, row in sorted(cells.items())
    ]
    return WeekGrid(space=space, monday=monday, days=days, rows=rows)


def _own_cell(slot: Interval, own: list[tuple[Interval, Booking]], now: datetime) -> Cell | None:
    if slot.start < now:
        return None
    for interval, booking in own:
        if interval.overlaps(slot):
            return Cell(
                State.YOURS,
                _("Yours"),
                booking.title,
                booking_url=booking.get_absolute_url(),
            )
    return None


def _cell(
    space: Space,
    slot: Interval,
    opening: list[Interval],
    closed: list[Blocked],
    free: list[Interval],
    taken: list[tuple[Interval, int]],
    booked: list[Interval],
    bookable: Interval,
    now: datetime,
    *,
    repeated: bool,
) -> Cell:
    if slot.start < now:
        return Cell(State.PAST, _("Past"))
    if not _covering(opening, slot):
        return Cell(State.CLOSED, _("Closed"))
    for blocked in closed:
        if blocked.interval.overlaps(slot):
            if (
                blocked.imported
            ):  # e.g. the church's services: the venue is open, the space is in use
                return Cell(State.UNAVAILABLE, _("Unavailable"), blocked.reason)
            return Cell(State.CLOSED, _("Closed"), blocked.reason)
    if slot.start < bookable.start:
        return Cell(State.TOO_SOON, _("Too soon"), _("Needs more notice"))
    if slot.end > bookable.end:
        return Cell(State.TOO_FAR, _("Not yet bookable"), _("Too far ahead"))
    if _meeting(booked, slot):
        zone = space.venue.zone
        return Cell(
            State.BOOKED,
            _("Fully booked") if space.is_desk_pool else _("Booked"),
            waitlist_url=_book_url(
                space,
                slot.start.astimezone(zone),
                (slot.start + max(space.min_duration, space.slot_step)).astimezone(zone),
            ),
        )
    if not _covering(free, slot):
        return Cell(State.UNAVAILABLE, _("Unavailable"), _("Kept free between bookings"))
    zone = space.venue.zone
    starts = slot.start.astimezone(zone)
    shortest = Interval(slot.start, slot.start + max(space.min_duration, space.slot_step))
    if not _covering(free, shortest):
        return Cell(
            State.UNAVAILABLE,
            _("Gap too short"),
            _("A booking here would be shorter than %(min)s.")
            % {"min": duration_in_words(space.min_duration)},
        )
    detail = _("The second time this hour happens: the clocks have gone back.") if repeated else ""
    if space.is_desk_pool:
        most = max((count for piece, count in taken if piece.overlaps(slot)), default=0)
        left = space.seats - most
        detail += " " if detail else ""
        detail += ngettext(
            "%(left)d of %(seats)d desk free", "%(left)d of %(seats)d desks free", space.seats
        ) % {
            "left": left,
            "seats": space.seats,
        }
    return Cell(
        State.FREE, _("Free"), detail, _book_url(space, starts, shortest.end.astimezone(zone))
    )


def parse_week(raw: str | None, *, today: date) -> tuple[date, bool]:
    """The Monday of the week containing `raw` (YYYY-MM-DD), or of `today` with False when `raw` is not a date."""
    if not raw:
        return monday_of(today), True
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return monday_of(today), False
    if not (date(2000, 1, 3) <= day <= date(2999, 12, 31)):
        return monday_of(today), False
    return monday_of(day), True


def local_today(space: Space, now: datetime) -> date:
    return now.astimezone(space.venue.zone).date()


def parse_wall_time(raw: str | None) -> datetime | None:
    """A naive wall time from a link (`2027-01-05T10:00`), or None when it is missing or not one."""
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.strip()[:16])
    except ValueError:
        return None
    if value.tzinfo is not None or not (2000 <= value.year <= 2999):
        return None
    return value


def parse_wanted(start: str | None, end: str | None) -> tuple[datetime, datetime] | None:
    """The wall-clock time asked for in the venues' "free then" filter, carried by its links."""
    starts, ends = parse_wall_time(start), parse_wall_time(end)
    if starts is None or ends is None or ends.date() != starts.date() or ends <= starts:
        return None
    return starts, ends


def wanted_query(wanted: tuple[datetime, datetime]) -> str:
    """`start=...&end=...` for links that carry the wanted time on to the space and the booking form."""
    return urlencode(
        {"start": wanted[0].strftime("%Y-%m-%dT%H:%M"), "end": wanted[1].strftime("%Y-%m-%dT%H:%M")}
    )
