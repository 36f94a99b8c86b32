"""A backup and restore round trip gives back identical bookings (timestamps to the
microsecond), identical stats figures and identical feed ETags, on the database CI runs on.

Each run uses a database of its own (a SQLite file, or a PostgreSQL database created for it),
in fresh interpreters, the way an operator runs the commands."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"


def run(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    return subprocess.run(
        [python, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def manage(env: dict, *arguments: str) -> str:
    result = run(env, "manage.py", *arguments)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def fingerprint(env: dict) -> dict:
    result = run(env, "-m", "tests.operations.scene", "fingerprint")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def own_database(tmp_path: Path):
    """The environment of a database of this test's own, on the engine the suite runs on."""
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"
        yield env
        return
    settings = connection.settings_dict
    name = f"commonshare_backup_{uuid.uuid4().hex[:8]}"
    server = {
        "host": settings["HOST"] or "127.0.0.1",
        "port": settings["PORT"] or 5432,
        "user": settings["USER"] or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if settings["PASSWORD"]:
        server["password"] = settings["PASSWORD"]
    with psycopg.connect(**server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    env["DATABASE_URL"] = f"postgres://{auth}@{server['host']}:{server['port']}/{name}"
    yield env
    with psycopg.connect(**server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_booking_figure_and_feed_as_it_was(own_database, tmp_path):
    env = own_database
    manage(env, "migrate", "--noinput", "-v", "0")
    assert run(env, "-m", "tests.operations.scene", "seed").returncode == 0
    before = fingerprint(env)
    assert len(before["bookings"]) == 120
    # created_at and updated_at carry microseconds: the restore must keep them.
    assert all("." in row["created_at"] for row in before["bookings"])

    backup = tmp_path / "commonshare.backup"
    assert "Backed up to" in manage(env, "backup", str(backup))
    refused = run(env, "manage.py", "backup", str(backup))
    assert refused.returncode != 0 and "exists already" in refused.stderr

    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all\x00" * 100)
    assert run(env, "manage.py", "restore", "--yes", str(junk)).returncode != 0
    assert fingerprint(env) == before  # a bad file restores nothing

    # Lose data: cancel every booking, delete the feed token.
    lost = run(
        env,
        "manage.py",
        "shell",
        "-c",
        "from bookings.models import Booking; from feeds.models import FeedToken;"
        "Booking.objects.update(status='cancelled'); FeedToken.objects.all().delete()",
    )
    assert lost.returncode == 0, lost.stderr
    assert fingerprint(env) != before

    assert "Restored from" in manage(env, "restore", "--yes", str(backup))
    assert fingerprint(env) == before
