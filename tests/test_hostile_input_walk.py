"""Bad input everywhere: every page of the authorisation walk, as a role that may use it, gets
hostile query strings, and every form on it is posted hostile values in every field. Nothing may
answer 500, and user text must come back escaped in HTML.

The values are a fixed list (huge strings, NUL bytes, emoji, HTML/JS, SQL fragments, far-future
and far-past dates, negative and giant numbers, wrong types), mixed by a seeded random choice per
field: the seed is printed on failure, so a run can be replayed with FUZZ_SEED.
"""

import os
import random
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.test_authorisation_walk import WALK, client_for, scene  # noqa: F401 (a fixture)

SCRIPT = '<script>alert("fuzz")</script>'
HOSTILE = [
    "",
    " ",
    "x" * 10_000,
    "\x00",
    "nul\x00byte",
    "😀🏳️‍🌈",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "'; DROP TABLE bookings_booking; --",
    '=HYPERLINK("http://evil.example")',
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "3.14159",
    "0001-01-01",
    "9999-12-31",
    "2027-02-30",
    "1900-01-01T00:00",
    "25:61",
    "true",
    "[]",
    "{}",
    "../../etc/passwd",
    "%00",
    "\r\nSet-Cookie: x=1",
]
QUERY_KEYS = [
    "date", "start", "end", "page", "sort", "venue", "space", "month", "status",
    "organisation", "from", "to", "kind", "period", "free_from", "free_to", "_export", "print",
    "next", "q", "per_page", "when", "weekday", "starts_on", "ends_on",
]  # fmt: skip
ROLES_THAT_USE = ("manager", "booker", "org_admin", "staff")


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, set[str]]] = []
        self._current: tuple[str, set[str]] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._current = (attributes.get("action") or "", set())
            self.forms.append(self._current)
        elif tag in {"input", "select", "textarea"} and self._current is not None:
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken":
                self._current[1].add(name)

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._current = None


def role_for(expected: dict[str, int]) -> str:
    """A role that gets the page (or may post to it); else a member, who must be refused
    cleanly whatever they send."""
    return next((r for r in ROLES_THAT_USE if expected[r] in {200, 405}), "member")


def body_of(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


def check(response, what: str, problems: list[str]) -> None:
    if response.status_code >= 500:
        problems.append(f"{what}: {response.status_code}")
        return
    html = response.get("Content-Type", "").startswith("text/html")
    if html and SCRIPT.encode() in body_of(response):
        problems.append(f"{what}: the script came back unescaped")


@pytest.mark.parametrize("name", sorted(WALK))
def test_hostile_input_never_answers_500(scene, name):  # noqa: F811 (the fixture)
    seed = int(os.environ.get("FUZZ_SEED", random.randrange(1 << 30)))
    rng = random.Random(f"{seed}-{name}")
    kwargs, expected = WALK[name]
    role = role_for(expected)
    url = reverse(name, kwargs=kwargs(scene))
    client: Client = client_for(scene, role)
    problems: list[str] = []
    for _ in range(3):
        query = {key: rng.choice(HOSTILE) for key in rng.sample(QUERY_KEYS, 8)}
        check(client.get(url, query), f"GET {url} {sorted(query)}", problems)
    page = client.get(url)
    forms = Forms()
    if page.get("Content-Type", "").startswith("text/html"):
        forms.feed(body_of(page).decode("utf-8", "replace"))
    targets = forms.forms or ([(url, {"reason", "title", "name"})] if expected[role] == 405 else [])
    for action, fields in targets:
        target = action or url
        if not target.startswith("/") or target == reverse("account_logout"):
            continue  # another site, or logging out (the rest would run signed out)
        for _ in range(2):
            data = {field: rng.choice(HOSTILE) for field in fields}
            check(client.post(target, data), f"POST {target} {data!r:.300}", problems)
        # A field given twice, and one of another type (a list where one value is expected).
        data = {field: [rng.choice(HOSTILE), rng.choice(HOSTILE)] for field in fields}
        check(client.post(target, data), f"POST {target} (repeated fields)", problems)
    if os.environ.get("FUZZ_VERBOSE"):
        print(name, role, page.status_code, [(a, sorted(f)) for a, f in targets])
    assert not problems, f"FUZZ_SEED={seed}\n" + "\n".join(problems)
