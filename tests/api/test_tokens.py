from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiToken, digest
from api.tokens import create_api_token
from bookings.models import Booking
from tests.api.conftest import client_with_token
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/bookings/"


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_stored_only_as_its_hash(member):
    token, secret = create_api_token(owner=member, name="Website")
    assert secret.startswith("cs_") and len(secret) > 40
    stored = ApiToken.objects.get()
    assert stored.hashed == digest(secret) != secret
    assert secret not in str(ApiToken.objects.values().get())
    assert stored.start == secret[:10]


def test_a_token_authenticates_its_owner_and_notes_when_it_was_used(member):
    _token, secret = create_api_token(owner=member, name="Website")
    assert bearer(secret).get(ME).status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer cs_unknown", "Bearer", "Bearer a b"])
def test_a_wrong_token_is_a_401_not_the_anonymous_answer(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/venues/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_stops_working_at_once(member):
    token, secret = create_api_token(owner=member, name="Website")
    client = Client()
    client.force_login(member)
    response = client.post(reverse("api:revoke_token", kwargs={"pk": token.pk}))
    assert response.status_code == 302
    assert bearer(secret).get(ME).status_code == 401


def test_an_expired_token_stops_working(member):
    with time_machine.travel(datetime(2027, 1, 1, tzinfo=UTC), tick=False):
        _token, secret = create_api_token(
            owner=member, name="Trial", expires_at=datetime(2027, 1, 2, tzinfo=UTC)
        )
        assert bearer(secret).get(ME).status_code == 200
    with time_machine.travel(datetime(2027, 1, 2, tzinfo=UTC), tick=False):
        assert bearer(secret).get(ME).status_code == 401


def test_a_closed_accounts_tokens_stop_working(member):
    _token, secret = create_api_token(owner=member, name="Website")
    member.is_active = False
    member.save()
    assert bearer(secret).get(ME).status_code == 401


def test_a_read_only_token_reads_but_may_not_change_anything(frozen_now, member, room):
    booking = BookingFactory(space=room, booker=member)
    client = client_with_token(member, read_only=True)
    assert client.get(ME).status_code == 200
    response = client.post(f"{ME}{booking.pk}/cancel/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert "read-only" in response.json()["message"]
    created = client.post(
        ME,
        {
            "space": room.pk,
            "starts_at": "2027-01-05T12:00:00Z",
            "ends_at": "2027-01-05T13:00:00Z",
            "title": "x",
        },
        format="json",
    )
    assert created.status_code == 403
    assert Booking.objects.get().status == Booking.Status.CONFIRMED
    assert Booking.objects.count() == 1


def test_the_browser_session_works_and_keeps_its_csrf_check(frozen_now, member, room):
    booking = BookingFactory(space=room, booker=member)
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get(ME).status_code == 200
    response = client.post(f"{ME}{booking.pk}/cancel/", {}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["message"]
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_the_tokens_page_shows_a_new_token_once(member):
    client = Client()
    client.force_login(member)
    response = client.post(
        reverse("api:tokens"), {"name": "Volunteering office", "read_only": "on"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert token.name == "Volunteering office" and token.read_only
    secret = response.context["secret"]
    assert digest(secret) == token.hashed
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    again = client.get(reverse("api:tokens"))
    assert secret not in again.content.decode()
    assert "Volunteering office" in again.content.decode()


def test_the_tokens_page_refuses_a_nameless_or_past_token_and_writes_nothing(member):
    client = Client()
    client.force_login(member)
    assert client.post(reverse("api:tokens"), {"name": ""}).status_code == 400
    past = client.post(reverse("api:tokens"), {"name": "Old", "expires_on": "2001-01-01"})
    assert past.status_code == 400
    assert "future" in past.content.decode()
    assert not ApiToken.objects.exists()


def test_the_tokens_page_is_reached_from_the_account_page(member):
    client = Client()
    client.force_login(member)
    assert reverse("api:tokens") in client.get(reverse("members:account")).content.decode()


def test_another_members_token_cannot_be_revoked(member, other_member):
    token, secret = create_api_token(owner=member, name="Website")
    client = Client()
    client.force_login(other_member)
    assert client.post(reverse("api:revoke_token", kwargs={"pk": token.pk})).status_code == 404
    assert ApiToken.objects.get().revoked_at is None
    assert client.get(reverse("api:revoke_token", kwargs={"pk": token.pk})).status_code == 405


def test_a_member_may_hold_twenty_live_tokens(member):
    for number in range(20):
        create_api_token(owner=member, name=f"Token {number}")
    client = Client()
    client.force_login(member)
    response = client.post(reverse("api:tokens"), {"name": "One too many"})
    assert response.status_code == 400
    assert ApiToken.objects.count() == 20


def test_rate_limits_answer_429_with_retry_after(settings, member):
    settings.API_RATE_ANONYMOUS = "2/min"
    from django.core.cache import cache

    cache.clear()
    client = APIClient()
    assert [client.get("/api/v1/venues/").status_code for _ in range(2)] == [200, 200]
    response = client.get("/api/v1/venues/")
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    cache.clear()


def test_a_token_expiring_inside_an_hour_is_still_shown_as_live_until_then(member):
    now = datetime(2027, 1, 4, 8, tzinfo=UTC)
    token, _secret = create_api_token(
        owner=member, name="Short", expires_at=now + timedelta(hours=1), now=now
    )
    assert token.is_live(now) and not token.is_live(now + timedelta(hours=1))


def test_closing_an_account_deletes_its_api_tokens_and_keys(frozen_now, member, room):
    from api.models import IdempotencyKey
    from operations.privacy import close_account

    client = client_with_token(member)
    client.post(
        ME,
        {
            "space": room.pk,
            "starts_at": "2027-01-05T10:00:00Z",
            "ends_at": "2027-01-05T11:00:00Z",
            "title": "x",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    assert IdempotencyKey.objects.exists()
    close_account(member=member)
    assert not ApiToken.objects.exists()
    assert not IdempotencyKey.objects.exists()
    assert client.get(ME).status_code == 401


def test_a_members_data_lists_their_api_tokens_but_never_a_secret(member):
    from operations.privacy import member_data

    _token, secret = create_api_token(owner=member, name="Website", read_only=True)
    data = member_data(member=member)
    assert [(t["name"], t["read_only"]) for t in data["api_tokens"]] == [("Website", True)]
    assert secret not in str(data) and digest(secret) not in str(data)
