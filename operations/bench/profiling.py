"""One profiled run of each contender (cProfile): the functions that take the most time of their
own, for whoever makes the case faster next."""

import cProfile
import pstats
import re
from pathlib import Path

from .measure import Case

ROOT = str(Path(__file__).resolve().parents[2])
SHOWN = 6


def _ours(filename: str) -> bool:
    """Commonshare's own code (not the libraries in the virtual environment, not the bench)."""
    return (
        filename.startswith(ROOT)
        and "site-packages" not in filename
        and "/operations/bench/" not in filename
    )


def _where(filename: str, name: str) -> str:
    if "site-packages/" in filename:
        filename = filename.split("site-packages/", 1)[1]
    elif filename.startswith(ROOT):
        filename = filename[len(ROOT) + 1 :]
    name = re.sub(r" at 0x[0-9a-f]+", "", name)  # built-ins' addresses differ from run to run
    return f"{filename}:{name}" if filename != "~" else name


def profile(case: Case) -> list[str]:
    """Markdown lines: the case, then its top functions by own time, with their share."""
    runner = case.contender
    if runner.prepare is not None:
        runner.prepare()
    profiler = cProfile.Profile()
    profiler.runcall(runner.run)
    stats = pstats.Stats(profiler)
    rows = stats.stats  # type: ignore[attr-defined]  # pstats keeps its table untyped
    total = sum(row[2] for row in rows.values()) or 1.0
    top = sorted(rows.items(), key=lambda item: item[1][2], reverse=True)[:SHOWN]
    parts = [
        f"{_where(filename, name)} {own / total:.0%} ({calls:,} calls)"
        for (filename, _line, name), (_cc, calls, own, _cum, _callers) in top
    ]
    ours = sorted(
        (
            (cum, filename, name)
            for (filename, _line, name), (_cc, _calls, _own, cum, _callers) in rows.items()
            # The outermost frames (the view, its decorators) hold everything: say what is inside.
            if _ours(filename) and cum < 0.97 * total
        ),
        reverse=True,
    )[:SHOWN]
    inside = [f"{_where(filename, name)} {cum / total:.0%}" for cum, filename, name in ours]
    return [
        f"- **{case.title}** ({total * 1000:,.0f} ms profiled). Own time: "
        + "; ".join(parts)
        + ". Commonshare's functions, time inside: "
        + ("; ".join(inside) or "none")
        + "."
    ]
