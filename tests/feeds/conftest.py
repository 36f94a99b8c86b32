"""Helpers for the feeds tests: read a feed as icalendar does and as ical.js (Thunderbird) does."""

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from bookings.ical import site_host
from feeds.models import FeedToken
from tests.factories import MemberFactory

ROOT = Path(__file__).resolve().parents[2]
PARSE_SCRIPT = Path(__file__).parent / "js" / "parse_ics.mjs"


def ical_js(body: bytes) -> dict:
    """What ical.js makes of an iCalendar document: {"method", "name", "events": [{uid, start, end, status, ...}]}."""
    if shutil.which("node") is None:
        pytest.fail(
            "node is not installed: these tests read feeds with ical.js, which needs Node.js 20+."
        )
    if not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail(
            "ical.js is missing: run `npm ci` at the repository root (it installs package-lock.json)."
        )
    result = subprocess.run(
        ["node", str(PARSE_SCRIPT)],
        input=body,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def js_instants(parsed: dict) -> dict[str, tuple[str, str, str]]:
    """{uid: (start, end, status)} with ISO UTC instants as ical.js gives them."""
    uids = [event["uid"] for event in parsed["events"]]
    assert len(uids) == len(set(uids)), "an event appears twice"
    return {e["uid"]: (e["start"], e["end"], e["status"]) for e in parsed["events"]}


def iso(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def icalendar_events(body: bytes) -> dict[str, dict]:
    """{uid: event} as the icalendar library reads the document (each UID once)."""
    calendar = Calendar.from_ical(body)
    events = {}
    for event in calendar.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in events, f"{uid} appears twice"
        events[uid] = event
    return events


def uid_of(booking) -> str:
    return f"{booking.uid}@{site_host()}"


@pytest.fixture
def member_token(member):
    return FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER)


@pytest.fixture
def third_member(db):
    return MemberFactory(email="third@example.org", display_name="Thea Third")
