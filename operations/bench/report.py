"""The benchmark's table, as printed and as written to docs/benchmarks.md: the machine, its load,
the versions, the dataset, then per case the medians, spreads, queries and the ratios of this run."""

import os
import platform
import statistics
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.db import connection

from .measure import Result, Timing
from .seed import Seeded


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram() -> str:
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{pages * size / 2**30:.1f} GiB"


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def machine(load_before: str) -> list[str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            database = f"PostgreSQL {cursor.fetchone()[0]}"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version}"
    return [
        f"- Machine: {_cpu()}, {os.cpu_count()} cores, {_ram()} RAM; {platform.system()} {platform.release()}",
        f"- Load average (1/5/15 min): {load_before} before, {load()} after",
        f"- {database}; Python {platform.python_version()}, Django {_version('django')}, "
        f"django-scheduler {_version('django-scheduler')}, icalendar {_version('icalendar')}",
        f"- Shared cache: {_cache_backend()}",
    ]


def _cache_backend() -> str:
    """Which cache the cached answers used: it decides what a cache hit costs."""
    from django.conf import settings

    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"RedisCache": "Redis", "DatabaseCache": "the database cache table"}.get(
        backend, backend
    )


def dataset(seeded: Seeded) -> list[str]:
    from schedule.models import Event

    from bookings.models import Booking

    s = seeded.scale
    size = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_total_relation_size('bookings_booking'),"
                " pg_total_relation_size('schedule_event'), pg_database_size(current_database())"
            )
            bookings, events, database = cursor.fetchone()
        size = (
            f"; on disk: bookings {bookings / 2**20:,.0f} MiB with indexes, mirror events "
            f"{events / 2**20:,.0f} MiB, the database {database / 2**20:,.0f} MiB"
        )
    return [
        f"- Dataset: {s.venues} venues, {s.spaces} spaces, {s.members:,} members, "
        f"{Booking.objects.count():,} bookings ({Event.objects.count():,} mirror events) "
        f"from {seeded.first_day} to {seeded.last_day}; seeded in {seeded.seconds:,.1f} s "
        f"on {seeded.vendor}{size}",
    ]


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 1 else f"{ms:.2f}"


def _cell(timing: Timing | None, per_second: bool) -> str:
    if timing is None:
        return "–"
    low, high = timing.spread
    if per_second:
        return (
            f"{1 / timing.median:,.1f}/s ({1 / high:,.1f}–{1 / low:,.1f}), {timing.query_count} q"
        )
    return f"{_ms(timing.median)} ms ({_ms(low)}–{_ms(high)}), {timing.query_count} q"


def _versus_peer(result: Result) -> str:
    ratio = result.ratio(result.peer)
    if ratio is None:
        return "–"
    return f"**{1 / ratio:.1f}× faster**" if ratio < 1 else f"**{ratio:.1f}× slower**"


def _versus_floor(result: Result) -> str:
    ratio = result.ratio(result.floor)
    if ratio is None:
        return "–"
    if result.case.per_second:
        return f"**1/{ratio:.1f} of its rate**"
    return f"**{ratio:.1f}× the floor**"


def _notes(result: Result) -> str:
    notes = []
    for timing in (result.contender, result.peer, result.floor):
        if timing is not None and timing.notes:
            notes.append(f"{timing.label}: {'; '.join(timing.notes)}")
    savepoints = result.contender.savepoints
    if any(savepoints) or result.case.key == "create":  # what a booking's statements are
        kinds = ", ".join(f"{n} {word}" for word, n in result.contender.statements.most_common())
        notes.append(
            f"{statistics.median_low(savepoints)} savepoints per run (statements: {kinds})"
        )
    if result.extra:
        notes.append(result.extra)
    return "; ".join(notes).replace("|", "/")


def table(results: list[Result], *, repeat: int) -> list[str]:
    lines = [
        f"Median of {repeat} interleaved runs (fastest–slowest), queries per run; ratios of "
        "medians from this run, on this data.",
        "",
        "| case | Commonshare | peer | floor | vs peer | vs floor | goal | met | notes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        per_second = result.case.per_second
        met = {True: "yes", False: "**no**", None: "–"}[result.met]
        lines.append(
            f"| {result.case.title} "
            f"| {_cell(result.contender, per_second)} "
            f"| {(result.peer.label + ': ' + _cell(result.peer, per_second)) if result.peer else '–'} "
            f"| {(result.floor.label + ': ' + _cell(result.floor, per_second)) if result.floor else '–'} "
            f"| {_versus_peer(result)} | {_versus_floor(result)} | {result.case.goal} | {met} "
            f"| {_notes(result)} |"
        )
    return lines


def document(
    results: list[Result], *, seeded: Seeded, repeat: int, load_before: str, profile: list[str]
) -> str:
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {when} by `manage.py bench` ({seeded.vendor}).",
        "",
        *machine(load_before),
        *dataset(seeded),
        "",
        *table(results, repeat=repeat),
    ]
    if profile:
        lines += ["", "Where the contenders' time goes (cProfile, one run each):", "", *profile]
    return "\n".join(lines) + "\n"


def write(path: Path, body: str, *, section: str) -> None:
    """Put `body` between the markers of `section` (the database: each has its own table) in
    `path` (made if missing), keeping the text around them."""
    START, END = f"<!-- bench:{section}:start -->", f"<!-- bench:{section}:end -->"
    text = path.read_text() if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START not in text or END not in text:
        text = text.rstrip("\n") + f"\n\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _old, tail = rest.split(END, 1)
    path.write_text(f"{head}{START}\n{body}{END}{tail}")
