"""A venue manager opens the stats page from the venue page and finds charts and tables that say the same."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

from playwright.sync_api import expect

from tests.factories import BookingFactory

from .conftest import LONDON
from .steps import field


def give_the_venue_a_month_of_use(scene) -> None:
    """Confirmed bookings on the first days of the current month (the stats page's default period)."""
    first = datetime.now(LONDON).date().replace(day=1)
    scene.venue.opened_for_sharing_on = first - timedelta(days=90)
    scene.venue.baseline_weekly_hours = Decimal("6.0")
    scene.venue.save()
    for offset, space in enumerate([scene.room, scene.hall, scene.room, scene.small_room]):
        starts = scene.at(first + timedelta(days=offset % 2), 10 + 2 * offset)
        BookingFactory(
            space=space,
            booker=scene.charity_member,
            organisation=scene.charity,
            starts_at=starts,
            title=f"Session {offset}",
            attendees=5,
            activity="learning",
        )


def test_a_manager_opens_the_venue_stats_and_sees_charts_and_tables(contexts, scene, log_in):
    give_the_venue_a_month_of_use(scene)
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()

    page.goto(scene.venue.get_absolute_url())
    page.get_by_role("link", name=f"Stats for {scene.venue.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"How {scene.venue.name} is used")
    # The period form shows the period on screen: this month, around today (an ISO value a date input keeps).
    expect(field(page, "Period")).to_have_value("month")
    expect(field(page, "Containing the day")).to_have_value(datetime.now(LONDON).date().isoformat())

    charts = page.locator("figure.chart")
    expect(charts).to_have_count(4)  # with the busy-hours punch card beside its table
    for index in range(4):
        chart = charts.nth(index)
        expect(chart.locator("svg").first).to_be_visible()
        # A screen reader gets the chart as one image with a summary, and the numbers in a table below.
        expect(chart.get_by_role("img").first).to_have_attribute(
            "aria-label", re.compile(r"\w.{10,}")
        )
        box = chart.locator("svg").first.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 100, box

    by_space = page.get_by_role("region", name="By space").get_by_role("table")
    expect(by_space).to_be_visible()
    for name in ("Garden room", "Main hall", "Snug"):
        expect(by_space).to_contain_text(name)
    expect(page.get_by_role("table")).to_have_count(6)
    expect(page.get_by_role("region", name="Headline figures")).to_contain_text("Occupancy")
    hirings = (
        page.get_by_role("region", name="Headline figures")
        .locator("dt", has_text="Hirings")
        .locator("+ dd")
    )
    expect(hirings).to_have_text("4")


def test_a_member_who_does_not_manage_the_venue_cannot_open_its_stats(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    response = page.goto(f"{scene.venue.get_absolute_url()}stats/")
    assert response.status == 404
    page.goto(scene.venue.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("^Stats for"))).to_have_count(0)
