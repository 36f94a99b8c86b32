"""St Luke's manager runs the venue from the site, clicking from the home page: the hours, a closure
that hits a booking, a new space, tomorrow's day with its bookers, a booking for a charity's member,
and moving bookings (onto a free time, then onto a taken one, refused with what is free instead)."""

import re
from datetime import datetime, timedelta

from django.core import mail
from playwright.sync_api import Page, expect

from bookings.models import Booking
from spaces.models import Closure, OpeningHours, Space
from tests.factories import MemberFactory

from .conftest import LONDON, PASSWORD, Scene, make_booking
from .helpers import (
    assert_every_control_is_named,
    assert_no_serious_axe_violations,
    controls_sticking_out_of_their_form,
    page_overflow,
)
from .steps import field


def tomorrow():
    return datetime.now(LONDON).date() + timedelta(days=1)


def a_busy_tomorrow(scene: Scene) -> dict[str, Booking]:
    """Tomorrow a charity's homework club and a freelancer's desk session; a week later a meeting
    in the Loft (which a closure will hit). All between 10:00 and 14:00, open on any weekday."""
    day, later = tomorrow(), tomorrow() + timedelta(days=7)
    freelancer = MemberFactory(email="sam@example.org", display_name="Sam Freelancer")
    return {
        "homework": make_booking(
            scene.room,
            scene.charity_member,
            scene.at(day, 10),
            title="Homework club",
            organisation=scene.charity,
            attendees=8,
        ),
        "desk": make_booking(scene.upstairs, freelancer, scene.at(day, 13), title="Writing day"),
        "trustees": make_booking(
            scene.upstairs,
            scene.charity_member,
            scene.at(later, 10),
            hours=2,
            title="Trustees meeting",
            organisation=scene.charity,
        ),
    }


def log_in_from_the_home_page(page: Page, email: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Log in").click()
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def run_this_venue(page: Page, link: str) -> None:
    """Follow one of the manager's links: on the venue page, or on any manager page."""
    page.get_by_role("navigation", name=re.compile("^Run ")).get_by_role(
        "link", name=link, exact=True
    ).click()


def back_to_the_venue(page: Page, scene: Scene) -> None:
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=scene.venue.name
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(scene.venue.name)


def check_the_page(page: Page, label: str, *, phone: bool = False) -> None:
    """What every manager page owes its users: axe clean, named controls, nothing sticking out."""
    assert_no_serious_axe_violations(page, label=label)
    assert_every_control_is_named(page)
    assert not controls_sticking_out_of_their_form(page), (
        label,
        controls_sticking_out_of_their_form(page),
    )
    if phone:
        assert page_overflow(page) == 0, f"{label} scrolls sideways on a phone"


def hours_row(page: Page, weekday: str):
    """The row of the hours editor whose day is `weekday` (the first, if it has several)."""
    rows = page.locator("table.hours-editor tbody tr")
    for index in range(rows.count()):
        select = rows.nth(index).locator("select")
        if select.evaluate("s => s.options[s.selectedIndex].text") == weekday:
            return rows.nth(index)
    raise AssertionError(f"no {weekday} row in the hours editor")


def saturday_hours(scene: Scene) -> list[tuple[str, str]]:
    return [
        (f"{row.opens:%H:%M}", f"{row.closes:%H:%M}")
        for row in OpeningHours.objects.filter(venue=scene.venue, weekday=5)
    ]


def test_the_manager_runs_st_lukes_from_the_site(contexts, scene):
    bookings = a_busy_tomorrow(scene)
    day = tomorrow()
    page = contexts.new().new_page()
    log_in_from_the_home_page(page, scene.manager.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Venues").click()
    page.get_by_role("main").get_by_role("link", name=scene.venue.name).first.click()
    expect(page.get_by_role("heading", name="Run this venue")).to_be_visible()

    # Saturday opens 10:00–14:00, and the venue page says so.
    run_this_venue(page, "Opening hours")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Opening hours of {scene.venue.name}"
    )
    check_the_page(page, "the hours editor")
    saturday = hours_row(page, "Saturday")
    saturday.get_by_label("Opens").fill("10:00")
    saturday.get_by_label("Closes").fill("14:00")
    page.get_by_role("button", name="Save the hours").click()
    expect(page.locator(".messages")).to_contain_text("Saved the opening hours")
    assert saturday_hours(scene) == [("10:00", "14:00")]
    back_to_the_venue(page, scene)
    hours = page.get_by_role("table", name="Opening hours")
    expect(
        hours.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Saturday"))
    ).to_contain_text("10:00–14:00")
    expect(
        hours.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Friday"))
    ).to_contain_text("09:00–17:00")

    # The Loft closes for a day; the page lists the trustees' meeting it hits; the manager cancels it.
    trustees = bookings["trustees"]
    closed_day = trustees.starts_at.astimezone(LONDON).date()
    run_this_venue(page, "Closures")
    field(page, "What closes").select_option(label="Loft")
    field(page, "From (date)").fill(closed_day.isoformat())
    field(page, "From (time)").fill("00:00")
    field(page, "Until (date)").fill((closed_day + timedelta(days=1)).isoformat())
    field(page, "Until (time)").fill("00:00")
    field(page, "Reason").fill("Roof repair")
    page.get_by_role("button", name="Check and close").click()
    hits = page.get_by_role("region", name=re.compile("would hit 1 booking"))
    expect(hits).to_contain_text("Trustees meeting")
    expect(hits).to_contain_text("Chris Charity, Ladywood Food Bank")
    assert not Closure.objects.filter(venue=scene.venue).exists(), "saved before the choice"
    check_the_page(page, "closures with hits")
    page.get_by_label("Cancel them and tell each booker why").check()
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 booking cancelled")
    expect(page.get_by_role("main")).to_contain_text("Roof repair (Loft)")
    trustees.refresh_from_db()
    assert trustees.status == Booking.Status.CANCELLED
    told = [m for m in mail.outbox if "chris@example.org" in m.to and "Roof repair" in m.body]
    assert len(told) == 1, [(m.to, m.subject) for m in mail.outbox]
    assert "METHOD:CANCEL" in told[0].message().as_string()

    # A new space, and it is on the venue page.
    run_this_venue(page, "Spaces")
    page.get_by_role("link", name="Add a space").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a space")
    check_the_page(page, "add a space")
    field(page, "Name").fill("Quiet room")
    field(page, "Slug").fill("quiet-room")
    field(page, "Kind").select_option(label="Meeting room")
    field(page, "Capacity").fill("4")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Saved Quiet room")
    assert Space.objects.filter(venue=scene.venue, slug="quiet-room", is_active=True).exists()
    back_to_the_venue(page, scene)
    expect(
        page.get_by_role("main").get_by_role("link", name="Quiet room", exact=True)
    ).to_be_visible()

    # Tomorrow, with who booked what.
    run_this_venue(page, "The day")
    page.get_by_role("link", name="Next day ›").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        f"{day:%A} {day.day} {day:%B %Y}"
    )
    garden = page.get_by_role("region", name="Garden room")
    expect(garden).to_contain_text("10:00–11:00 Homework club")
    expect(garden).to_contain_text("Chris Charity · for Ladywood Food Bank · 8 people")
    expect(page.get_by_role("region", name="Loft")).to_contain_text("Sam Freelancer")
    expect(page.get_by_role("region", name="Quiet room")).to_contain_text("No bookings.")
    check_the_page(page, "the day")

    # Chris phones: an advice surgery for the food bank in the Snug, tomorrow 11:00–12:00.
    run_this_venue(page, "Book for someone")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book for someone")
    check_the_page(page, "book for someone")
    # The waiver's limits are shown under it and read out with it.
    waive = "Waive the notice and how far ahead it may be booked"
    expect(page.get_by_label(waive)).to_have_accessible_description(re.compile("never waived"))
    expect(page.get_by_role("main")).to_contain_text("Overlaps and seats are never waived.")
    field(page, "The member's email address").fill("chris@example.org")
    field(page, "Booking for").select_option(label="Ladywood Food Bank")
    field(page, "Space").select_option(label="Snug")
    field(page, "Date").fill(day.isoformat())
    field(page, "Starts at").fill("11:00")
    field(page, "Ends at").fill("12:00")
    field(page, "Title").fill("Advice surgery")
    field(page, "How many people").fill("3")
    outbox_before = len(mail.outbox)
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Advice surgery")
    expect(page.locator(".messages")).to_contain_text("Booked for Chris Charity")
    expect(page.get_by_role("main")).to_contain_text("on the booker's behalf")
    surgery = Booking.objects.get(title="Advice surgery")
    assert (surgery.booker, surgery.organisation, surgery.made_by) == (
        scene.charity_member,
        scene.charity,
        scene.manager,
    )
    assert surgery.status == Booking.Status.CONFIRMED
    assert any("chris@example.org" in m.to for m in mail.outbox[outbox_before:])

    # The homework club moves to 12:00–13:00, which is free.
    page.get_by_role("main").get_by_role("link", name=scene.venue.name).click()
    run_this_venue(page, "The day")
    page.get_by_role("link", name="Next day ›").click()
    page.get_by_role("link", name=re.compile("Homework club")).click()
    page.get_by_role("link", name="Change or move this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Homework club")
    check_the_page(page, "change a booking")
    field(page, "Starts at").fill("12:00")
    field(page, "Ends at").fill("13:00")
    page.get_by_role("button", name="Save the change").click()
    expect(page.locator(".messages")).to_contain_text("Changed: Homework club")
    homework = bookings["homework"]
    uid, sequence = homework.uid, homework.sequence
    homework.refresh_from_db()
    assert homework.starts_at == scene.at(day, 12) and homework.ends_at == scene.at(day, 13)
    assert homework.uid == uid and homework.sequence > sequence

    # The surgery cannot move onto the homework club's new time: the reason, and what is free.
    page.get_by_role("main").get_by_role("link", name=scene.venue.name).click()
    run_this_venue(page, "The day")
    page.get_by_role("link", name="Next day ›").click()
    expect(page.get_by_role("region", name="Garden room")).to_contain_text(
        "12:00–13:00 Homework club"
    )
    page.get_by_role("link", name=re.compile("Advice surgery")).click()
    page.get_by_role("link", name="Change or move this booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Advice surgery")
    field(page, "Space").select_option(label="Garden room")
    field(page, "Starts at").fill("12:00")
    field(page, "Ends at").fill("13:00")
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("booked|taken", re.I))
    offer = page.get_by_role("region", name="Free instead")
    expect(offer).to_contain_text("The same space, the same day:")
    expect(offer).to_contain_text("11:00–12:00")
    expect(offer).to_contain_text("The same time, another space:")
    expect(offer).to_contain_text("Loft")
    surgery_before = (surgery.space_id, surgery.starts_at, surgery.sequence)
    surgery.refresh_from_db()
    assert (surgery.space_id, surgery.starts_at, surgery.sequence) == surgery_before
    check_the_page(page, "change refused with an offer")


def test_on_a_phone_the_manager_finds_tomorrow_and_moves_a_booking(contexts, scene, log_in):
    bookings = a_busy_tomorrow(scene)
    context = contexts.new(phone=True)
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name=scene.venue.name).first.tap()
    page.get_by_role("navigation", name=re.compile("^Run ")).get_by_role(
        "link", name="The day", exact=True
    ).tap()
    page.get_by_role("link", name="Next day ›").tap()
    garden = page.get_by_role("region", name="Garden room")
    expect(garden).to_contain_text("Chris Charity · for Ladywood Food Bank")
    check_the_page(page, "the day on a phone", phone=True)

    garden.get_by_role("link", name=re.compile("Homework club")).tap()
    page.get_by_role("link", name="Change or move this booking").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change Homework club")
    check_the_page(page, "change a booking on a phone", phone=True)
    field(page, "Starts at").fill("13:00")
    field(page, "Ends at").fill("14:00")
    field(page, "Space").select_option(label="Loft")
    page.get_by_role("button", name="Save the change").tap()
    # Sam's writing day has the Loft then: refused, nothing changed, and what is free instead.
    expect(page.get_by_role("alert")).to_contain_text("Loft is already booked then")
    expect(page.get_by_role("region", name="Free instead")).to_contain_text("Garden room")
    check_the_page(page, "change refused on a phone", phone=True)
    homework = bookings["homework"]
    homework.refresh_from_db()
    assert homework.space == scene.room and homework.starts_at == scene.at(tomorrow(), 10)

    field(page, "Space").select_option(label="Garden room")
    page.get_by_role("button", name="Save the change").tap()
    expect(page.locator(".messages")).to_contain_text("Changed: Homework club")
    homework.refresh_from_db()
    assert homework.space == scene.room and homework.starts_at == scene.at(tomorrow(), 13)
