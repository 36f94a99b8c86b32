"""HTTP clients for the live servers: one `Visitor` is one person's browser (cookies, CSRF token).

Plain `http.client`, one connection per request (gunicorn's sync workers close each one), no
redirect following: a test reads the status and Location itself. Each response records how long
it took, so a load test can report latencies.
"""

import http.client
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.test import Client

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


@dataclass
class Visitor:
    """A browser on `base_url`: keeps its cookies and the CSRF token of the last form it saw."""

    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf_token: str = ""
    timeout: float = 60

    @classmethod
    def logged_in(cls, base_url: str, member: Any) -> "Visitor":
        """A visitor already signed in as `member`: a session made in the database (as the login
        form would), no password hashing on the server. The server needs the same SECRET_KEY."""
        client = Client()
        client.force_login(member)
        return cls(base_url, cookies={"sessionid": client.cookies["sessionid"].value})

    def on(self, base_url: str) -> "Visitor":
        """The same browser (a copy of its cookies) pointed at another server."""
        return Visitor(base_url, cookies=dict(self.cookies), csrf_token=self.csrf_token)

    def get(self, path: str, params: dict[str, str] | None = None) -> Response:
        if params:
            path = f"{path}?{urlencode(params)}"
        response = self._send("GET", path)
        if match := CSRF_FIELD.search(response.text):
            self.csrf_token = match.group(1)
        return response

    def post(self, path: str, data: dict[str, str]) -> Response:
        """POST a form with the CSRF token (GET a page with a form first to have one)."""
        body = urlencode({"csrfmiddlewaretoken": self.csrf_token, **data})
        response = self._send(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if match := CSRF_FIELD.search(response.text):
            self.csrf_token = match.group(1)
        return response

    def post_json(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Response:
        """POST a JSON body (an API call: a token in `headers` instead of the CSRF token)."""
        return self._send(
            "POST", path, json.dumps(data), {"Content-Type": "application/json", **(headers or {})}
        )

    def _send(
        self, method: str, path: str, body: str | None = None, headers: dict | None = None
    ) -> Response:
        parts = urlsplit(self.base_url)
        assert parts.hostname and parts.port
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        all_headers = {"Accept-Language": "en-GB", **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=all_headers)
            raw = connection.getresponse()
            text = raw.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Response(raw.status, raw.headers, text, seconds)


def hammer[T](count: int, attempt: Callable[[int], T], *, timeout: float = 120) -> list[T]:
    """Call `attempt(0)` ... `attempt(count - 1)` in `count` threads released at the same moment
    (a barrier), and return their results in that order. An exception in a thread is re-raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = attempt(index)
        except BaseException as error:  # noqa: BLE001 - handed back to the test below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a request never came back"
    if errors:
        raise errors[0]
    return results
