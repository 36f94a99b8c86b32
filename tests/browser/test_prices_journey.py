"""A venue manager finds income, in-kind value and free and reduced-rate hours on the stats page
and in the funder report; the public impact page shows them only under its disclosure rules.
Screenshots go to /tmp/shots/stats/ (desktop and 390 px phone)."""

import re
from pathlib import Path

from playwright.sync_api import expect

from .test_stats_journey import give_the_venue_a_month_of_use

SHOTS = Path("/tmp/shots/stats")


def test_a_manager_sees_the_money_figures_on_the_stats_page_and_the_funder_report(
    contexts, scene, log_in
):
    give_the_venue_a_month_of_use(scene)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.manager)
        page = context.new_page()
        page.goto(scene.venue.get_absolute_url())
        page.get_by_role("link", name=f"Stats for {scene.venue.name}").click()

        headline = page.get_by_role("region", name="Headline figures")
        expect(
            headline.get_by_role("heading", name="Prices, subsidy and community funds")
        ).to_be_visible()
        expect(headline.locator("dt", has_text="Income").first.locator("+ dd")).to_have_text(
            re.compile(r"^£[\d,]+\.\d\d$")
        )
        expect(headline).to_contain_text("were made before the venue had prices")
        by_price = page.get_by_role(
            "region", name="Prices: full rate, reduced, free and community funds"
        )
        expect(by_price.get_by_role("table")).to_contain_text("Free (paid nothing)")
        expect(by_price.locator("thead th").filter(has_text="In-kind value")).to_have_count(1)
        mix = page.get_by_role("region", name="Hirer mix: by kind of hirer")
        expect(mix.locator("thead th").filter(has_text="Income")).to_have_count(1)
        name = "phone" if phone else "desktop"
        headline.screenshot(path=SHOTS / f"stats-prices-headline-{name}.png")
        by_price.screenshot(path=SHOTS / f"stats-prices-table-{name}.png")
        mix.screenshot(path=SHOTS / f"stats-hirer-mix-income-{name}.png")

        page.goto(page.url + ("&" if "?" in page.url else "?") + "print=1")
        expect(page.get_by_text("Report for funders and partners")).to_be_visible()
        expect(
            page.get_by_role("region", name="Prices: full rate, reduced, free and community funds")
        ).to_be_visible()
        expect(page.get_by_role("region", name="Definitions")).to_contain_text("In-kind value")
        page.screenshot(path=SHOTS / f"funder-report-{name}.png", full_page=True)
        context.close()


def test_the_public_impact_page_shows_prices_only_under_disclosure(contexts, scene):
    give_the_venue_a_month_of_use(scene)
    scene.venue.publish_impact = True
    scene.venue.save()
    context = contexts.new()
    page = context.new_page()

    page.goto(f"{scene.venue.get_absolute_url()}impact/")

    prices = page.get_by_role("region", name="Free and reduced-rate use")
    expect(prices).to_be_visible()
    income = page.get_by_role("region", name="Income by kind of hirer")
    expect(income.get_by_role("table")).to_contain_text("[c]")
    for org in ("Charity of Ladywood", "Business of Ladywood"):
        expect(page.get_by_text(org)).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    prices.screenshot(path=SHOTS / "impact-prices-desktop.png")
    income.screenshot(path=SHOTS / "impact-income-desktop.png")
