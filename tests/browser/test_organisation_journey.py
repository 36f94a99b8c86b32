"""An organisation admin, in a real browser, invites a member from the organisation's page and
opens this month's statement from its bookings; the pages are accessible on a desktop and a
phone. Screenshots go to /tmp/shots/orgs/ when SHOTS=1."""

import os
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from members import permissions
from tests.factories import BookingFactory, MemberFactory

from .conftest import LONDON
from .helpers import assert_every_control_is_named, assert_no_serious_axe_violations, page_overflow

SHOTS = Path("/tmp/shots/orgs")


def shot(page, name: str) -> None:
    if os.environ.get("SHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_an_organisation_admin_invites_a_member_and_opens_the_statement(contexts, scene, log_in):
    newcomer = MemberFactory(email="nadia@example.org", display_name="Nadia New")
    first = datetime.now(LONDON).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    BookingFactory(
        space=scene.hall,
        booker=scene.charity_member,
        organisation=scene.charity,
        starts_at=first,
        title="Lunch club",
        price=Decimal("30.00"),
        full_price=Decimal("60.00"),
        price_basis="reduced",
    )
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto("/account/")
    page.get_by_role("link", name=scene.charity.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(scene.charity.name)

    page.get_by_label("Email address").fill(newcomer.email)
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Nadia New is now in Ladywood Food Bank")).to_be_visible()
    assert permissions.belongs_to(newcomer, scene.charity)
    assert_no_serious_axe_violations(page, label="organisation, after inviting")
    assert_every_control_is_named(page)
    shot(page, "organisation-desktop")

    page.get_by_role("link", name="Bookings and statements").click()
    expect(page.get_by_role("cell", name="Lunch club")).to_be_visible()
    shot(page, "organisation-bookings-desktop")
    page.get_by_role("link", name=f"{scene.venue.name}, {first:%B %Y}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{first:%B %Y}")
    expect(page.locator(".statement-total")).to_contain_text("£30.00")
    assert_no_serious_axe_violations(page, label="statement")
    shot(page, "statement-desktop")
    page.get_by_role("link", name="A printable statement to invoice from").click()
    expect(page.get_by_text("GB-CHC-1100001")).to_be_visible()
    expect(page.locator(".site-header")).to_have_count(0)
    shot(page, "statement-print-desktop")


def test_the_organisation_page_and_statement_fit_a_phone(contexts, scene, log_in):
    first = datetime.now(LONDON).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    BookingFactory(
        space=scene.room, booker=scene.charity_member, organisation=scene.charity, starts_at=first
    )
    context = contexts.new(phone=True)
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto(f"/organisations/{scene.charity.slug}/")
    expect(page.get_by_role("button", name="Invite")).to_be_visible()
    assert page_overflow(page) == 0
    shot(page, "organisation-phone")
    page.goto(f"/organisations/{scene.charity.slug}/statements/{scene.venue.slug}/{first:%Y-%m}/")
    expect(page.get_by_text("not priced and not in the total")).to_be_visible()
    assert page_overflow(page) == 0
    assert_no_serious_axe_violations(page, label="statement on a phone")
    shot(page, "statement-phone")
    page.goto(f"/organisations/{scene.charity.slug}/details/")
    shot(page, "organisation-details-phone")
