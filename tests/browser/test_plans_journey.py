"""A venue manager, in a real browser, adds a plan with its allowances (after a mistake the page
explains), grants it to a member by email, gives charities a reduced rate and grants a community
fund; the member then sees the membership and their charity's fund. Accessible on a desktop and
on a phone."""

import os
import re
from datetime import datetime
from pathlib import Path

from django.utils.formats import date_format
from playwright.sync_api import expect

from memberships.models import CommunityFund, Membership, OrganisationKindTier, Plan

from .conftest import LONDON
from .helpers import assert_every_control_is_named, assert_no_serious_axe_violations, page_overflow
from .steps import field

SHOTS = os.environ.get("SHOTS_DIR", "")


def shot(page, name: str) -> None:
    """A full-page PNG into $SHOTS_DIR, when set (for looking at the pages, not for the test)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True, animations="disabled")


def test_a_manager_adds_a_plan_grants_it_and_grants_a_fund(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(f"/manage/venues/{scene.venue.slug}/day/")
    page.get_by_role("link", name="Plans and memberships").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Plans of {scene.venue.name}")
    page.get_by_role("link", name="Add a plan").click()

    field(page, "Name").fill("Hot desk 10 days")
    page.get_by_label("Desk pool").check()
    page.get_by_label("Meeting room").check()
    field(page, "Price tier").select_option(label="Reduced rate")
    rows = page.locator("table.hours-editor tbody tr")
    rows.nth(0).get_by_label("Kind of space").select_option(label="Desk pool")
    rows.nth(0).get_by_label("How much a month").fill("10")
    rows.nth(0).get_by_label("Counted in").select_option(label="desk-days")
    rows.nth(1).get_by_label("Kind of space").select_option(label="Meeting room")
    rows.nth(1).get_by_label("How much a month").fill("-4")
    page.get_by_role("button", name="Save the plan").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("An allowance cannot be negative.")
    assert not Plan.objects.exists()
    assert_no_serious_axe_violations(page, label="plan form with errors")
    shot(page, "plan-errors-desktop")

    rows.nth(1).get_by_label("How much a month").fill("4")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the percentage off for a reduced rate.")
    field(page, "Reduction (%)").fill("120")
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_role("alert")).to_contain_text("less than 100")
    field(page, "Reduction (%)").fill("25")
    page.get_by_role("button", name="Save the plan").click()

    expect(page.get_by_text("Saved the plan Hot desk 10 days.")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("Desk pool: 10 desk-days a month")
    expect(table).to_contain_text("Meeting room: 4 hours a month")
    expect(table).to_contain_text("25 % off")
    assert_no_serious_axe_violations(page, label="plans")
    assert_every_control_is_named(page)
    shot(page, "plans-desktop")

    page.get_by_role("link", name="Grant a membership").first.click()
    field(page, "Plan").select_option(label="Hot desk 10 days (St Luke's Co-working Hub)")
    page.get_by_label("A member").check()
    field(page, "The member's email address").fill(scene.charity_member.email)
    page.get_by_role("button", name="Grant").click()
    expect(page.get_by_text("Chris Charity now holds Hot desk 10 days.")).to_be_visible()
    month = date_format(datetime.now(LONDON).date(), "F")
    expect(page.get_by_role("table")).to_contain_text(
        f"Desk pool: 10 of 10 desk-days left in {month}"
    )
    assert Membership.objects.get().member == scene.charity_member
    assert_no_serious_axe_violations(page, label="memberships")
    shot(page, "memberships-desktop")

    # The same grant again overlaps: refused, with the reason.
    page.get_by_role("link", name="Grant a membership").click()
    field(page, "Plan").select_option(label="Hot desk 10 days (St Luke's Co-working Hub)")
    field(page, "The member's email address").fill(scene.charity_member.email)
    page.get_by_role("button", name="Grant").click()
    expect(page.get_by_role("alert")).to_contain_text("the two would overlap")
    assert Membership.objects.count() == 1

    page.get_by_role("link", name="Tiers for kinds of organisation").click()
    field(page, "Tier for Charity").select_option(label="Reduced rate")
    field(page, "Reduction for Charity (%)").fill("50")
    field(page, "Tier for Community group").select_option(label="Free")
    page.get_by_role("button", name="Save the tiers").click()
    expect(page.get_by_text("Saved the tiers")).to_be_visible()
    assert OrganisationKindTier.objects.count() == 2
    assert_no_serious_axe_violations(page, label="tiers")
    shot(page, "tiers-desktop")

    page.get_by_role("link", name="Community funds").click()
    page.get_by_role("link", name="Grant a fund").click()
    field(page, "Granted to").select_option(label="Ladywood Food Bank")
    field(page, "Name").fill("Spring term")
    field(page, "How much").fill("40")
    today = datetime.now(LONDON).date()
    field(page, "Ends on").fill(today.replace(year=today.year + 1).isoformat())
    page.get_by_role("button", name="Grant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Spring term for Ladywood Food Bank")
    expect(page.get_by_role("region", name="Balance")).to_contain_text("40 hours")
    assert CommunityFund.objects.get().hours == 40
    assert_no_serious_axe_violations(page, label="a fund")
    shot(page, "fund-desktop")

    member = contexts.new()
    log_in(member, scene.charity_member)
    mine = member.new_page()
    mine.goto("/account/memberships/")
    expect(mine.get_by_role("heading", name="Hot desk 10 days")).to_be_visible()
    expect(mine.get_by_role("heading", name="Community funds")).to_be_visible()
    expect(mine.get_by_role("table")).to_contain_text("Spring term")
    assert_no_serious_axe_violations(mine, label="own memberships and funds")
    shot(mine, "account-memberships-desktop")


def test_the_plan_pages_fit_a_phone(contexts, scene, log_in):
    context = contexts.new(phone=True)
    log_in(context, scene.manager)
    page = context.new_page()
    base = f"/manage/venues/{scene.venue.slug}/"
    for path in (
        "plans/new/",
        "plans/",
        "memberships/new/",
        "memberships/",
        "plans/tiers/",
        "funds/new/",
    ):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, "phone-" + re.sub(r"\W+", "-", path).strip("-"))
        assert page_overflow(page) == 0, f"{path} scrolls sideways on a phone"
