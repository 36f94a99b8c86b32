"""A real HTTP receiver on 127.0.0.1 (ports 8121-8129) that checks every signature, and the
endpoints that point at it."""

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from bookings.events import KINDS
from webhooks.models import WebhookEndpoint
from webhooks.signing import HEADER, verify

PORTS = range(8121, 8130)


@dataclass
class Received:
    body: dict
    event_id: str
    signed: bool  # the signature checked out, with a timestamp within five minutes
    answered: int


@dataclass
class Receiver:
    url: str = ""
    secret: str = ""
    # What to answer to the next requests (then 200): e.g. [500, 500] fails twice.
    answers: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [one.body["kind"] for one in self.received if one.answered == 200]

    def delivered(self) -> list[Received]:
        return [one for one in self.received if one.answered == 200]


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            signed = verify(receiver.secret, body, self.headers[HEADER] or "", now=time.time())
            answer = receiver.answers.pop(0) if receiver.answers else 200
            receiver.received.append(
                Received(json.loads(body), self.headers["Commonshare-Event-Id"], signed, answer)
            )
            self.send_response(answer)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    for port in PORTS:
        try:
            server = HTTPServer(("127.0.0.1", port), _handler(found))
        except OSError:
            continue
        break
    else:
        raise RuntimeError("no free port in 8121-8129 for the test receiver")
    found.url = f"http://127.0.0.1:{port}/hooks/commonshare"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield found
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True


@pytest.fixture
def endpoint(db, venue, manager, receiver, loopback) -> WebhookEndpoint:
    made = WebhookEndpoint.objects.create(
        venue=venue, url=receiver.url, events=list(KINDS), created_by=manager
    )
    receiver.secret = made.secret
    return made
