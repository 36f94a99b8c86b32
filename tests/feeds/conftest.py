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


# Properties whose value is TEXT (RFC 5545 3.3.11, RFC 7986 NAME); X- properties are TEXT by
# default too (RFC 5545 3.8.8.2) unless they say VALUE=something else.
TEXT_PROPERTIES = {
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "COMMENT",
    "CONTACT",
    "UID",
    "NAME",
    "TZNAME",
}
TEXT_ESCAPES = set("\\;,nN")


def _split_content_line(line: str) -> tuple[str, dict[str, str], str]:
    """name, params, value of one unfolded content line; a ':' inside a quoted parameter is not the
    separator."""
    quoted = False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            head, value = line[:index], line[index + 1 :]
            break
    else:
        raise AssertionError(f"no ':' in content line {line!r}")
    name, *raw_params = head.split(";")
    params = dict(param.partition("=")[::2] for param in raw_params)
    return name.upper(), {k.upper(): v for k, v in params.items()}, value


def text_lint(body: bytes) -> list[str]:
    """Every way the document's TEXT values break RFC 5545: an unescaped `,` `;` or `\\`, a raw
    newline or other control character; also lines not ended by CRLF. [] when strictly valid."""
    text = body.decode("utf-8")
    problems = []
    if not text.endswith("\r\n") or "\n" in text.replace("\r\n", ""):
        problems.append("a line does not end with CRLF")
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    for line in unfolded.split("\r\n")[:-1]:
        name, params, value = _split_content_line(line)
        is_text = name in TEXT_PROPERTIES or (
            name.startswith("X-") and params.get("VALUE", "TEXT").upper() == "TEXT"
        )
        if not is_text:
            continue
        index = 0
        while index < len(value):
            char = value[index]
            if char == "\\":
                if value[index + 1 : index + 2] not in TEXT_ESCAPES:
                    problems.append(f"{name}: a bare backslash in {value!r}")
                index += 2
                continue
            if char in ",;":
                problems.append(f"{name}: an unescaped {char!r} in {value!r}")
            elif ord(char) < 32 and char != "\t" or ord(char) == 127:
                problems.append(f"{name}: a control character in {value!r}")
            index += 1
    return problems
