"""A venue manager, in a real browser, invites a member as a second manager, removes them, and is
told they cannot remove the last one; the page is accessible on a desktop and a phone."""

from playwright.sync_api import expect

from members import permissions

from .helpers import (
    assert_every_control_is_named,
    assert_no_serious_axe_violations,
    page_overflow,
    screenshot,
)


def test_a_manager_invites_and_removes_another_manager(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(f"/manage/venues/{scene.venue.slug}/day/")
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"People of {scene.venue.name}")
    expect(page.get_by_text("A venue always keeps one manager")).to_be_visible()

    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a valid email address.")
    assert_no_serious_axe_violations(page, label="people, bad email")

    page.get_by_label("Email address").fill(scene.charity_member.email)
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("Chris Charity now manages")).to_be_visible()
    assert permissions.is_named_manager(scene.charity_member, scene.venue)
    assert_no_serious_axe_violations(page, label="people, two managers")
    assert_every_control_is_named(page)
    screenshot(page, "manage-people")

    page.get_by_role("button", name="Remove Chris Charity as a manager").click()
    expect(page.get_by_text("Chris Charity no longer manages")).to_be_visible()
    expect(page.get_by_role("button", name="Stop managing")).to_have_count(0)
    assert not permissions.is_named_manager(scene.charity_member, scene.venue)


def test_the_people_page_fits_a_phone(contexts, scene, log_in):
    scene.venue.managers.add(scene.charity_member)
    context = contexts.new(phone=True)
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(f"/manage/venues/{scene.venue.slug}/people/")
    expect(page.get_by_role("button", name="Stop managing")).to_be_visible()
    assert page_overflow(page) == 0
    assert_no_serious_axe_violations(page, label="people on a phone")
    screenshot(page, "manage-people-phone")
