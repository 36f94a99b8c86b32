"""Two senders at once (a task and the send_webhooks command, two machines): the second never
posts a delivery the first is still sending, and nothing is posted once delivered."""

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import connection

from bookings.events import KINDS
from tests.factories import MemberFactory, VenueFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.sending import send_delivery, send_due

from .conftest import PORTS

NOW = datetime(2027, 1, 4, 8, tzinfo=UTC)


class SlowReceiver:
    """Holds each request until `release` is set, so a post is still in flight meanwhile."""

    def __init__(self) -> None:
        self.arrived = threading.Event()
        self.release = threading.Event()
        self.posts = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts += 1
                receiver.arrived.set()
                receiver.release.wait(timeout=10)
                self.send_response(204)
                self.end_headers()

            def log_message(self, format, *args) -> None:
                pass

        for port in PORTS:
            try:
                self.server = HTTPServer(("127.0.0.1", port), Handler)
            except OSError:
                continue
            break
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def slow(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True
    receiver = SlowReceiver()
    yield receiver
    receiver.close()


@pytest.mark.django_db(transaction=True)
def test_a_delivery_in_flight_is_not_posted_by_a_second_sender(slow):
    venue = VenueFactory()
    endpoint = WebhookEndpoint.objects.create(
        venue=venue, url=slow.url, events=list(KINDS), created_by=MemberFactory()
    )
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, kind=KINDS[0], payload={"id": "x"}, created_at=NOW, next_attempt_at=NOW
    )
    results: list = []

    def first_sender() -> None:
        try:
            results.append(send_delivery(delivery_id=delivery.pk, now=NOW))
        finally:
            connection.close()

    sender = threading.Thread(target=first_sender)
    sender.start()
    assert slow.arrived.wait(timeout=10)  # the first sender's post is at the receiver
    assert send_delivery(delivery_id=delivery.pk, now=NOW) is None
    assert send_due(now=NOW) == []
    slow.release.set()
    sender.join(timeout=10)
    [sent] = results
    assert sent.status == "delivered" and sent.attempts == 1
    assert send_due(now=NOW) == [] and send_delivery(delivery_id=delivery.pk, now=NOW) is None
    assert slow.posts == 1
