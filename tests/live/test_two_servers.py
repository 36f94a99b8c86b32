"""Two app servers on one PostgreSQL and one Redis (scaling out): what one does, the other sees.

Two gunicorn processes on two ports, as behind a load balancer. Nothing Commonshare shows is kept
in a process's memory: bookings, sessions and feeds come from the database, rate limits from the
shared cache. No page is cached in the shared cache (the feeds keep per-process fragments keyed
by the booking's content, which are never stale), so the cache is checked through the login
rate limit, which lives there.
"""

import csv
import io
from datetime import time, timedelta

import pytest
from django.utils import timezone

from feeds.services import create_feed_token
from tests.factories import MemberFactory, SpaceFactory, VenueFactory
from tests.live import pages
from tests.live.visitors import Visitor

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def servers(start_app_server):
    return start_app_server(workers=2), start_app_server(workers=2)


@pytest.fixture
def scene(transactional_db):
    venue = VenueFactory(name="Two Doors Hall", slug="two-doors-hall")
    room = SpaceFactory(venue=venue, name="Green room", slug="green-room")
    booker = MemberFactory(email="booker@example.org", display_name="Bea Booker")
    manager = MemberFactory(email="manager@example.org", display_name="Mo Manager")
    venue.managers.add(manager)
    # A weekday a week or so ahead, whatever day the test runs.
    day = timezone.now().astimezone(venue.zone).date() + timedelta(days=8)
    day += timedelta(days=(7 - day.weekday()) % 7 + 1)  # the Tuesday after
    return {"venue": venue, "room": room, "booker": booker, "manager": manager, "day": day}


def test_a_booking_made_through_one_server_is_seen_at_once_through_the_other(servers, scene):
    a, b = servers
    room, day = scene["room"], scene["day"]
    space_path = f"/venues/{room.venue.slug}/{room.slug}/"
    token = create_feed_token(owner=scene["booker"], scope="member").token
    booker_on_a = Visitor.logged_in(a.base_url, scene["booker"])
    manager_on_b = Visitor.logged_in(b.base_url, scene["manager"])

    booked = pages.book(booker_on_a, space_path, day, time(10), time(11), "Cross-server meeting")
    assert booked.kind == "done", booked.last.text[:2000]
    pk = booked.booking_id

    # The same browser, now routed to the other server: its session and the booking are there.
    booker_on_b = booker_on_a.on(b.base_url)
    monday = day - timedelta(days=day.weekday())
    week = booker_on_b.get(space_path, {"week": monday.isoformat()})
    assert week.status == 200
    assert f'href="/bookings/{pk}/"' in week.text and "Yours" in week.text
    feed = booker_on_b.get(f"/feeds/{token}.ics")
    assert feed.status == 200
    assert f"{b.base_url}/bookings/{pk}/" in pages.unfolded(feed.text)
    assert "SUMMARY:Cross-server meeting" in pages.unfolded(feed.text)
    daily = manager_on_b.get(
        f"/venues/{room.venue.slug}/stats/daily.csv",
        {"kind": "custom", "start": day.isoformat(), "end": day.isoformat()},
    )
    assert daily.status == 200
    (row,) = [r for r in csv.DictReader(io.StringIO(daily.text)) if r["space"] == room.slug]
    assert float(row["booked_hours"]) == 1

    # Cancelled through B: A's week page frees the slot at once.
    assert pages.cancel(booker_on_b, pk).kind == "done"
    week_on_a = booker_on_a.get(space_path, {"week": monday.isoformat()})
    assert f'href="/bookings/{pk}/"' not in week_on_a.text
    assert a.tracebacks() == [] and b.tracebacks() == []


def test_the_login_rate_limit_counts_failures_on_both_servers_together(servers, scene):
    """Five failed logins for one account in five minutes, whichever server took them: the sixth
    is refused. With each process's own memory as the cache, no server would have seen five."""
    a, b = servers
    stranger = {a.base_url: Visitor(a.base_url), b.base_url: Visitor(b.base_url)}
    said = []
    for attempt in range(6):
        server = (a, b)[attempt % 2]
        visitor = stranger[server.base_url]
        if not visitor.csrf_token:
            assert visitor.get("/accounts/login/").status == 200
        response = visitor.post(
            "/accounts/login/", {"login": scene["booker"].email, "password": f"guess {attempt}"}
        )
        assert response.status == 200, response.text[:2000]
        said.append(pages.refusal(response))
    assert said[:5] == ["The email address and/or password you specified are not correct."] * 5
    assert said[5] == "Too many failed login attempts. Try again later."

    # The count is in Redis, where both servers read it.
    import redis

    keys = redis.Redis.from_url(a.env["REDIS_URL"]).keys("*login_failed*")
    assert keys, "no login_failed counter in the shared Redis database"
    assert a.tracebacks() == [] and b.tracebacks() == []


def test_a_session_started_on_one_server_is_honoured_by_the_other(servers, scene):
    """Sessions are rows in the shared database: no sticky sessions needed behind a balancer."""
    a, b = servers
    on_a = Visitor.logged_in(a.base_url, scene["booker"])
    assert on_a.get("/bookings/").status == 200
    on_b = on_a.on(b.base_url)
    assert on_b.get("/bookings/").status == 200  # not the 302 to the login page
    # Signed out through A: B no longer knows the session either.
    on_a.get("/accounts/logout/")
    assert on_a.post("/accounts/logout/", {}).status == 302
    assert on_b.get("/bookings/").status == 302
