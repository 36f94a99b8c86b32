"""Two retries of one booking, with one Idempotency-Key, at the same moment: one booking, and
both answers are it. PostgreSQL only (CI always runs it): SQLite cannot show a race."""

import threading

import pytest
import time_machine
from django.db import connection
from rest_framework.test import APIClient

from api.tokens import create_api_token
from bookings.models import Booking
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_racing_retries_with_one_key_make_one_booking():
    space = SpaceFactory()
    member = MemberFactory()
    _token, secret = create_api_token(owner=member, name="Race")
    body = {
        "space": space.pk,
        "starts_at": "2027-01-05T10:00:00Z",
        "ends_at": "2027-01-05T11:00:00Z",
        "title": "Volunteer induction",
    }
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def attempt() -> None:
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/bookings/", body, format="json", HTTP_IDEMPOTENCY_KEY="retry-1"
            )
            with lock:
                answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=True):
        threads = [threading.Thread(target=attempt) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert Booking.objects.count() == 1
    booking = Booking.objects.get()
    assert [status for status, _ in answers] == [201] * THREADS
    assert {data["id"] for _, data in answers} == {booking.pk}
