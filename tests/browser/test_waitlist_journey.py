"""A member waits for a taken room: joins its waiting list from the week, the booker cancels,
the member gets the email with the claim link, opens it and books the room; the link then
works no more. Screenshots of each page (desktop and phone) go to /tmp/shots/waitlist/."""

import re
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking, WaitlistEntry

from .conftest import make_booking
from .helpers import assert_no_serious_axe_violations
from .steps import field, grid_cell, show_week_of, status_of

SHOTS = Path("/tmp/shots/waitlist")
SHOTS.mkdir(parents=True, exist_ok=True)
CLAIM = re.compile(r"https?://[^\s]+(/waitlist/claim/[\w-]+/)")


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_a_member_waits_for_a_taken_room_and_books_it_from_the_claim_link(contexts, scene, log_in):
    taken = make_booking(
        scene.room, scene.manager, scene.at(scene.tuesday, 10), title="Staff meeting"
    )
    member_context = contexts.new()
    log_in(member_context, scene.charity_member)
    page = member_context.new_page()

    page.goto(scene.room.get_absolute_url())
    show_week_of(page, scene.tuesday)
    cell = grid_cell(page, scene.tuesday, "10:00")
    cell.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "week-booked-desktop.png"), animations="disabled")
    booked = cell.get_by_role("link", name=re.compile(r"^Booked\s*: join the waiting list"))
    booked.click()
    notice = page.locator(".waitlist-offer")
    expect(notice).to_contain_text("This time is taken.")
    field(page, "Ends at").fill("11:00")
    field(page, "Title").fill("Trustees meeting")
    field(page, "How many people").fill("5")
    assert_no_serious_axe_violations(page, label="book form, taken time")
    shot(page, "book-taken-desktop")
    page.get_by_role("button", name="Join the waiting list for this time").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    expect(page.locator(".messages")).to_contain_text("You are on the waiting list")
    waiting = page.get_by_role("region", name="Waiting lists")
    expect(waiting).to_contain_text("Trustees meeting")
    expect(waiting).to_contain_text("we email you if it comes free")
    assert_no_serious_axe_violations(page, label="my bookings with a waiting list")
    shot(page, "my-bookings-waiting-desktop")

    # The booker cancels from their booking's page.
    manager_context = contexts.new()
    log_in(manager_context, scene.manager)
    manager = manager_context.new_page()
    mail.outbox.clear()
    manager.goto(taken.get_absolute_url())
    manager.get_by_role("button", name="Cancel booking").click()
    expect(manager.locator(".messages")).to_contain_text(re.compile("cancel", re.I))

    offers = [m for m in mail.outbox if m.to == [scene.charity_member.email]]
    offer = next(m for m in offers if "claim" in m.subject.lower())
    link = CLAIM.search(offer.body)
    assert link, offer.body
    page.reload()
    expect(waiting).to_contain_text("Free: claim it")
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("It has come free: claim it")
    expect(page.get_by_role("main")).to_contain_text("Trustees meeting")
    assert_no_serious_axe_violations(page, label="claim page")
    shot(page, "claim-desktop")
    page.get_by_role("button", name="Book it").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Trustees meeting")
    expect(status_of(page)).to_have_text("Confirmed")
    booking = Booking.objects.get(title="Trustees meeting", status="confirmed")
    assert booking.booker == scene.charity_member and booking.attendees == 5
    assert WaitlistEntry.objects.get().state == "claimed"

    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text("This claim link cannot be used")
    expect(page.get_by_role("main")).to_contain_text("This link has been used")
    assert_no_serious_axe_violations(page, label="claim link used")
    shot(page, "claim-used-desktop")
    assert Booking.objects.filter(title="Trustees meeting").count() == 1


def test_the_waiting_list_pages_on_a_phone(contexts, scene, log_in):
    make_booking(scene.room, scene.manager, scene.at(scene.tuesday, 10), title="Staff meeting")
    context = contexts.new(phone=True)
    log_in(context, scene.charity_member)
    page = context.new_page()
    day = scene.tuesday.isoformat()
    page.goto(f"{scene.room.get_absolute_url()}book/?start={day}T10:00&end={day}T11:00")
    field(page, "Title").fill("Trustees meeting")
    shot(page, "book-taken-phone")
    page.get_by_role("button", name="Join the waiting list for this time").click()
    expect(page.get_by_role("region", name="Waiting lists")).to_contain_text("Trustees meeting")
    shot(page, "my-bookings-waiting-phone")
    Booking.objects.filter(title="Staff meeting").update(status="cancelled")
    entry = WaitlistEntry.objects.get()
    entry.state, entry.offer_token = "offered", "phone-token"
    from datetime import timedelta

    from django.utils import timezone

    entry.offer_expires_at = timezone.now() + timedelta(hours=2)
    entry.save()
    page.goto("/waitlist/claim/phone-token/")
    expect(page.get_by_role("button", name="Book it")).to_be_visible()
    shot(page, "claim-phone")
