"""A newcomer's whole journey: sign up, confirm, find a space, book it, take it to a calendar, cancel it."""

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar
from django.core import mail
from playwright.sync_api import expect

from bookings.models import Booking

from .conftest import LONDON, PASSWORD
from .helpers import page_overflow
from .steps import check_and_book, field, free_cell_link, show_week_of, status_of

EMAIL = "newcomer@example.org"


def sign_up_and_confirm(page, email: str) -> None:
    page.goto("/")
    icon = page.request.get(page.locator("link[rel=icon]").get_attribute("href"))
    assert icon.ok and icon.headers["content-type"].startswith("image/"), "the favicon is missing"
    page.get_by_role("link", name="Sign up").click()
    field(page, "Email").fill(email)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password (again)").fill(PASSWORD)
    page.get_by_role("button", name=re.compile("sign up", re.I)).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        re.compile("verify|confirm|check", re.I)
    )

    sent = [message for message in mail.outbox if email in message.to]
    assert len(sent) == 1, [message.subject for message in mail.outbox]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+", sent[0].body)
    assert link, sent[0].body
    page.goto(link.group(0))
    page.get_by_role("button", name=re.compile("confirm", re.I)).click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_a_newcomer_signs_up_books_a_free_slot_takes_it_to_a_calendar_and_cancels_it(page, scene):
    sign_up_and_confirm(page, EMAIL)

    # Find a step-free space for ten people, free on Tuesday afternoon.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Venues").click()
    page.get_by_text("Filter spaces", exact=True).click()  # the filters are folded until used
    field(page, "Step-free access").check()
    field(page, "For how many people").fill("10")
    field(page, "Free on").fill(scene.tuesday.isoformat())
    field(page, "From").fill("14:00")
    field(page, "To").fill("16:00")
    page.get_by_role("button", name="Show spaces").click()
    results = page.get_by_role("main")
    expect(results.get_by_role("status")).to_contain_text("2 spaces match")
    expect(results.get_by_role("link", name="Garden room", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Main hall", exact=True)).to_be_visible()
    for unsuitable in ("Snug", "Loft"):  # too small; not step-free
        expect(results.get_by_role("link", name=unsuitable, exact=True)).to_have_count(0)
    results.get_by_role("link", name="Garden room", exact=True).click()

    # Book Tuesday 14:00 from the week grid.
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden room")
    show_week_of(page, scene.tuesday)
    free_cell_link(page, scene.tuesday, "14:00").click()
    expect(field(page, "Date")).to_have_value(scene.tuesday.isoformat())
    expect(field(page, "Starts at")).to_have_value(re.compile(r"^14:00"))
    field(page, "Title").fill("Tenants' association planning")
    field(page, "How many people").fill("10")
    check_and_book(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("Tenants' association planning")
    expect(status_of(page)).to_have_text("Confirmed")
    booking = Booking.objects.get(title="Tenants' association planning")
    assert booking.booker.email == EMAIL
    assert booking.starts_at == datetime.combine(
        scene.tuesday, datetime.min.time().replace(hour=14), LONDON
    )
    assert booking.status == Booking.Status.CONFIRMED

    # It is listed under My bookings.
    page.get_by_role("link", name="My bookings").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("My bookings")
    expect(page.get_by_role("main")).to_contain_text("Tenants' association planning")
    page.get_by_role("link", name="Tenants' association planning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tenants' association planning")

    # Its .ics file: downloaded by the browser, served as text/calendar, at the right UTC instant.
    ics_link = page.get_by_role(
        "link", name=re.compile(r"\.ics|calendar file|download", re.I)
    ).first
    with page.expect_download() as download:
        ics_link.click()
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert events[0].start.astimezone(UTC) == booking.starts_at.astimezone(UTC)
    assert events[0].end.astimezone(UTC) == booking.ends_at.astimezone(UTC)
    response = page.request.get(ics_link.get_attribute("href"))
    assert response.ok
    assert response.headers["content-type"].startswith("text/calendar")

    # A newcomer has no feed yet: they make one, then find its webcal:// and https addresses.
    page.get_by_role("button", name="Make a calendar feed of all my bookings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tenants' association planning")
    webcal = page.get_by_role("link", name=re.compile("Subscribe to all my bookings"))
    expect(webcal).to_have_attribute("href", re.compile(r"^webcal://"))
    https = field(page, "Address of my bookings feed (https)")
    assert urlsplit(https.input_value()).path == urlsplit(webcal.get_attribute("href")).path
    feed = page.request.get(urlsplit(webcal.get_attribute("href")).path)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    feed_events = list(icalendar.Calendar.from_ical(feed.body()).walk("VEVENT"))
    assert [event.start.astimezone(UTC) for event in feed_events] == [
        booking.starts_at.astimezone(UTC)
    ]

    # Cancel it from My bookings: the table's "Cancel…" only leads to the booking's cancel form.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My bookings").click()
    upcoming = page.get_by_role("region", name="Coming up")
    upcoming.get_by_role("link", name="Cancel… Tenants' association planning").click()
    expect(page).to_have_url(re.compile(rf"/bookings/{booking.pk}/#cancel$"))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED, "one click in the list cancelled it"
    expect(page.get_by_role("form", name="Cancel this booking")).to_contain_text(
        "This cannot be undone."
    )
    page.get_by_label(re.compile("Reason")).fill("Moved online")
    page.get_by_role("button", name="Cancel booking").click()
    expect(page.get_by_role("status").or_(page.locator(".messages"))).to_contain_text(
        re.compile("cancel", re.I)
    )
    page.goto(booking.get_absolute_url())
    expect(status_of(page)).to_have_text("Cancelled")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_reason == "Moved online"


def test_the_booking_journey_works_on_a_phone(contexts, scene, log_in):
    context = contexts.new(phone=True)
    log_in(context, scene.charity_member)
    page = context.new_page()

    page.goto("/venues/")
    assert page_overflow(page) == 0, "the venues page scrolls sideways on a 390 px phone"
    page.get_by_role("link", name="Garden room", exact=True).tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Garden room")
    show_week_of(page, scene.tuesday, tap=True)
    assert page_overflow(page) == 0, "the space page scrolls sideways on a 390 px phone"
    free_cell_link(page, scene.tuesday, "11:00").tap()

    expect(field(page, "Date")).to_have_value(scene.tuesday.isoformat())
    expect(field(page, "Starts at")).to_have_value(re.compile(r"^11:00"))
    field(page, "Title").fill("Homework club")
    field(page, "How many people").fill("8")
    assert page_overflow(page) == 0, "the booking form scrolls sideways on a 390 px phone"
    check_and_book(page, tap=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("Homework club")
    expect(status_of(page)).to_have_text("Confirmed")
    assert page_overflow(page) == 0, "the booking page scrolls sideways on a 390 px phone"
    page.goto("/bookings/")
    expect(page.get_by_role("main")).to_contain_text("Homework club")
    assert page_overflow(page) == 0, "My bookings scrolls sideways on a 390 px phone"
    assert (
        Booking.objects.filter(title="Homework club", status=Booking.Status.CONFIRMED).count() == 1
    )
