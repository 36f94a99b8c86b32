"""Timing: each case's contender, peer and floor run interleaved, N rounds, in one process.

Interleaving (a round runs each once, in a rotating order) means a burst of load on the shared
machine falls on all of them alike, so the ratios, measured in the same run on the same data,
hold better than the absolute times. Queries are counted in one more run of each, untimed
(CaptureQueriesContext), so that counting them adds nothing to the times.
"""

import statistics
import time as clock
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlparse
from django.db import connection
from django.test.utils import CaptureQueriesContext


@dataclass
class Runner:
    """One way of answering a case's question: `run` is timed; `prepare` (untimed) goes before
    each run, e.g. to empty a cache or change a booking. `run` returns the answer, which `check`
    (untimed) may verify, returning a note for the table."""

    label: str
    run: Callable[[], object]
    prepare: Callable[[], None] | None = None
    check: Callable[[object], str] | None = None


@dataclass
class Timing:
    label: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    savepoints: list[int] = field(default_factory=list)
    statements: Counter[str] = field(default_factory=Counter)  # of the last run, by first word
    notes: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.seconds), max(self.seconds)

    @property
    def query_count(self) -> int:
        return statistics.median_low(self.queries)


@dataclass
class Case:
    """A question answered by the contender (Commonshare), a peer (django-scheduler, a plain
    loop) and/or a floor (one raw SQL query, a bare view). `goal` says what the issue asks for."""

    key: str
    title: str
    contender: Runner
    peer: Runner | None = None
    floor: Runner | None = None
    goal: str = ""
    # The goal in numbers: at least this many times faster than the peer; at most this many
    # times the floor's time (for a rate, 2 means at least half the floor's rate).
    faster_than_peer: float | None = None
    within_floor: float | None = None
    # Shown as a rate (per second) rather than a time: booking creation.
    per_second: bool = False
    # Rounds for each one of --repeat: a case whose run is one short request (booking
    # creation, a few milliseconds) takes more, so that one slow request moves its median less.
    rounds_per_repeat: int = 1
    extra: Callable[[], str] | None = None  # untimed facts after the runs (JIT fired, overlaps)


@dataclass
class Result:
    case: Case
    contender: Timing
    peer: Timing | None
    floor: Timing | None
    extra: str = ""

    def ratio(self, other: Timing | None) -> float | None:
        """How many times the contender's median time `other`'s is (> 1: the contender is slower)."""
        if other is None or other.median <= 0:
            return None
        return self.contender.median / other.median

    @property
    def met(self) -> bool | None:
        """Whether the numeric goals hold in this run (None: the case has none)."""
        checks = []
        if self.case.faster_than_peer is not None and (ratio := self.ratio(self.peer)):
            checks.append(1 / ratio >= self.case.faster_than_peer)
        if self.case.within_floor is not None and (ratio := self.ratio(self.floor)):
            checks.append(ratio <= self.case.within_floor)
        return all(checks) if checks else None


def statement_kind(sql: str) -> str:
    """A statement's first word: "SELECT" for "(SELECT ...) UNION ALL (SELECT ...)" too."""
    words = sql.lstrip("( \n").split(None, 1)
    return words[0].upper() if words else ""


def _time_once(runner: Runner, timing: Timing) -> None:
    if runner.prepare is not None:
        runner.prepare()
    started = clock.perf_counter()
    answer = runner.run()
    timing.seconds.append(clock.perf_counter() - started)
    if runner.check is not None:
        note = runner.check(answer)
        if note and note not in timing.notes:
            timing.notes.append(note)


def _count_once(runner: Runner, timing: Timing) -> None:
    """One more run, untimed, with its queries counted: the debug cursor that records them
    costs time for every query, which in a timed run would weigh most on whichever runner
    makes the most (about 0.05 ms a query here)."""
    if runner.prepare is not None:
        runner.prepare()
    with CaptureQueriesContext(connection) as queries:
        runner.run()
    timing.queries.append(len(queries.captured_queries))
    timing.savepoints.append(
        sum(1 for q in queries.captured_queries if q["sql"].startswith("SAVEPOINT"))
    )
    # A query may carry several statements (the Book step's lock and its reads, on PostgreSQL):
    # each is counted, split as sqlparse (Django's own dependency) splits them, quotes and all.
    timing.statements = Counter(
        statement_kind(statement)
        for q in queries.captured_queries
        for statement in sqlparse.split(q["sql"])
    )


def measure(case: Case, *, repeat: int) -> Result:
    """Run each of the case's runners once to warm up (imports, plans, connections) and once
    to count its queries, then `repeat` rounds (times the case's `rounds_per_repeat`), each
    runner once per round, the order rotating from round to round."""
    runners = [r for r in (case.contender, case.peer, case.floor) if r is not None]
    timings = {id(r): Timing(r.label) for r in runners}
    for runner in runners:  # warm-up, not timed
        if runner.prepare is not None:
            runner.prepare()
        runner.run()
        _count_once(runner, timings[id(runner)])
    for round_ in range(repeat * case.rounds_per_repeat):
        shift = round_ % len(runners)
        for runner in runners[shift:] + runners[:shift]:
            _time_once(runner, timings[id(runner)])
    return Result(
        case=case,
        contender=timings[id(case.contender)],
        peer=timings[id(case.peer)] if case.peer else None,
        floor=timings[id(case.floor)] if case.floor else None,
        extra=case.extra() if case.extra else "",
    )
