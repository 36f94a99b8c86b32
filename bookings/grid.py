"""The week grid of a space: which slots are free, booked, closed or not bookable, in the venue's wall clock.

Everything about availability comes from `bookings.availability` and `spaces.open_hours`; this module only lays its answers
out as rows of slot times and columns of days. A fixed handful of queries per week, however many
bookings there are.
"""

from bisect import bisect_left, bisect_right
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
from spaces.open_hours import Blocked, closed_times, venue_opening
from spaces.rules import duration_in_words
from spaces.timezones import wall_time_to_utc

from .availability import bookable_window, free_intervals, prefetch_space, seats_taken


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
    aside: str = ""  # what the link does, with `when`: "book Tuesday 5 January, 10:00"
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
    name: str = ""  # "Tuesday 5 January", in the page's language


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


def _wall_minutes(interval: Interval, zone: ZoneInfo) -> tuple[int, int]:
    """Minutes after local midnight at which an opening interval starts and ends (24:00 if it runs to midnight)."""
    start, end = interval.start.astimezone(zone), interval.end.astimezone(zone)
    end_minute = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
    return start.hour * 60 + start.minute, end_minute


# Each wall clock time of a day as "HH:MM" and as the booking form's query writes it (urlencode's
# ':' as %3A), looked up rather than formatted: the week has some 180 slots and 120 links.
_CLOCK = [f"{minute // 60:02d}:{minute % 60:02d}" for minute in range(24 * 60)]
_QUERY_CLOCK = [text.replace(":", "%3A") for text in _CLOCK]


def _query_url(url: str, starts: datetime, ends: datetime) -> str:
    """The booking form at `url` for [starts, ends) in wall time."""
    query = (
        f"start={starts.date().isoformat()}T{_QUERY_CLOCK[starts.hour * 60 + starts.minute]}"
        f"&end={ends.date().isoformat()}T{_QUERY_CLOCK[ends.hour * 60 + ends.minute]}"
    )
    # The second run of a wall time that happens twice (the autumn night): say which one.
    if starts.fold:
        query += "&start_fold=1"
    if ends.fold:
        query += "&end_fold=1"
    return f"{url}?{query}"


def _day_slots(start: datetime, end: datetime, step: timedelta) -> list[Interval]:
    """The day's slots, stepped in real time from local midnight, so a 23- or 25-hour day has 23 or 25 hours of them."""
    slots = []
    here = start
    while here < end:
        slots.append(Interval(here, min(here + step, end)))
        here += step
    return slots


class _Sorted:
    """Sorted, disjoint intervals (what `merge`, `subtract` and `clip` return), asked about one
    slot at a time by bisection instead of a scan of every interval per slot."""

    def __init__(self, intervals: list[Interval]) -> None:
        self.intervals = intervals
        self.starts = [interval.start for interval in intervals]

    def covers(self, slot: Interval) -> bool:
        # Disjoint: only the last interval starting at or before the slot can hold all of it.
        at = bisect_right(self.starts, slot.start) - 1
        return at >= 0 and self.intervals[at].end >= slot.end

    def meeting(self, slot: Interval) -> range:
        """Indexes of the intervals that overlap `slot`."""
        first = max(bisect_right(self.starts, slot.start) - 1, 0)
        if first < len(self.intervals) and self.intervals[first].end <= slot.start:
            first += 1
        return range(first, bisect_left(self.starts, slot.end))


@dataclass(frozen=True)
class _Words:
    """What the week's cells say, translated once for the week rather than once a cell."""

    past: str
    closed: str
    unavailable: str
    too_soon: str
    needs_notice: str
    not_yet: str
    too_far: str
    booked: str
    kept_free: str
    gap_too_short: str
    shorter_than: str
    second_time: str
    desks_free: str  # "%(left)d of %(seats)d desks free", in the plural form of the seats
    free: str
    yours: str

    @classmethod
    def of(cls, space: Space) -> "_Words":
        return cls(
            past=_("Past"),
            closed=_("Closed"),
            unavailable=_("Unavailable"),
            too_soon=_("Too soon"),
            needs_notice=_("Needs more notice"),
            not_yet=_("Not yet bookable"),
            too_far=_("Too far ahead"),
            booked=_("Fully booked") if space.is_desk_pool else _("Booked"),
            kept_free=_("Kept free between bookings"),
            gap_too_short=_("Gap too short"),
            shorter_than=_("A booking here would be shorter than %(min)s.")
            % {"min": duration_in_words(space.min_duration)},
            second_time=_("The second time this hour happens: the clocks have gone back."),
            desks_free=ngettext(
                "%(left)d of %(seats)d desk free", "%(left)d of %(seats)d desks free", space.seats
            ),
            free=_("Free"),
            yours=_("Yours"),
        )


@dataclass(frozen=True)
class _Week:
    """What every slot of one week is checked against, read once (`prefetch_space`: 2 queries)."""

    space: Space
    now: datetime
    opening: _Sorted
    closed: list[Blocked]
    free: _Sorted
    taken: _Sorted
    counts: list[int]  # seats held in each of `taken`'s pieces
    booked: _Sorted
    bookable: Interval
    own: list[tuple[Interval, str, str]]  # the member's own bookings: interval, title, link
    book_url: str  # the booking form of the space, without its query
    words: _Words
    shortest: timedelta  # the shortest booking a slot can start: a slot, or the minimum duration


def build_week_grid(
    space: Space, monday: date, *, now: datetime, member: Member | None = None
) -> WeekGrid:
    """The week of `space` from `monday` (a Monday in the venue's zone) to Sunday, slot by slot.

    A slot of `member`'s own booking reads "Yours" and links to it; anyone else's is only
    "Booked": the grid never shows another member's title or name. Two queries, whatever the
    number of bookings: opening hours, their exceptions, closures and unavailability in one, then
    the active holds with the member's own bookings among them (`prefetch_space`).
    """
    zone = space.venue.zone
    dates = [monday + timedelta(days=n) for n in range(8)]
    midnights = [wall_time_to_utc(day, time(0), zone) for day in dates]
    dates.pop()
    week = Interval(midnights[0], midnights[-1])

    known, own = prefetch_space(space, week, member=member)
    opening = venue_opening(space.venue, week, known.open)
    free = free_intervals(space, week, now=now, known=known)
    taken = seats_taken(space, week, known=known)
    facts = _Week(
        space=space,
        now=now,
        opening=_Sorted(opening),
        closed=closed_times(space, week, known.open),
        free=_Sorted(free),
        taken=_Sorted([piece for piece, _count in taken]),
        counts=[count for _piece, count in taken],
        booked=_Sorted(merge(piece for piece, count in taken if count >= space.seats)),
        bookable=bookable_window(space, now=now),
        own=[
            (
                Interval(booking.starts_at, booking.ends_at),
                booking.title,
                reverse("bookings:detail", kwargs={"pk": booking.pk}),
            )
            for booking in own
        ],
        book_url=reverse(
            "bookings:book", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
        ),
        words=_Words.of(space),
        shortest=max(space.min_duration, space.slot_step),
    )

    # Rows span the earliest opening to the latest closing wall time of the week (whole slots).
    spans = [_wall_minutes(interval, zone) for interval in opening]
    first_minute = min((start for start, _end in spans), default=0)
    last_minute = max((end for _start, end in spans), default=0)

    # Each link's words for a screen reader, translated once for the week, not once a cell.
    yours_aside = _("your booking, %(when)s")
    book_aside = _("book %(when)s")
    waitlist_aside = _("join the waiting list for %(when)s")
    days = []
    cells: dict[tuple[time, bool], list[Cell | None]] = {}
    for column, day in enumerate(dates):
        window = Interval(midnights[column], midnights[column + 1])
        day_name = date_format(day, "l j F")
        days.append(Day(date=day, hours=window.duration.total_seconds() / 3600, name=day_name))
        for slot in _day_slots(window.start, window.end, space.slot_step):
            local_start = slot.start.astimezone(zone)
            minute = local_start.hour * 60 + local_start.minute
            if not (first_minute <= minute < last_minute):
                continue
            key = (local_start.time(), bool(local_start.fold))
            row = cells.get(key)
            if row is None:
                row = cells[key] = [None] * 7
            cell = _own_cell(slot, facts) or _cell(slot, local_start, facts, repeated=key[1])
            cell.when = when = f"{day_name}, {_CLOCK[minute]}"
            if cell.booking_url:
                cell.aside = yours_aside % {"when": when}
            elif cell.book_url:
                cell.aside = book_aside % {"when": when}
            elif cell.waitlist_url:
                cell.aside = waitlist_aside % {"when": when}
            row[column] = cell
        for piece in clip(free, window):
            if piece.duration >= space.min_duration:
                starts, ends = piece.start.astimezone(zone), piece.end.astimezone(zone)
                first_end = (piece.start + space.min_duration).astimezone(zone)
                days[-1].free_times.append(
                    FreeTime(starts, ends, _query_url(facts.book_url, starts, first_end))
                )

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


def _own_cell(slot: Interval, facts: _Week) -> Cell | None:
    if slot.start < facts.now:
        return None
    for interval, title, url in facts.own:
        if interval.overlaps(slot):
            return Cell(State.YOURS, facts.words.yours, title, booking_url=url)
    return None


def _cell(slot: Interval, local_start: datetime, facts: _Week, *, repeated: bool) -> Cell:
    space, words = facts.space, facts.words
    if slot.start < facts.now:
        return Cell(State.PAST, words.past)
    if not facts.opening.covers(slot):
        return Cell(State.CLOSED, words.closed)
    for blocked in facts.closed:
        if blocked.interval.overlaps(slot):
            if (
                blocked.imported
            ):  # e.g. the church's services: the venue is open, the space is in use
                return Cell(State.UNAVAILABLE, words.unavailable, blocked.reason)
            return Cell(State.CLOSED, words.closed, blocked.reason)
    if slot.start < facts.bookable.start:
        return Cell(State.TOO_SOON, words.too_soon, words.needs_notice)
    if slot.end > facts.bookable.end:
        return Cell(State.TOO_FAR, words.not_yet, words.too_far)
    shortest = Interval(slot.start, slot.start + facts.shortest)
    if facts.booked.meeting(slot):
        return Cell(
            State.BOOKED,
            words.booked,
            waitlist_url=_query_url(
                facts.book_url, local_start, shortest.end.astimezone(space.venue.zone)
            ),
        )
    if not facts.free.covers(slot):
        return Cell(State.UNAVAILABLE, words.unavailable, words.kept_free)
    if not facts.free.covers(shortest):
        return Cell(State.UNAVAILABLE, words.gap_too_short, words.shorter_than)
    detail = words.second_time if repeated else ""
    if space.is_desk_pool:
        most = max((facts.counts[at] for at in facts.taken.meeting(slot)), default=0)
        detail += " " if detail else ""
        detail += words.desks_free % {"left": space.seats - most, "seats": space.seats}
    return Cell(
        State.FREE,
        words.free,
        detail,
        _query_url(facts.book_url, local_start, shortest.end.astimezone(space.venue.zone)),
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
