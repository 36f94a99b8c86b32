"""Real app servers for tests: gunicorn, several worker processes, on 127.0.0.1.

An `AppServer` runs `gunicorn config.wsgi` as it runs in production (sync workers, each its own
process with its own database connections and memory) against the database pytest-django made,
so what a test sees is what several processes sharing PostgreSQL (and Redis) do, not what the
threads of one test process do. The fixtures in tests/live/conftest.py start and stop them.

Differences from production, on purpose: DEBUG stays on (production's static files storage needs
`collectstatic` first; a 500 is still a 500 and its traceback is still logged), emails go to the
console (the server's stdout file), tasks run at once in the worker that enqueued them.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# The ports these tests may use (8141-8149 unless LIVE_SERVER_FIRST_PORT says otherwise).
FIRST_PORT = int(os.environ.get("LIVE_SERVER_FIRST_PORT", "8141"))
PORTS = range(FIRST_PORT, FIRST_PORT + 9)


class ServerFailed(RuntimeError):
    """The server did not start, or died: the message carries the end of its error log."""


@dataclass
class AppServer:
    """One gunicorn process group serving Commonshare on 127.0.0.1:`port`.

    `env` is added to this process's environment (DATABASE_URL, REDIS_URL, SECRET_KEY...).
    Logs go to `log_dir`: `<port>.stdout` (printed emails), `<port>.stderr` (gunicorn's and
    Django's error log: every 500 leaves a traceback there) and `<port>.access`.
    """

    port: int
    env: dict[str, str]
    log_dir: Path
    workers: int = 3
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def error_log(self) -> Path:
        return self.log_dir / f"{self.port}.stderr"

    @property
    def access_log(self) -> Path:
        return self.log_dir / f"{self.port}.access"

    def start(self, *, timeout: float = 60) -> "AppServer":
        """Start gunicorn and return once it answers a page; ServerFailed if it cannot."""
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={self.workers}",
            "--worker-class=sync",
            # Django and the apps are imported once, then forked: starting 3-4 workers on a
            # busy 2-core machine takes seconds, not tens of seconds. Nothing opens a database
            # connection at import time, so no connection is shared across the fork.
            "--preload",
            "--timeout=60",
            "--graceful-timeout=5",
            f"--access-logfile={self.access_log}",
            # Status, time spent in the worker (microseconds) and method: no paths, which would
            # write feed tokens into the log (feeds.logging keeps them out of Django's).
            "--access-logformat=%(s)s %(D)s %(m)s",
            "--error-logfile=-",
        ]
        environment = {**os.environ, **self.env, "SITE_URL": self.base_url}
        # The server is not under pytest: settings.TESTING is false there, as in production.
        environment.pop("PYTEST_CURRENT_TEST", None)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with (
            open(self.log_dir / f"{self.port}.stdout", "ab") as stdout,
            open(self.error_log, "ab") as stderr,
        ):
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                cwd=BASE_DIR,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                # Its own process group, so stop() ends the master and every worker, even if the
                # master is stuck.
                start_new_session=True,
            )
        try:
            self._wait_until_it_answers(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_it_answers(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise ServerFailed(
                    f"gunicorn on port {self.port} exited with {self.process.returncode}:\n"
                    + self.log_tail()
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/venues/", timeout=5) as response:
                    if response.status == 200:
                        return
            except urllib.error.HTTPError as error:
                raise ServerFailed(
                    f"gunicorn on port {self.port} answered {error.code}:\n" + self.log_tail()
                ) from None
            except OSError:
                pass  # not listening yet
            time.sleep(0.2)  # polling a process we started, not waiting for time in a test
        raise ServerFailed(f"gunicorn on port {self.port} did not answer in {timeout} s")

    def stop(self) -> None:
        """End the master and its workers (the whole process group); kill them if they linger."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        if not self.error_log.exists():
            return "(no error log)"
        return "\n".join(self.error_log.read_text(errors="replace").splitlines()[-lines:])

    def tracebacks(self) -> list[str]:
        """Every Python traceback in the server's error log (a 500, a crashed worker, a task)."""
        if not self.error_log.exists():
            return []
        text = self.error_log.read_text(errors="replace")
        return ["Traceback" + chunk.split("\n\n", 1)[0] for chunk in text.split("Traceback")[1:]]

    def service_times(self) -> list[tuple[int, float]]:
        """(status, seconds in the worker) of every request answered so far, from the access log:
        beside the clients' own timings, it tells queueing (waiting for a free worker) apart."""
        if not self.access_log.exists():
            return []
        answered = []
        for line in self.access_log.read_text().splitlines():
            status, micros, _method = line.split(" ", 2)
            answered.append((int(status), int(micros) / 1_000_000))
        return answered

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
