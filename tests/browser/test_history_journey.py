"""A venue manager finds the venue's History from the home page and narrows it to closures; the
booker of a booking reads its History on the booking's page, without the manager's name."""

import os
from pathlib import Path

from playwright.sync_api import expect

from .helpers import assert_no_serious_axe_violations
from .steps import field
from .test_accessibility import a_booking_with_a_history, a_venue_history

# SCREENSHOTS_DIR=/tmp/x keeps pictures of the History tables for a person to look at.
PICTURES = os.environ.get("SCREENSHOTS_DIR")


def _picture(locator, name: str) -> None:
    if PICTURES:
        Path(PICTURES).mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=f"{PICTURES}/{name}.png")


def test_a_manager_reaches_the_venue_history_from_the_home_page_and_filters_it(
    contexts, scene, log_in
):
    a_venue_history(scene)
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("link", name="Venues", exact=True).first.click()
    page.get_by_role("link", name="St Luke's Co-working Hub").first.click()
    page.get_by_role("navigation", name="Run St Luke's Co-working Hub").get_by_role(
        "link", name="History", exact=True
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("History of St Luke's Co-working Hub")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Closure added: St Luke's Co-working Hub")
    expect(table).to_contain_text("Title: Food bank AGM → Food bank annual meeting")
    _picture(page.locator("main"), "manage-history")
    field(page, "Kind").select_option(label="Closures")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="1 change")).to_be_visible()
    expect(table).not_to_contain_text("Food bank")
    assert_no_serious_axe_violations(page, label="the venue's history, closures only")


def test_the_booker_reads_the_status_changes_of_their_booking(contexts, scene, log_in):
    address = a_booking_with_a_history(scene)
    for who, name in ((scene.manager, "manager"), (scene.charity_member, "booker")):
        context = contexts.new()
        log_in(context, who)
        page = context.new_page()
        page.goto(address)
        history = page.get_by_role("region", name="History")
        expect(history).to_contain_text("Approved: Main hall")
        _picture(page.locator("section.history"), f"booking-history-{name}")
        if who is scene.manager:
            expect(history).to_contain_text("Mo Manager")
            expect(history).to_contain_text("Details changed")
        else:
            expect(history).to_contain_text("You")
            expect(history).to_contain_text("The venue")
            expect(history).not_to_contain_text("Mo Manager")
            expect(history).not_to_contain_text("Details changed")
        context.close()
