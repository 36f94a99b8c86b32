"""Open time cut into segments for the stats (stats/occupancy.py): pieces of open time that never
cross a local hour, a UTC hour or a peak boundary, and what the stats' passes read of them.

`split_open_time` cuts one space's open intervals; a `Cut` holds one such list with its columns
(starts and ends, for clipping bookings by bisection) and its hours grouped by day and by
weekday-and-hour cell, so a day's or a cell's open hours are added up once per cut, not once per
space. `OpenSegments` is the venue's segments, space after space, numbered as one sequence: the
spaces with no closure or unavailability of their own share one `Cut` instead of a copy each.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple, overload
from zoneinfo import ZoneInfo

from spaces.intervals import Interval
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc

EPOCH = date(1970, 1, 1)


class Segment(NamedTuple):
    """A piece of open time of one space inside one local hour (and one UTC hour), peak or not.

    `start` and `end` are POSIX seconds (UTC): segments are many (a venue's year has tens of
    thousands), so they are light tuples, and the database reads numbers.
    """

    space_id: int
    day: date
    weekday: int
    hour: int
    peak: bool
    start: float
    end: float
    hours: float


def _offset_seconds(local: datetime) -> float:
    """The UTC offset of a datetime in a zone, in seconds."""
    offset = local.utcoffset()
    assert offset is not None  # aware: made by astimezone
    return offset.total_seconds()


def split_open_time(space: Space, intervals: list[Interval], venue: Venue) -> list[Segment]:
    """Cut open intervals at local hours, UTC hours and the venue's daily peak start and end.

    Most intervals are one day's opening, the same shape as many other days'; each shape is cut
    once (`_cut`) and its pieces shifted to every day of that shape.
    """
    zone, space_id = venue.zone, space.pk
    # Local day number (days since 1970-01-01) -> (date, weekday, peak start, peak end).
    local_days: dict[int, tuple[date, int, float, float]] = {}

    def local_day(day_number: int) -> tuple[date, int, float, float]:
        if day_number not in local_days:
            day = EPOCH + timedelta(days=day_number)
            local_days[day_number] = (
                day,
                day.weekday(),
                wall_time_to_utc(day, venue.peak_starts, zone).timestamp(),
                wall_time_to_utc(day, venue.peak_ends, zone).timestamp(),
            )
        return local_days[day_number]

    shapes: dict[tuple[float, ...], list[tuple[int, bool, float, float, float]]] = {}
    new = tuple.__new__
    segments = []
    for interval in intervals:
        start, end = interval.start.timestamp(), interval.end.timestamp()
        offset = _offset_seconds(interval.start.astimezone(zone))
        last = (interval.end - timedelta(microseconds=1)).astimezone(zone)
        day_number = int((start + offset) // 86400)
        if offset != _offset_seconds(last) or int((end - 1 + offset) // 86400) != day_number:
            # Across a clock change or a local midnight: cut step by step.
            segments += _cut(space_id, start, end, zone, local_day)
            continue
        day, weekday, peak_starts, peak_ends = local_day(day_number)
        shape = (start % 86400, end - start, offset, peak_starts - start, peak_ends - start)
        pieces = shapes.get(shape)
        if pieces is None:
            pieces = shapes[shape] = [
                (s.hour, s.peak, s.start - start, s.end - start, s.hours)
                for s in _cut(space_id, start, end, zone, local_day)
            ]
        # tuple.__new__: the same Segment, without NamedTuple's slower constructor.
        segments += [
            new(
                Segment,
                (space_id, day, weekday, hour, peak, start + rel_start, start + rel_end, hours),
            )
            for hour, peak, rel_start, rel_end, hours in pieces
        ]
    return segments


def _cut(
    space_id: int,
    start: float,
    end: float,
    zone: ZoneInfo,
    local_day: Callable[[int], tuple[date, int, float, float]],
) -> list[Segment]:
    """[start, end) cut at local hours, UTC hours and each local day's peak start and end."""
    segments = []
    offset = _offset_seconds(datetime.fromtimestamp(start, UTC).astimezone(zone))
    last = datetime.fromtimestamp(end, UTC) - timedelta(microseconds=1)
    # Within an interval that does not cross a clock change the local time is plain
    # arithmetic; across one (a night opening on the DST days) each step asks the zone.
    steady = offset == _offset_seconds(last.astimezone(zone))
    while start < end:
        if not steady:
            offset = _offset_seconds(datetime.fromtimestamp(start, UTC).astimezone(zone))
        local_seconds = start + offset
        day, weekday, peak_starts, peak_ends = local_day(int(local_seconds // 86400))
        stop = min(end, start - local_seconds % 3600 + 3600, start - start % 3600 + 3600)
        if start < peak_starts < stop:
            stop = peak_starts
        elif start < peak_ends < stop:
            stop = peak_ends
        hour = int(local_seconds % 86400 // 3600)
        peak = peak_starts <= start < peak_ends
        segments.append(
            Segment(space_id, day, weekday, hour, peak, start, stop, (stop - start) / 3600)
        )
        start = stop
    return segments


# The open hours of a day or of a heatmap cell, in the order of its segments, and whether each
# segment is in the peak.
Pieces = tuple[list[float], list[bool]]


class Cut:
    """One space's open time cut into segments, with the columns and groupings the stats read.

    A cut may be shared by several spaces (the venue's open time, for the spaces with no closure
    of their own): its segments then carry the id of the first of them.
    """

    __slots__ = ("cells", "days", "ends", "segments", "starts")

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.starts = [segment.start for segment in segments]
        self.ends = [segment.end for segment in segments]
        # Each day's and each (weekday, local hour) cell's hours and peaks, segment by segment:
        # added up in this order, they give exactly what a pass over the segments gives.
        self.days: dict[date, Pieces] = {}
        self.cells: dict[tuple[int, int], Pieces] = {}
        days, cells = self.days, self.cells
        last_day: date | None = None
        day_hours: list[float] = []
        day_peaks: list[bool] = []
        for _space_id, day, weekday, hour, peak, _start, _end, hours in segments:
            if day != last_day:
                last_day = day
                found = days.get(day)
                if found is None:
                    found = days[day] = ([], [])
                day_hours, day_peaks = found
            day_hours.append(hours)
            day_peaks.append(peak)
            cell = cells.get((weekday, hour))
            if cell is None:
                cell = cells[(weekday, hour)] = ([], [])
            cell[0].append(hours)
            cell[1].append(peak)


class OpenSegments(Sequence[Segment]):
    """The segments of several spaces, space after space in the order given, numbered as one
    sequence (a booked row's segment index) without a copy of a shared cut per space."""

    def __init__(self, cuts: list[tuple[int, Cut]]) -> None:
        # (space id, index of its first segment, its cut)
        self.runs: list[tuple[int, int, Cut]] = []
        first = 0
        for space_id, cut in cuts:
            self.runs.append((space_id, first, cut))
            first += len(cut.segments)
        self._firsts = [first for _space_id, first, _cut in self.runs]
        self._length = first

    def __len__(self) -> int:
        return self._length

    def locate(self, idx: int) -> tuple[int, Segment]:
        """The space of segment `idx` and that segment as its cut holds it (whose `space_id` may
        be another space's that shares the cut)."""
        if not 0 <= idx < self._length:
            raise IndexError(idx)
        space_id, first, cut = self.runs[bisect_right(self._firsts, idx) - 1]
        return space_id, cut.segments[idx - first]

    def locate_all(self, indexes: Iterable[int]) -> list[tuple[int, Segment]]:
        """`locate` of each of `indexes`: fastest in increasing order (a booked row's), where it
        stays on one space's segments until they run out."""
        located: list[tuple[int, Segment]] = []
        append = located.append
        space_id, first, end, cut_segments = 0, 0, 0, []
        for idx in indexes:
            if not first <= idx < end:
                if not 0 <= idx < self._length:
                    raise IndexError(idx)
                space_id, first, cut = self.runs[bisect_right(self._firsts, idx) - 1]
                end, cut_segments = first + len(cut.segments), cut.segments
            append((space_id, cut_segments[idx - first]))
        return located

    @overload
    def __getitem__(self, idx: int) -> Segment: ...

    @overload
    def __getitem__(self, idx: slice) -> list[Segment]: ...

    def __getitem__(self, idx: int | slice) -> Segment | list[Segment]:
        if isinstance(idx, slice):
            return list(self)[idx]
        space_id, segment = self.locate(idx + self._length if idx < 0 else idx)
        return segment if segment.space_id == space_id else _with_space(segment, space_id)

    def __iter__(self) -> Iterator[Segment]:
        for space_id, _first, cut in self.runs:
            for segment in cut.segments:
                yield segment if segment.space_id == space_id else _with_space(segment, space_id)


def _with_space(segment: Segment, space_id: int) -> Segment:
    return tuple.__new__(Segment, (space_id, *segment[1:]))
