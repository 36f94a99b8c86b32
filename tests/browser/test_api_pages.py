"""The API's pages in Chromium: the reference (Swagger UI from our own static files, under the
site's strict CSP: the contexts fixture fails on any violation or missing file) and Account →
API tokens (make one, see it once, revoke it). Screenshots go to /tmp/shots/api/ when SHOTS=1."""

import os
from pathlib import Path

from playwright.sync_api import expect

from api.models import ApiToken, digest

from .helpers import assert_no_serious_axe_violations

SHOTS = Path("/tmp/shots/api")


def shot(page, name: str) -> None:
    if os.environ.get("SHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_the_api_reference_draws_every_operation_without_breaking_the_csp(contexts, scene):
    page = contexts.page()
    page.goto("/")
    page.get_by_role("link", name="API for partners").click()
    expect(page.get_by_role("heading", level=1, name="The Commonshare API")).to_be_visible()
    reference = page.locator("#swagger-ui")
    expect(reference.get_by_text("/api/v1/bookings/", exact=True).first).to_be_visible()
    expect(reference.get_by_text("/api/v1/spaces/{id}/availability/", exact=True)).to_be_visible()
    shot(page, "docs")
    # Trying an operation from the page calls the API from the browser, as a partner would.
    operation = reference.locator("#operations-venues-venues_list")
    operation.get_by_role("button").first.click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(
        operation.locator(".live-responses-table tbody .response-col_status").first
    ).to_contain_text("200")
    shot(page, "docs-tried")


def test_a_member_makes_a_token_sees_it_once_and_revokes_it(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto("/account/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    page.get_by_label("Name").fill("Food bank website")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make the token").click()
    secret = page.get_by_label("Token", exact=True).input_value()
    assert secret.startswith("cs_")
    token = ApiToken.objects.get()
    assert token.hashed == digest(secret) and token.read_only
    expect(page.get_by_role("table")).to_contain_text("Food bank website")
    expect(page.get_by_role("table")).to_contain_text("Read only")
    shot(page, "tokens-made")
    assert_no_serious_axe_violations(page, label="API tokens")
    page.get_by_role("button", name="Revoke Food bank website").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    expect(page.get_by_label("Token", exact=True)).to_have_count(0)
    shot(page, "tokens-revoked")
    ApiToken.objects.get(revoked_at__isnull=False)
