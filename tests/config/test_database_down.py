"""The database going away: a 503 page in the site's layout, nothing written, and recovery on the
next request once it is back."""

from contextlib import contextmanager

import psycopg
import pytest
from django.db import OperationalError, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from bookings.models import Booking
from tests.factories import MemberFactory, SpaceFactory, VenueFactory

BOOK_FORM = {
    "date": "2030-01-08",
    "start_time": "10:00",
    "end_time": "11:00",
    "title": "Planning",
    "attendees": "2",
}


@contextmanager
def refusing_connections(monkeypatch):
    """Every use of the connection fails as it does when the server is down. (The wrapper's
    `ensure_connection`, through which each cursor goes: SQLite's in-memory test database cannot
    really be closed.)"""
    wrapper = type(connections["default"])

    def refuse(self: BaseDatabaseWrapper) -> None:
        raise OperationalError("could not connect to server: Connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(wrapper, "ensure_connection", refuse)
        yield


def a_space_and_a_logged_in_client() -> tuple[Client, str]:
    space = SpaceFactory(venue=VenueFactory(slug="hall"), slug="room")
    client = Client(raise_request_exception=False)
    client.force_login(MemberFactory())
    return client, f"/venues/hall/{space.slug}/book/"


@pytest.mark.django_db(transaction=True)
def test_a_page_while_the_database_is_down_is_a_503_in_the_site_layout(monkeypatch) -> None:
    client, book = a_space_and_a_logged_in_client()
    with refusing_connections(monkeypatch):
        response = client.get("/venues/")
        posted = client.post(book, BOOK_FORM)
    for answer in (response, posted):
        assert answer.status_code == 503
        assert answer["Retry-After"] == "30"
        text = answer.content.decode()
        assert "cannot reach its database" in text
        assert 'class="site-header"' in text
    assert client.get("/venues/").status_code == 200  # back: the next request recovers
    assert not Booking.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_server_refusing_this_database_gives_503_then_recovers() -> None:
    """The real thing on PostgreSQL: the test database stops accepting connections (never the
    shared server: only this test's own database), its sessions are ended, then it is let back."""
    client, book = a_space_and_a_logged_in_client()
    name = connection.settings_dict["NAME"]
    params = {**connection.get_connection_params(), "dbname": "postgres", "autocommit": True}
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params) as admin:
        connection.close()
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
        try:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            response = client.post(book, BOOK_FORM)
        finally:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
    assert client.get("/venues/").status_code == 200
    assert not Booking.objects.exists()
