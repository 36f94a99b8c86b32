"""Browser tests: headless Chromium (Debian's, never a downloaded one) driven by Playwright for Python.

The live server runs in a thread of this process on 127.0.0.1, so the test reads the same
database and the same mail outbox (django.core.mail.outbox) as the pages it drives. Nothing is
frozen: scenes are built relative to the real now.

Without Chromium or Playwright the folder is skipped with a message; with CI set it fails instead.
"""

import os
import shutil
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from allauth.account.models import EmailAddress

from tests.factories import (
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
LONDON = ZoneInfo("Europe/London")
PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

try:
    from playwright.sync_api import expect, sync_playwright
except ImportError:  # pragma: no cover - depends on the machine
    sync_playwright = None
else:
    # Generous waits: CI machines are shared and slow; a passing check returns as soon as it holds.
    expect.set_options(timeout=15_000)


def _missing() -> str:
    """Why the browser tests cannot run here ('' when they can)."""
    if sync_playwright is None:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(
        CHROMIUM
    ):
        return f"{CHROMIUM} was not found"
    return ""


MISSING = _missing()
SKIP_MESSAGE = (
    "browser tests skipped: install Debian's chromium (apt-get install chromium) to run them"
)


if sync_playwright is None and not os.environ.get("CI"):
    # The test modules import Playwright: without it, do not collect them at all (see the summary).
    collect_ignore_glob = ["test_*.py"]


def pytest_terminal_summary(terminalreporter):
    if MISSING and not os.environ.get("CI"):
        terminalreporter.write_line(f"{SKIP_MESSAGE} ({MISSING})", yellow=True)


def pytest_collection_modifyitems(config, items):
    """Mark every test of this folder `browser`; skip them all where Chromium is missing (never in CI)."""
    skip = (
        pytest.mark.skip(reason=f"{SKIP_MESSAGE} ({MISSING})")
        if MISSING and not os.environ.get("CI")
        else None
    )
    for item in items:
        if HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for the whole folder; each test gets its own context (cookies, storage)."""
    if MISSING:
        pytest.fail(
            f"CI is set but the browser tests cannot run: {MISSING}. Install it with: apt-get install -y chromium"
        )
    # Playwright's sync API keeps an asyncio loop in this thread, so Django would refuse ORM calls
    # made by the test between two browser steps. They are plain synchronous calls: allow them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield chromium
    chromium.close()
    playwright.stop()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class Contexts:
    """Opens browser contexts (desktop or phone) against the live server and checks for script errors."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.opened = []
        self.page_errors: list[str] = []

    def new(self, *, phone: bool = False, reduced_motion: bool = True, size: dict | None = None):
        """A context; `size` (with `phone`) is the phone's screen, e.g. {"width": 320, "height": 640}.

        Resizing a phone context's viewport later keeps its screen, so the page is laid out for
        the old device-width and zoomed out to fit: use `size` to test a narrower phone.
        """
        options = {
            "base_url": self.base_url,
            "locale": "en-GB",
            "timezone_id": "Europe/London",
            "reduced_motion": "reduce" if reduced_motion else "no-preference",
        }
        if phone:
            screen = size or PHONE
            options.update(
                viewport=screen,
                screen=screen,
                is_mobile=True,
                has_touch=True,
                device_scale_factor=1,
            )
        else:
            options.update(viewport=DESKTOP, device_scale_factor=1)
        context = self.browser.new_context(**options)
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(20_000)
        context.on("page", self._watch)
        self.opened.append(context)
        return context

    def page(self, *, phone: bool = False):
        return self.new(phone=phone).new_page()

    def _watch(self, page) -> None:
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("response", lambda response: self._check_subresource(page, response))
        page.on("console", lambda message: self._check_policy(page, message))

    def _check_policy(self, page, message) -> None:
        """Chromium reports what the Content Security Policy blocked (an inline style or script
        without the nonce) as a console error: the page is then not what its author meant."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.page_errors.append(f"{page.url}: {message.text}")

    def _check_subresource(self, page, response) -> None:
        """A stylesheet, script, image or icon that fails to load is a broken page, even if the test passes."""
        if response.request.resource_type != "document" and response.status >= 400:
            self.page_errors.append(f"{page.url}: {response.url} answered {response.status}")

    def close(self) -> None:
        for context in self.opened:
            context.close()


@pytest.fixture
def contexts(browser, live_server):
    opened = Contexts(browser, live_server.url)
    yield opened
    opened.close()
    assert not opened.page_errors, "script errors or missing files in the pages:\n" + "\n".join(
        opened.page_errors
    )


@pytest.fixture
def page(contexts):
    """A desktop page (1280x800), logged out."""
    return contexts.page()


@pytest.fixture
def phone_page(contexts):
    """A phone page (390x844, touch), logged out."""
    return contexts.page(phone=True)


def next_weekday(weekday: int, *, today: date | None = None) -> date:
    """The next date (strictly after today, in London) falling on `weekday` (Monday is 0)."""
    today = today or datetime.now(LONDON).date()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


class Scene:
    """A small neighbourhood built relative to the real now: St Luke's with four spaces, open 09:00–17:00."""

    def __init__(self) -> None:
        self.tuesday = next_weekday(1)
        self.venue = VenueFactory(
            name="St Luke's Co-working Hub",
            slug="st-lukes",
            address="St Luke's Church, Ladywood Middleway, Birmingham",
            description="A church turned co-working hub.",
            accessibility_notes="Level entrance from the car park; lift to the first floor.",
        )
        self.room = SpaceFactory(
            venue=self.venue,
            name="Garden room",
            slug="garden-room",
            capacity=12,
            step_free=True,
            hearing_loop=True,
        )
        self.small_room = SpaceFactory(
            venue=self.venue, name="Snug", slug="snug", capacity=6, step_free=True
        )
        self.upstairs = SpaceFactory(
            venue=self.venue, name="Loft", slug="loft", capacity=14, step_free=False
        )
        self.hall = SpaceFactory(
            venue=self.venue,
            name="Main hall",
            slug="main-hall",
            kind="hall",
            capacity=80,
            step_free=True,
            requires_approval=True,
        )
        self.manager = MemberFactory(email="manager@example.org", display_name="Mo Manager")
        self.venue.managers.add(self.manager)
        self.charity = OrganisationFactory(
            name="Ladywood Food Bank", slug="ladywood-food-bank", org_id="GB-CHC-1100001"
        )
        self.charity_member = MemberFactory(email="chris@example.org", display_name="Chris Charity")
        OrganisationMembershipFactory(
            organisation=self.charity, member=self.charity_member, role="admin"
        )
        # allauth lets only verified addresses log in.
        for person in (self.manager, self.charity_member):
            EmailAddress.objects.create(
                user=person, email=person.email, verified=True, primary=True
            )

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def scene(transactional_db) -> Scene:
    return Scene()


@pytest.fixture
def log_in(live_server):
    """Log a member into a browser context without the login form (the form has its own journey)."""
    from django.conf import settings
    from django.test import Client

    def _log_in(context, member) -> None:
        client = Client()
        client.force_login(member)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return _log_in


def make_booking(
    space, booker, when: datetime, *, hours: int = 1, title: str = "Planning meeting", **extra
):
    """A booking written through the service, as the site would (rules checked against the real now)."""
    from bookings.services import request_booking

    return request_booking(
        booker=booker,
        space=space,
        starts_at=when,
        ends_at=when + timedelta(hours=hours),
        title=title,
        **extra,
    )
