"""A member of a charity sees the price before booking, pays from the group's community fund, and
sees the price and the fund on the booking's page and in My bookings; the space page shows the
full rate. Screenshots (desktop and phone) go to /tmp/shots/prices/ when SHOTS=1."""

import os
import re
from decimal import Decimal
from pathlib import Path

from playwright.sync_api import expect

from bookings.models import Booking
from memberships.funds import fund_left
from tests.factories import CommunityFundFactory, OrganisationKindTierFactory

from .helpers import assert_no_serious_axe_violations, page_overflow
from .steps import field, free_cell_link, show_week_of

SHOTS = Path("/tmp/shots/prices")


def shot(page, name: str) -> None:
    if os.environ.get("SHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def test_a_charity_sees_the_price_then_books_on_its_fund(contexts, scene, log_in):
    scene.room.rate = Decimal(12)
    scene.room.save()
    OrganisationKindTierFactory(venue=scene.venue)  # 50 % off for charities
    from datetime import timedelta

    fund = CommunityFundFactory(
        venue=scene.venue,
        organisation=scene.charity,
        hours=Decimal(10),
        starts_on=scene.tuesday - timedelta(days=30),
        ends_on=scene.tuesday + timedelta(days=60),
    )
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.charity_member)
        page = context.new_page()
        size = "phone" if phone else "desktop"
        hour = "11:00" if phone else "14:00"

        page.goto(scene.room.get_absolute_url())
        expect(page.locator(".meta")).to_contain_text("£12 an hour")
        shot(page, f"{size}-space")
        show_week_of(page, scene.tuesday, tap=phone)
        link = free_cell_link(page, scene.tuesday, hour)
        link.tap() if phone else link.click()
        field(page, "Ends at").fill(f"{int(hour[:2]) + 1}:00")
        field(page, "Title").fill("Food bank committee")
        field(page, "How many people").fill("6")
        field(page, "Booking for").select_option(label="Ladywood Food Bank")
        shot(page, f"{size}-form")
        button = page.get_by_role("button", name="Check and book", exact=True)
        button.tap() if phone else button.click()

        # The charity rate first: the price and what it is at the full rate.
        expect(page.get_by_role("heading", level=1)).to_have_text("Check and book")
        price = page.locator(".price-check")
        expect(price).to_contain_text("£6.00 (charity rate, 50 % off £12.00)")
        assert Booking.objects.count() == (1 if phone else 0)  # the desktop round's only
        shot(page, f"{size}-check-charity-rate")
        assert page_overflow(page) == 0
        assert_no_serious_axe_violations(page, label=f"check step ({size})")

        # Back to the form, the fund chosen this time.
        back = page.get_by_role("button", name="Change the details")
        back.tap() if phone else back.click()
        page.get_by_label(re.compile("Community fund Spring term")).check()
        button = page.get_by_role("button", name="Check and book", exact=True)
        button.tap() if phone else button.click()
        expect(price).to_contain_text("Paid by the community fund Spring term")
        expect(price).to_contain_text("At the full rate: £12.00.")
        shot(page, f"{size}-check-fund")
        book = page.get_by_role("button", name="Book", exact=True)
        book.tap() if phone else book.click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Food bank committee")
        main = page.get_by_role("main")
        expect(main).to_contain_text("Paid by the community fund Spring term")
        expect(main).to_contain_text("Spring term of Ladywood Food Bank: 1 hour")
        shot(page, f"{size}-booking")
        assert page_overflow(page) == 0
        page.goto("/bookings/")
        expect(page.get_by_role("main")).to_contain_text("Paid by the community fund Spring term")
        shot(page, f"{size}-my-bookings")
        page.goto("/account/memberships/")
        fund_row = page.get_by_role("row").filter(has_text="Spring term")
        expect(fund_row).to_contain_text("10 hours")  # granted
        expect(fund_row.locator("td").last).to_have_text("9" if not phone else "8")  # left
        shot(page, f"{size}-account-funds")
        context.close()
    assert fund_left(fund=fund) == Decimal(8)
