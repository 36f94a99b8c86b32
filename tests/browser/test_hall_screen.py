"""The today page on a tablet in the hall, landscape (1280×800) and portrait (800×1280), and the
caretaker's day sheet printed on A4. Screenshots go to /tmp/shots/today/ when SHOTS=1.

The scene needs the rest of today to hold a booking three hours on, so the site's clock (the live
server runs in this process) is moved to mid-morning of today in London: run at 22:00, the scene
would otherwise fall into tomorrow (a CI run at 21:30 UTC failed on exactly that)."""

import os
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    BookingFactory,
    DeskPoolFactory,
    DisplayLinkFactory,
    MemberFactory,
    OpeningHoursFactory,
)

from .conftest import LONDON, Scene
from .helpers import assert_no_serious_axe_violations, page_overflow

SHOTS = Path("/tmp/shots/today")
SIZES = {"landscape": {"width": 1280, "height": 800}, "portrait": {"width": 800, "height": 1280}}


def shot(page, name: str, **options) -> None:
    if os.environ.get("SHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), animations="disabled", **options)


@pytest.fixture(autouse=True)
def mid_morning(monkeypatch):
    """Django's clock, still ticking, moved to 10:xx of today's date in London."""
    real_now = timezone.now
    here = real_now().astimezone(LONDON)
    shift = timedelta(seconds=here.replace(hour=10).timestamp() - here.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: real_now() + shift)


def a_day_in_use(scene: Scene) -> tuple[str, datetime]:
    """St Luke's open around the clock today, its rooms in use, free and booked later, and a
    desk pool with two desks taken: bookings by named members around the real now."""
    scene.venue.opening_hours.all().delete()
    for day in range(7):
        OpeningHoursFactory(venue=scene.venue, weekday=day, opens=time(0), closes=time(23, 59))
    now = timezone.now().astimezone(LONDON).replace(second=0, microsecond=0)
    start = now.replace(minute=0)
    fay = MemberFactory(display_name="Fay Freelancer", email="fay@example.org")
    BookingFactory(
        space=scene.room,
        booker=scene.charity_member,
        organisation=scene.charity,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        title="Trustees' private meeting",
    )
    BookingFactory(
        space=scene.small_room,
        booker=fay,
        starts_at=start + timedelta(hours=3),
        ends_at=start + timedelta(hours=4),
        title="Coffee morning",
        public_title=True,
    )
    desks = DeskPoolFactory(venue=scene.venue, name="Hot desks", slug="hot-desks", seats=6)
    for _ in range(2):
        BookingFactory(space=desks, booker=fay, starts_at=start, ends_at=start + timedelta(hours=3))
    scene.venue.display_public_titles = True
    scene.venue.save()
    link = DisplayLinkFactory(venue=scene.venue, name="Entrance tablet", created_by=scene.manager)
    return f"/display/{link.token}/", start


def test_the_today_page_reads_well_on_a_tablet_either_way_round(contexts, scene):
    address, start = a_day_in_use(scene)
    for name, size in SIZES.items():
        context = contexts.new()
        page = context.new_page()
        page.set_viewport_size(size)
        page.goto(address)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Today at St Luke")
        garden = page.get_by_role("listitem").filter(has_text="Garden room")
        until = (start + timedelta(hours=2)).strftime("%H:%M")
        expect(garden).to_contain_text(f"In use until {until}")
        expect(garden).not_to_contain_text("Trustees")
        snug = page.get_by_role("listitem").filter(has_text="Snug")
        expect(snug).to_contain_text("Coffee morning")  # public, and the venue shows titles
        expect(page.get_by_role("listitem").filter(has_text="Hot desks")).to_contain_text(
            "4 desks free of 6"
        )
        body = page.content()
        for private in ("Fay Freelancer", "fay@example.org", "Chris Charity", "Ladywood Food"):
            assert private not in body
        assert page_overflow(page) == 0, f"the today page scrolls sideways ({name})"
        # Readable across a hall: the state of each space in type of at least 24 px.
        size_px = page.locator(".today-state").first.evaluate(
            "el => parseFloat(getComputedStyle(el).fontSize)"
        )
        assert size_px >= 24, size_px
        shot(page, f"today-{name}")
        assert_no_serious_axe_violations(page, label=f"today page ({name})")
        context.close()


def test_the_day_sheet_prints_on_a4_without_the_navigation(contexts, scene, log_in):
    a_day_in_use(scene)
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(f"/manage/venues/{scene.venue.slug}/day/")
    page.get_by_role("link", name="The caretaker's day sheet, to print").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("the day sheet")
    shot(page, "day-sheet", full_page=True)
    page.get_by_role("link", name="Printable day sheet (A4)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Day sheet for")
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    assert page.locator(".manage-links").count() == 0
    expect(page.get_by_role("table").first).to_contain_text("Trustees' private meeting")
    shot(page, "day-sheet-print", full_page=True)
    if os.environ.get("SHOTS") == "1":
        page.pdf(path=str(SHOTS / "day-sheet.pdf"), format="A4", prefer_css_page_size=True)
    context.close()


def test_a_manager_makes_a_display_link_by_clicking_and_revokes_it(contexts, scene, log_in):
    a_day_in_use(scene)
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.manager)
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="St Luke's Co-working Hub").first.click()  # the venues
        page.get_by_role("link", name="Hall screens").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("hall screens")
        name = "Phone test" if phone else "Lobby tablet"
        page.get_by_label("Name of the screen").fill(name)
        page.get_by_role("button", name="Make the link").click()
        expect(page.locator(".message").first).to_contain_text(name)
        shot(page, f"display-links-{'phone' if phone else 'desktop'}", full_page=True)
        if phone:
            assert page_overflow(page) == 0
        address = page.get_by_label(f"Address of {name}").input_value()
        page.get_by_role("button", name=f"Revoke {name}").click()
        expect(page.locator(".message").first).to_contain_text("revoked")
        response = page.goto(address)
        assert response is not None and response.status == 410
        expect(page.get_by_role("heading", level=1)).to_have_text("This screen cannot show the day")
        context.close()


def test_the_today_page_updates_itself_and_keeps_the_last_page_when_offline(contexts, scene):
    """Our own few lines of script (static/js/today.js): every minute the page asks for itself
    and swaps the content in; offline, it says so and keeps what it showed; revoked, it shows why."""
    address, start = a_day_in_use(scene)
    context = contexts.new()
    page = context.new_page()
    page.clock.install()
    page.goto(address)
    loft = page.get_by_role("listitem").filter(has_text="Loft")
    expect(loft).to_contain_text("Free now")
    BookingFactory(
        space=scene.upstairs,
        booker=scene.charity_member,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        title="Private",
    )
    page.clock.run_for("01:01")
    expect(loft).to_contain_text("In use until")
    context.set_offline(True)
    page.clock.run_for("01:01")
    expect(page.get_by_text("Not updated since")).to_be_visible()
    expect(loft).to_contain_text("In use until")  # the last good page stays up
    context.set_offline(False)
    link = scene.venue.display_links.get()
    link.revoked_at = start
    link.save()
    page.clock.run_for("01:01")
    expect(page.get_by_role("heading", level=1)).to_have_text("This screen cannot show the day")
    context.close()
    # The script's own request for the revoked page answered 410, as it should: not a broken page.
    expected = f"{address} answered 410"
    contexts.page_errors = [e for e in contexts.page_errors if not e.endswith(expected)]
