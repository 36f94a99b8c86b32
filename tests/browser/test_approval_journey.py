"""A charity asks for the main hall, which needs approval; the venue manager approves; the member sees it confirmed."""

import re

from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking

from .conftest import PASSWORD
from .steps import check_and_book, field, free_cell_link, show_week_of, status_of


def log_in_with_the_form(page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log in").click()
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_charity_requests_the_main_hall_and_sees_it_confirmed_once_the_manager_approves(
    contexts, scene, log_in
):
    member_context = contexts.new()
    log_in(member_context, scene.charity_member)
    member = member_context.new_page()

    member.goto(scene.venue.get_absolute_url())
    member.get_by_role("main").get_by_role("link", name="Main hall", exact=True).first.click()
    expect(member.get_by_role("heading", level=1)).to_have_text("Main hall")
    show_week_of(member, scene.tuesday)
    free_cell_link(member, scene.tuesday, "10:00").click()
    expect(member.get_by_role("main")).to_contain_text("approves")
    field(member, "Title").fill("Community lunch")
    field(member, "How many people").fill("40")
    field(member, "Booking for").select_option(label="Ladywood Food Bank")
    check_and_book(member, request=True)

    expect(member.get_by_role("heading", level=1)).to_have_text("Community lunch")
    expect(status_of(member)).to_have_text("Awaiting approval")
    booking = Booking.objects.get(title="Community lunch")
    assert booking.status == Booking.Status.PENDING
    assert booking.organisation == scene.charity

    manager = contexts.new().new_page()
    log_in_with_the_form(manager, scene.manager.email)
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Booking requests")
    row = manager.get_by_role("row").filter(has_text="Community lunch")
    expect(row).to_contain_text("Ladywood Food Bank")
    row.get_by_role("button", name="Approve Community lunch").click()
    expect(manager.locator(".messages")).to_contain_text(re.compile("approved", re.I))

    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_by == scene.manager
    assert any("chris@example.org" in message.to for message in mail.outbox)

    member.reload()
    expect(status_of(member)).to_have_text("Confirmed")
    expect(member.get_by_role("main")).to_contain_text("Mo Manager")
