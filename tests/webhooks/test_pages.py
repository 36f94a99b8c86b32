"""The webhooks pages of a venue's managers: add, refuse bad addresses, pause, delete, the log."""

import ipaddress
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from feeds import outbound
from tests.factories import MemberFactory, VenueFactory
from webhooks.models import WebhookDelivery, WebhookEndpoint

PUBLIC = ipaddress.ip_address("93.184.215.14")


@pytest.fixture
def public_dns(monkeypatch):
    """Every name resolves to one public address: no real DNS in the tests."""
    monkeypatch.setattr(outbound, "_resolve", lambda host, port: [PUBLIC])


def _page(venue) -> str:
    return reverse("webhooks:endpoints", kwargs={"venue_slug": venue.slug})


def test_a_manager_adds_a_webhook_and_sees_its_secret(client, manager, venue, public_dns):
    client.force_login(manager)
    response = client.post(
        _page(venue),
        {
            "url": " https://hooks.example.org/commonshare ",
            "events": ["booking.created", "booking.cancelled"],
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.url, endpoint.events, endpoint.active) == (
        "https://hooks.example.org/commonshare",
        ["booking.created", "booking.cancelled"],
        True,
    )
    assert endpoint.created_by == manager and endpoint.secret.startswith("whsec_")
    page = response.content.decode()
    assert "Webhook added" in page and endpoint.secret in page
    table = page.split("<table")[1].split("</table>")[0]
    assert "A booking is made" in table and "A booking is moved" not in table


def test_the_venue_pages_link_to_the_webhooks(client, manager, venue):
    client.force_login(manager)
    response = client.get(reverse("feeds:display_links", kwargs={"venue_slug": venue.slug}))
    assert _page(venue).encode() in response.content


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://hooks.example.org/x", "Only https://"),
        ("ftp://hooks.example.org/x", "Only https://"),
        ("https://127.0.0.1/x", "private or local"),
        ("https://10.0.0.8/x", "private or local"),
        ("https://192.168.1.1/x", "private or local"),
        ("https://169.254.169.254/latest/meta-data", "private or local"),
        ("https://[::1]/x", "private or local"),
        ("https://[::ffff:10.0.0.1]/x", "private or local"),
        ("https://0.0.0.0/x", "private or local"),
        ("https://user:secret@hooks.example.org/x", "password"),
        ("http://127.0.0.1:8121/x", "Only https://"),  # loopback http is for tests only
        ("not a web address", "Only https://"),
        ("https://[::1/x", "not a web address"),
    ],
)
def test_an_address_that_could_reach_inside_is_a_form_error_and_saves_nothing(
    client, manager, venue, url, message
):
    client.force_login(manager)
    response = client.post(_page(venue), {"url": url, "events": ["booking.created"]})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_name_that_resolves_to_a_private_address_is_refused(client, manager, venue, monkeypatch):
    monkeypatch.setattr(
        outbound, "_resolve", lambda host, port: [PUBLIC, ipaddress.ip_address("10.1.2.3")]
    )
    client.force_login(manager)
    response = client.post(
        _page(venue), {"url": "https://sneaky.example.org/", "events": ["booking.created"]}
    )
    assert response.status_code == 400 and "private or local" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_choosing_no_event_is_a_form_error(client, manager, venue, public_dns):
    client.force_login(manager)
    response = client.post(_page(venue), {"url": "https://hooks.example.org/x"})
    assert response.status_code == 400
    assert "Choose at least one event" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_a_venue_has_at_most_ten_webhooks(client, manager, venue, public_dns):
    for n in range(10):
        WebhookEndpoint.objects.create(venue=venue, url=f"https://h{n}.example.org/", events=[])
    client.force_login(manager)
    response = client.post(
        _page(venue), {"url": "https://hooks.example.org/x", "events": ["booking.created"]}
    )
    assert response.status_code == 400 and "at most 10" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 10


@pytest.fixture
def hook(venue, manager):
    return WebhookEndpoint.objects.create(
        venue=venue, url="https://hooks.example.org/x", events=["booking.created"]
    )


def _action(name, hook) -> str:
    return reverse(f"webhooks:{name}", kwargs={"venue_slug": hook.venue.slug, "pk": hook.pk})


def test_pausing_and_resuming_a_webhook(client, manager, hook):
    client.force_login(manager)
    response = client.post(_action("pause", hook), follow=True)
    hook.refresh_from_db()
    assert not hook.active and "paused" in response.content.decode()
    client.post(_action("resume", hook))
    hook.refresh_from_db()
    assert hook.active


def test_deleting_a_webhook_deletes_its_log(client, manager, hook):
    WebhookDelivery.objects.create(
        endpoint=hook, kind="booking.created", payload={}, created_at=datetime.now(UTC)
    )
    client.force_login(manager)
    response = client.post(_action("delete", hook))
    assert response.status_code == 302
    assert not WebhookEndpoint.objects.exists() and not WebhookDelivery.objects.exists()


@pytest.mark.parametrize("name", ["pause", "resume", "delete"])
def test_the_changes_are_post_only(client, manager, hook, name):
    client.force_login(manager)
    assert client.get(_action(name, hook)).status_code == 405
    hook.refresh_from_db()
    assert hook.active


def test_another_venues_manager_gets_a_404_and_changes_nothing(client, hook):
    elsewhere = MemberFactory()
    VenueFactory(slug="beta").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(_page(hook.venue)).status_code == 404
    assert client.get(_action("deliveries", hook)).status_code == 404
    assert client.post(_action("delete", hook)).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=hook.pk, active=True).exists()


def test_the_log_shows_each_delivery_with_its_attempts_and_last_answer(client, manager, hook):
    when = datetime(2027, 1, 4, 8, tzinfo=UTC)
    WebhookDelivery.objects.create(
        endpoint=hook,
        kind="booking.created",
        payload={},
        created_at=when,
        status="delivered",
        attempts=2,
        last_status_code=200,
        delivered_at=when,
    )
    WebhookDelivery.objects.create(
        endpoint=hook,
        kind="booking.cancelled",
        payload={},
        created_at=when,
        attempts=1,
        last_error="Answered 500",
        next_attempt_at=when,
    )
    client.force_login(manager)
    page = client.get(_action("deliveries", hook)).content.decode()
    for text in ("booking.created", "booking.cancelled", "Delivered 4 Jan 2027, 08:00"):
        assert text in page
    assert "Answered 500" in page and "Next try 4 Jan 2027, 08:00" in page


def _again(hook, delivery) -> str:
    return reverse(
        "webhooks:send_again",
        kwargs={"venue_slug": hook.venue.slug, "pk": hook.pk, "delivery_pk": delivery.pk},
    )


def test_a_delivery_given_up_on_can_be_sent_again_with_the_same_event_id(
    client, manager, hook, django_capture_on_commit_callbacks
):
    failed = WebhookDelivery.objects.create(
        endpoint=hook,
        kind="booking.created",
        payload={"id": "x"},
        created_at=datetime(2027, 1, 4, 8, tzinfo=UTC),
        status="failed",
        attempts=6,
        last_error="Answered 500",
    )
    event_id = failed.event_id
    client.force_login(manager)
    page = client.get(_action("deliveries", hook)).content.decode()
    assert _again(hook, failed) in page
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_again(hook, failed), follow=True)
    assert "Sending booking.created again" in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.event_id) == ("pending", 0, event_id)
    assert len(callbacks) == 1  # its task, once this commits


def test_only_a_delivery_given_up_on_is_sent_again(client, manager, hook):
    waiting = WebhookDelivery.objects.create(
        endpoint=hook,
        kind="booking.created",
        payload={},
        created_at=datetime(2027, 1, 4, 8, tzinfo=UTC),
        attempts=2,
    )
    client.force_login(manager)
    response = client.post(_again(hook, waiting), follow=True)
    assert "Only a delivery that was given up on" in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.attempts) == ("pending", 2)
    assert client.get(_again(hook, waiting)).status_code == 405
