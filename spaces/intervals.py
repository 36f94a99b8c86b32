"""Half-open time intervals [start, end) and the little arithmetic availability needs."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, order=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Interval ends before it starts: {self.start} – {self.end}")

    @property
    def duration(self):
        return self.end - self.start

    def overlaps(self, other: "Interval") -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: "Interval") -> bool:
        return self.start <= other.start and other.end <= self.end


def merge(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping union; touching intervals join (10–11 and 11–12 become 10–12)."""
    result: list[Interval] = []
    for interval in sorted(i for i in intervals if i.end > i.start):
        if result and interval.start <= result[-1].end:
            if interval.end > result[-1].end:
                result[-1] = Interval(result[-1].start, interval.end)
        else:
            result.append(interval)
    return result


def subtract(intervals: Iterable[Interval], holes: Iterable[Interval]) -> list[Interval]:
    """`intervals` minus every one of `holes`."""
    holes = merge(holes)
    result: list[Interval] = []
    for interval in merge(intervals):
        start = interval.start
        for hole in holes:
            if hole.end <= start or hole.start >= interval.end:
                continue
            if hole.start > start:
                result.append(Interval(start, hole.start))
            start = max(start, hole.end)
            if start >= interval.end:
                break
        if start < interval.end:
            result.append(Interval(start, interval.end))
    return result


def clip(intervals: Iterable[Interval], window: Interval) -> list[Interval]:
    """The parts of `intervals` inside `window`."""
    result = []
    for interval in intervals:
        start, end = max(interval.start, window.start), min(interval.end, window.end)
        if start < end:
            result.append(Interval(start, end))
    return result


def saturated(intervals: Iterable[Interval], limit: int) -> list[Interval]:
    """Where at least `limit` of `intervals` run at once (a sweep over their ends)."""
    edges: list[tuple[datetime, int]] = []
    for interval in intervals:
        if interval.end > interval.start:
            edges.append((interval.start, 1))
            edges.append((interval.end, -1))
    # At equal instants ends (-1) sort before starts (+1): half-open intervals touching do not stack.
    edges.sort()
    result: list[Interval] = []
    running = 0
    opened_at: datetime | None = None
    for instant, step in edges:
        running += step
        if running >= limit and opened_at is None:
            opened_at = instant
        elif running < limit and opened_at is not None:
            if instant > opened_at:
                result.append(Interval(opened_at, instant))
            opened_at = None
    return merge(result)
