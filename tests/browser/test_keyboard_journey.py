"""The booking journey by keyboard alone: Tab, Shift+Tab, Enter and Space; never a click."""

import re

from playwright.sync_api import expect

from bookings.models import Booking

from .conftest import make_booking
from .helpers import focus_report
from .steps import Keyboard, free_cell_link, status_of, week_needs_next


def test_a_member_finds_and_books_a_free_slot_with_the_keyboard_alone(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto("/venues/")

    # The first stop is the skip link, shown when focused; Enter takes the focus to the content.
    skip = keys.tab()
    assert skip["text"] == "Skip to content" and skip["visible"], skip
    box = page.get_by_role("link", name="Skip to content").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Filter: Enter unfolds "Filter spaces", Space ticks "Step-free access", type the number of
    # people, Enter on the button.
    summary = keys.tab_to(
        lambda f: f["tag"] == "summary" and f["text"] == "Filter spaces",
        what="the Filter spaces disclosure",
    )
    assert summary["visible"], summary
    page.keyboard.press("Enter")
    expect(page.locator("details.filter-card")).to_have_attribute("open", "")
    keys.tab_to(lambda f: f["name"] == "step_free", what="the step-free checkbox")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name=re.compile("Step-free"))).to_be_checked()
    keys.tab_to(lambda f: f["name"] == "people", what="the number of people")
    page.keyboard.type("10")
    keys.tab_to(
        lambda f: f["tag"] == "button" and f["text"] == "Show spaces", what="the Show spaces button"
    )
    page.keyboard.press("Enter")
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("2 spaces match")

    space_url = scene.room.get_absolute_url()
    keys.tab_to(lambda f: f["href"] == space_url, what="the Garden room link")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden room")

    if week_needs_next(scene.tuesday):
        keys.tab_to(lambda f: f["text"].startswith("Next week"), what="the Next week link")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile("week="))
    cell_href = free_cell_link(page, scene.tuesday, "14:00").get_attribute("href")
    keys.tab_to(lambda f: f["href"] == cell_href, what="Tuesday 14:00 in the week grid")
    page.keyboard.press("Enter")

    # The form: each field reachable, Shift+Tab goes back, Space on the button sends it.
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Garden room")
    keys.tab_to(lambda f: f["name"] == "title", what="the title field")
    page.keyboard.type("Quiet reading group")
    keys.tab_to(lambda f: f["name"] == "attendees", what="the number of people")
    # Tabbing into the field selected its pre-filled value, so typing replaces it.
    page.keyboard.type("9")
    before = keys.tab(backwards=True)
    assert before["name"] == "activity", before
    keys.tab()
    assert focus_report(page)["name"] == "attendees"
    keys.tab_to(
        lambda f: f["tag"] == "button" and f["text"] == "Check and book",
        what="the Check and book button",
    )
    page.keyboard.press("Space")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and book")
    keys.tab_to(lambda f: f["tag"] == "button" and f["text"] == "Book", what="the Book button")
    page.keyboard.press("Space")

    expect(page.get_by_role("heading", level=1)).to_have_text("Quiet reading group")
    expect(status_of(page)).to_have_text("Confirmed")
    booking = Booking.objects.get(title="Quiet reading group")
    assert booking.attendees == 9
    assert booking.starts_at.astimezone(scene.venue.zone).hour == 14
    assert not keys.unmarked, "focus is not visible on:\n" + "\n".join(keys.unmarked)


def test_a_member_cancels_from_my_bookings_with_the_keyboard_after_a_confirmation_step(
    contexts, scene, log_in
):
    booking = make_booking(
        scene.room, scene.charity_member, scene.at(scene.tuesday, 9), title="Trustees meeting"
    )
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    keys = Keyboard(page)
    page.goto("/bookings/")

    # Enter on the table's "Cancel…" leads to the booking's cancel form; nothing is cancelled yet.
    keys.tab_to(lambda f: f["text"].startswith("Cancel…"), what="Cancel… in My bookings")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trustees meeting")
    expect(page).to_have_url(re.compile(r"#cancel$"))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED, "one key press in the list cancelled it"

    # From the form's anchor, Tab reaches the reason, then the button; Enter cancels.
    reason = keys.tab()
    assert reason["name"] == "reason", f"Tab after the link did not reach the reason: {reason}"
    page.keyboard.type("Trustees moved online")
    keys.tab_to(
        lambda f: f["tag"] == "button" and f["text"] == "Cancel booking",
        what="the Cancel booking button",
    )
    page.keyboard.press("Enter")
    expect(status_of(page)).to_have_text("Cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_reason == "Trustees moved online"
    assert not keys.unmarked, "focus is not visible on:\n" + "\n".join(keys.unmarked)
