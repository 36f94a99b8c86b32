"""At the door: a member scans the space's QR code (opens its check-in page), signs in and checks
in; a manager prints the door sign and checks a member in from the day view, clicking from the
home page. Screenshots of each page on a desktop and a 390 px phone go to /tmp/shots/checkin/."""

import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

from bookings.models import Booking
from tests.factories import BookingFactory

from .conftest import PASSWORD, Scene
from .helpers import assert_every_control_is_named, assert_no_serious_axe_violations
from .steps import field
from .test_manager_journey import log_in_from_the_home_page, run_this_venue

SHOTS = Path(os.environ.get("CHECKIN_SHOTS", "/tmp/shots/checkin"))


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True, animations="disabled")


def booking_in_the_window(scene: Scene, *, later: timedelta = timedelta(0), **kwargs) -> Booking:
    """A confirmed booking of the Garden room that started ten minutes ago (or `later` than
    that), for an hour."""
    now = datetime.now(UTC).replace(microsecond=0) + later
    kwargs.setdefault("title", "Homework club")
    kwargs.setdefault("booker", scene.charity_member)
    return BookingFactory(
        space=scene.room,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(minutes=50),
        **kwargs,
    )


def test_a_member_scans_the_door_code_signs_in_and_checks_in(contexts, scene):
    booking = booking_in_the_window(scene)
    for phone in (False, True):
        Booking.objects.filter(pk=booking.pk).update(checked_in_at=None, checked_in_by=None)
        page = contexts.page(phone=phone)
        label = "phone" if phone else "desktop"
        page.goto(f"/venues/{scene.venue.slug}/{scene.room.slug}/check-in/")  # the QR code's URL
        field(page, "Email").fill(scene.charity_member.email)
        field(page, "Password").fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="Log in", exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Check in to Garden room")
        expect(page.get_by_role("heading", name="Homework club")).to_be_visible()
        shot(page, f"{label}-door-check-in")
        assert_no_serious_axe_violations(page, label=f"door check-in ({label})")
        assert_every_control_is_named(page)
        page.get_by_role("button", name="Check in now").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Homework club")
        expect(page.get_by_text(re.compile(r"Checked in: Homework club"))).to_be_visible()
        shot(page, f"{label}-booking-checked-in")
        booking.refresh_from_db()
        assert booking.checked_in_by == scene.charity_member
        # Scanning again: nothing left to check in, and the page says so.
        page.goto(f"/venues/{scene.venue.slug}/{scene.room.slug}/check-in/")
        expect(page.get_by_role("heading", name="No booking to check in to now")).to_be_visible()
        shot(page, f"{label}-door-nothing-to-check-in")
        page.context.close()


def test_a_manager_prints_the_door_sign_and_checks_a_member_in_from_the_day_view(contexts, scene):
    booking = booking_in_the_window(scene)
    for phone in (False, True):
        Booking.objects.filter(pk=booking.pk).update(checked_in_at=None, checked_in_by=None)
        label = "phone" if phone else "desktop"
        page = contexts.page(phone=phone)
        log_in_from_the_home_page(page, scene.manager.email)
        page.goto("/")  # the venues
        page.get_by_role("main").get_by_role("link", name=scene.venue.name).first.click()
        run_this_venue(page, "Spaces")
        page.get_by_role("link", name="Print the door sign of Garden room").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Garden room")
        qr = page.get_by_role("img", name="QR code to check in to Garden room")
        expect(qr).to_be_visible()
        page.wait_for_function(  # the SVG loaded and drew (no broken image)
            "() => { const i = document.querySelector('img.door-sign-qr');"
            " return i.complete && i.naturalWidth > 0; }"
        )
        shot(page, f"{label}-door-sign")
        assert_no_serious_axe_violations(page, label=f"door sign ({label})")
        page.get_by_role("link", name="Back to Garden room").click()
        run_this_venue(page, "The day")
        item = page.locator("li.day-booking").filter(has_text="Homework club")
        button = item.get_by_role("button", name=re.compile("^Check in"))
        expect(button).to_be_visible()
        shot(page, f"{label}-day-check-in")
        assert_no_serious_axe_violations(page, label=f"day view ({label})")
        button.click()
        expect(page.get_by_text(re.compile(r"Checked in: Homework club"))).to_be_visible()
        expect(item.get_by_text(re.compile(r"Checked in at \d\d:\d\d"))).to_be_visible()
        expect(item.get_by_role("button", name=re.compile("^Check in"))).to_have_count(0)
        shot(page, f"{label}-day-checked-in")
        booking.refresh_from_db()
        assert booking.checked_in_by == scene.manager
        page.context.close()


def test_a_member_checks_in_from_my_bookings(contexts, scene, log_in):
    scene.room.grace_period = timedelta(minutes=20)  # released if nobody checks in
    scene.room.save()
    booking = booking_in_the_window(scene)
    booking_in_the_window(scene, later=timedelta(days=1), title="Trustees meeting")
    for phone in (False, True):
        Booking.objects.filter(pk=booking.pk).update(checked_in_at=None, checked_in_by=None)
        label = "phone" if phone else "desktop"
        context = contexts.new(phone=phone)
        log_in(context, scene.charity_member)
        page = context.new_page()
        page.goto("/")
        page.get_by_role("link", name="My bookings").first.click()
        upcoming = page.locator("table").first
        row = upcoming.locator("tr").filter(has_text="Homework club")
        expect(row.get_by_role("button", name="Check in Homework club")).to_be_visible()
        # Tomorrow's booking is not open for check-in yet: no button.
        expect(
            upcoming.locator("tr").filter(has_text="Trustees meeting").get_by_role("button")
        ).to_have_count(0)
        shot(page, f"{label}-my-bookings-check-in")
        assert_no_serious_axe_violations(page, label=f"my bookings with check-in ({label})")
        # The booking's own page offers it too, and says what happens without it.
        page.get_by_role("link", name="Homework club").first.click()
        expect(page.get_by_role("button", name="Check in now")).to_be_visible()
        expect(page.get_by_text(re.compile("20 minutes after the start"))).to_be_visible()
        shot(page, f"{label}-booking-check-in")
        assert_no_serious_axe_violations(page, label=f"booking with check-in ({label})")
        page.go_back()
        row.get_by_role("button", name="Check in Homework club").click()
        expect(page.get_by_text(re.compile(r"Checked in: Homework club"))).to_be_visible()
        row = page.locator("table").first.locator("tr").filter(has_text="Homework club")
        expect(row.get_by_text("Checked in", exact=True)).to_be_visible()
        shot(page, f"{label}-my-bookings-checked-in")
        context.close()
