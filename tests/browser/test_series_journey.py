"""The demo charity books the main hall for ten Tuesdays in one go; the manager approves the series at once."""

import os
import re
from pathlib import Path

from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking, Series

from .conftest import make_booking
from .steps import field

SHOTS = Path(os.environ.get("SERIES_SHOTS", "/tmp/shots/series"))


def shot(page, name: str) -> None:
    if os.environ.get("SERIES_SHOTS"):
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def ask_for_ten_tuesdays(page, scene) -> None:
    page.goto(scene.venue.get_absolute_url())
    page.get_by_role("main").get_by_role("link", name="Main hall", exact=True).first.click()
    page.get_by_role("link", name="Book every week…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Main hall on repeat")
    field(page, "Date").fill(scene.tuesday.isoformat())
    field(page, "Starts at").fill("10:00")
    field(page, "Ends at").fill("12:00")
    field(page, "Repeats").select_option(label="Every week")
    page.get_by_label("After a number of times").check()
    field(page, "Number of times").fill("10")
    field(page, "Title").fill("Food bank")
    field(page, "How many people").fill("30")
    field(page, "Booking for").select_option(label="Ladywood Food Bank")
    page.get_by_role("button", name="Show the dates").click()


def test_the_charity_books_ten_tuesdays_in_one_go_and_the_manager_approves_them_at_once(
    contexts, scene, log_in
):
    # Someone else has the hall on the fourth Tuesday.
    make_booking(scene.hall, scene.manager, scene.at(scene.tuesday, 10) + _weeks(3), title="Exam")
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.charity_member)
        page = context.new_page()
        ask_for_ten_tuesdays(page, scene)
        dates = page.get_by_role("table")
        expect(dates.get_by_role("row")).to_have_count(11)  # a header and ten dates
        expect(page.get_by_role("status")).to_contain_text("9 are free, 1 cannot be booked")
        expect(dates).to_contain_text("Main hall is already booked then.")
        shot(page, f"preview-{'phone' if phone else 'desktop'}")
        if phone:
            page.get_by_role("button", name="Book none").click()
            expect(page.get_by_role("main")).to_contain_text("Nothing was booked.")
    assert not Series.objects.exists()

    page.get_by_role("button", name="Book the 9 free dates")  # the desktop page, still open
    context = contexts.opened[0]
    page = context.pages[0]
    mail.outbox.clear()
    page.get_by_role("button", name="Book the 9 free dates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My bookings")
    expect(page.get_by_role("main")).to_contain_text("Request sent for 9 dates of Food bank")
    expect(page.get_by_role("main")).to_contain_text("Skipped:")
    series = Series.objects.get()
    assert series.bookings.filter(status=Booking.Status.PENDING).count() == 9
    assert sorted(m.to[0] for m in mail.outbox) == [scene.charity_member.email, scene.manager.email]

    manager_context = contexts.new()
    log_in(manager_context, scene.manager)
    manager = manager_context.new_page()
    manager.goto("/")
    manager.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    expect(manager.get_by_role("main")).to_contain_text("A series: 9 dates waiting")
    manager.get_by_role("link", name=re.compile(r"^Decide the series\s+Food bank")).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Decide the series Food bank")
    expect(manager.get_by_role("checkbox")).to_have_count(9)
    shot(manager, "decide-desktop")
    manager.get_by_role("button", name="Decide the series").click()
    expect(manager.get_by_role("main")).to_contain_text("9 approved, 0 declined")
    assert series.bookings.filter(status=Booking.Status.CONFIRMED).count() == 9

    # The charity cancels the last three from the seventh date's page.
    seventh = series.bookings.order_by("starts_at")[6]
    page.goto(seventh.get_absolute_url())
    page.get_by_label("This date and every later one of the series").check()
    shot(page, "cancel-desktop")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("main")).to_contain_text("Cancelled 3 dates of Food bank.")
    assert series.bookings.filter(status=Booking.Status.CONFIRMED).count() == 6


def _weeks(n: int):
    from datetime import timedelta

    return timedelta(weeks=n)


def test_the_manager_books_ten_tuesdays_for_the_charity_from_book_for_someone(
    contexts, scene, log_in
):
    make_booking(scene.hall, scene.manager, scene.at(scene.tuesday, 10) + _weeks(3), title="Exam")
    for phone in (True, False):
        context = contexts.new(phone=phone)
        log_in(context, scene.manager)
        page = context.new_page()
        page.goto("/")
        page.get_by_role("main").get_by_role("link", name=scene.venue.name).first.click()
        page.get_by_role("navigation", name=re.compile("^Run ")).get_by_role(
            "link", name="Book for someone", exact=True
        ).click()
        page.get_by_role("link", name=re.compile("^Book a series for someone")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Book a series for someone")
        field(page, "The member's email address").fill(scene.charity_member.email)
        field(page, "Booking for").select_option(label=scene.charity.name)
        field(page, "Space").select_option(label="Main hall")
        field(page, "Date").fill(scene.tuesday.isoformat())
        field(page, "Starts at").fill("10:00")
        field(page, "Ends at").fill("12:00")
        field(page, "Repeats").select_option(label="Every week")
        page.get_by_label("After a number of times").check()
        field(page, "Number of times").fill("10")
        field(page, "Title").fill("Food bank")
        field(page, "How many people").fill("30")
        page.get_by_role("button", name="Show the dates").click()
        dates = page.get_by_role("table")
        expect(dates.get_by_role("row")).to_have_count(11)
        expect(page.get_by_role("status")).to_contain_text("9 are free, 1 cannot be booked")
        expect(dates).to_contain_text("Main hall is already booked then.")
        shot(page, f"on-behalf-preview-{'phone' if phone else 'desktop'}")
        if phone:
            page.get_by_role("button", name="Book none").click()
            expect(page.get_by_role("main")).to_contain_text("Nothing was booked.")
    assert not Series.objects.exists()

    mail.outbox.clear()
    page.get_by_role("button", name="Book the 9 free dates").click()  # the desktop page
    expect(page.get_by_role("heading", level=1)).to_have_text("Food bank")
    expect(page.locator(".messages")).to_contain_text(
        "Booked 9 dates of Food bank for Chris Charity"
    )
    expect(page.get_by_role("main")).to_contain_text("on the booker's behalf")
    shot(page, "on-behalf-booked-desktop")
    series = Series.objects.get()
    assert (series.booker, series.organisation, series.made_by) == (
        scene.charity_member,
        scene.charity,
        scene.manager,
    )
    assert series.bookings.filter(status=Booking.Status.CONFIRMED).count() == 9
    assert [m.to for m in mail.outbox] == [[scene.charity_member.email]]
