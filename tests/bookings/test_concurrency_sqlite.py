"""No double booking on SQLite, the default database: a file database with the project's settings, where
IMMEDIATE transactions make writers queue. Runs in a fresh interpreter (tests/bookings/sqlite_race.py)
because the test database of pytest-django on SQLite lives in memory and cannot show a race.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

THREADS = 20


# --- SQLite: a file database, with the project's IMMEDIATE transactions ------------------------

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sqlite_race(tmp_path_factory) -> dict:
    """Race 20 threads for a room and then a 5-seat pool in a fresh interpreter on a new SQLite file."""
    database = tmp_path_factory.mktemp("race") / "race.sqlite3"
    # Development settings (console email, no secret needed) whatever the calling environment says.
    env = {
        k: v for k, v in os.environ.items() if k not in {"EMAIL_SMTP_HOST", "DEBUG", "SECRET_KEY"}
    }
    env.update(DATABASE_URL=f"sqlite:///{database}", DJANGO_SETTINGS_MODULE="config.settings")
    python = ROOT / ".venv" / "bin" / "python"
    result = subprocess.run(
        [str(python) if python.exists() else sys.executable, "-m", "tests.bookings.sqlite_race"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line.removeprefix("RESULT "))


def test_on_sqlite_twenty_members_racing_for_one_room_slot_give_one_booking_and_clean_refusals(
    sqlite_race,
):
    outcomes = sqlite_race["room"]["outcomes"]
    assert sorted(outcomes) == ["refused"] * (THREADS - 1) + ["won"]
    assert sqlite_race["room"]["stored"] == 1


def test_on_sqlite_twenty_members_racing_for_a_five_seat_pool_give_five_bookings(sqlite_race):
    outcomes = sqlite_race["pool"]["outcomes"]
    assert sorted(outcomes) == ["refused"] * (THREADS - 5) + ["won"] * 5
    assert sqlite_race["pool"]["stored"] == 5
