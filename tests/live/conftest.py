"""Fixtures that run Commonshare in real gunicorn servers (tests/live/servers.py) for a test module.

Use them from a test marked `postgres` (several processes share one database; SQLite in memory
cannot) that writes its scene with `transactional_db`, so the servers' own connections see it:

    pytestmark = pytest.mark.postgres

    def test_twenty_creates_for_one_room_slot_give_one_201(app_server, transactional_db):
        room = SpaceFactory()
        people = [Visitor.logged_in(app_server.base_url, MemberFactory()) for _ in range(20)]
        statuses = hammer(20, lambda n: people[n].post("/api/...", {...}).status)
        assert sorted(statuses) == [201] + [409] * 19
        assert app_server.tracebacks() == []

`app_server` is one server with four workers, started once per module; `start_app_server(...)`
starts more (two servers on one database and one Redis, say). Every server is stopped at the end
of the module, whatever happened. They share the test database and Redis database
LIVE_REDIS_URL (redis://127.0.0.1:6379/4 unless set), flushed before and after the module.
"""

import os
import socket
from collections.abc import Callable, Iterator
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.live.servers import PORTS, AppServer

REDIS_URL = os.environ.get("LIVE_REDIS_URL", "redis://127.0.0.1:6379/4")
_REPORT: list[str] = []


def pytest_terminal_summary(terminalreporter):
    """What the live tests measured, at the end of the run (pytest -q shows it too)."""
    if _REPORT:
        terminalreporter.section("live servers: what was measured")
        for line in _REPORT:
            terminalreporter.write_line(line)


@pytest.fixture
def live_report() -> list[str]:
    """Append lines here to have them printed at the end of the run."""
    return _REPORT


@pytest.fixture(scope="module")
def shared_redis() -> Iterator[str]:
    """The Redis database the servers share (their cache: rate limits), empty before and after."""
    try:
        import redis
    except ImportError:  # pragma: no cover - depends on the machine
        _missing("the Python package redis is not installed (pip install -e '.[dev]')")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        _missing(f"no Redis answers at {REDIS_URL}")
    client.flushdb()
    yield REDIS_URL
    client.flushdb()
    client.close()


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI is set but the live-server tests cannot run: {why}")
    pytest.skip(f"live-server tests skipped: {why}")


def _database_url() -> str:
    """The test database pytest-django created (test_<name>), as a URL for the servers."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.skip("live-server tests need PostgreSQL")
    user = quote(db["USER"] or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _free_port(taken: set[int]) -> int:
    for port in PORTS:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1} for a live server")


@pytest.fixture(scope="module")
def start_app_server(
    django_db_setup, django_db_blocker, shared_redis, tmp_path_factory
) -> Iterator[Callable[..., AppServer]]:
    """`start_app_server(workers=3)` starts one more gunicorn on the next free port and returns
    it, answering; all are stopped when the module ends (even when a test failed)."""
    log_dir = tmp_path_factory.mktemp("live-servers")
    with django_db_blocker.unblock():
        database_url = _database_url()
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": shared_redis,
        # Sessions made by this process (Visitor.logged_in) must be valid on the servers.
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "true",
        "TASKS_BACKEND": "immediate",
        "LOG_LEVEL": "WARNING",
    }
    servers: list[AppServer] = []

    def start(*, workers: int = 3) -> AppServer:
        port = _free_port({server.port for server in servers})
        server = AppServer(port=port, env=env, log_dir=log_dir, workers=workers)
        servers.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in servers:
            server.stop()


@pytest.fixture(scope="module")
def app_server(start_app_server) -> AppServer:
    """One gunicorn with four worker processes for the module (see start_app_server)."""
    return start_app_server(workers=4)
