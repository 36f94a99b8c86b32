"""Backing up and restoring the database the site runs on, with its engine's own tools.

SQLite: the online backup API (`sqlite3.Connection.backup`), a consistent copy taken page by page
while the site keeps running, restored the same way. PostgreSQL: `pg_dump --format=custom`,
restored with `pg_restore --clean --if-exists --single-transaction`, so a restore that fails
half-way changes nothing. Either round trip gives back every row as it was, timestamps to the
microsecond; caches (the database cache table included) are emptied after a restore.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.cache import caches
from django.db import connection


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def _postgres_arguments() -> tuple[list[str], dict[str, str]]:
    settings = connection.settings_dict
    arguments = ["--dbname", settings["NAME"]]
    if settings.get("HOST"):
        arguments += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        arguments += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        arguments += ["--username", settings["USER"]]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return arguments, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found: install the PostgreSQL client tools.")
    return path


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def back_up(*, to: Path) -> None:
    """Write a backup of the whole database to `to` (it must not exist yet)."""
    if to.exists():
        raise BackupError(f"{to} exists already: choose a new file name.")
    to.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(to)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        arguments, env = _postgres_arguments()
        _run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(to), *arguments], env
        )
    else:
        raise BackupError(f"Backups of {connection.vendor} are not supported.")


def restore(*, source: Path) -> None:
    """Replace the whole database with the backup in `source`. Stop the app servers first."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file.")
    if connection.vendor == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            backup.execute("PRAGMA schema_version")  # not a database: fails here, not half-way
            connection.ensure_connection()
            backup.backup(connection.connection)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite backup: {exc}") from exc
        finally:
            backup.close()
    elif connection.vendor == "postgresql":
        arguments, env = _postgres_arguments()
        connection.close()
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *arguments,
                str(source),
            ],
            env,
        )
    else:
        raise BackupError(f"Restores of {connection.vendor} are not supported.")
    for cache in caches.all(initialized_only=False):
        cache.clear()
