"""A venue manager finds the venue's pending requests in its bookings list, and downloads them as CSV."""

from pathlib import Path

from django.utils import timezone
from playwright.sync_api import expect

from .conftest import make_booking
from .helpers import assert_no_serious_axe_violations
from .steps import field


def test_a_manager_filters_the_venues_bookings_and_downloads_exactly_those_as_csv(
    contexts, scene, log_in
):
    make_booking(scene.room, scene.manager, scene.at(scene.tuesday, 10), title="Staff meeting")
    make_booking(
        scene.hall,
        scene.charity_member,
        scene.at(scene.tuesday, 14),
        hours=2,
        title="Community lunch",
        organisation=scene.charity,
        attendees=40,
    )
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(f"/manage/venues/{scene.venue.slug}/day/")
    page.get_by_role("navigation", name="Run St Luke's Co-working Hub").get_by_role(
        "link", name="Bookings", exact=True
    ).click()
    table = page.get_by_role("table")
    expect(page.get_by_role("heading", name="2 bookings match")).to_be_visible()
    expect(table).to_contain_text("Staff meeting")

    field(page, "Status").select_option(label="Awaiting approval")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="1 booking matches")).to_be_visible()
    expect(table).to_contain_text("Community lunch")
    expect(table).to_contain_text("Ladywood Food Bank")
    expect(table).not_to_contain_text("Staff meeting")
    assert_no_serious_axe_violations(page, label="the filtered bookings list")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these bookings as CSV").click()
    today = timezone.localdate().isoformat()  # the venue is in London, like the site
    assert download.value.suggested_filename == f"st-lukes-bookings-{today}.csv"
    rows = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 2
    assert "Community lunch" in rows[1] and "chris@example.org" in rows[1]

    page.get_by_role("link", name="Community lunch").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Community lunch")
