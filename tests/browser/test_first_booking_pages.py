"""The booking pages a first-time member meets: the week grid, the desk pool form, My bookings."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from bookings.models import Booking
from tests.factories import BookingFactory, DeskPoolFactory, MemberFactory

from .conftest import make_booking
from .helpers import assert_no_serious_axe_violations, page_overflow, run_axe, screenshot
from .steps import Keyboard, check_and_book, field, grid_cell, show_week_of


def test_the_grid_marks_my_booking_yours_and_shows_nothing_of_anyone_elses(contexts, scene, log_in):
    mine = make_booking(
        scene.room, scene.charity_member, scene.at(scene.tuesday, 10), title="Trustees"
    )
    make_booking(
        scene.room,
        MemberFactory(display_name="Priya Private"),
        scene.at(scene.tuesday, 13),
        title="Confidential counselling",
    )
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto(scene.room.get_absolute_url())
    show_week_of(page, scene.tuesday)

    yours = grid_cell(page, scene.tuesday, "10:00")
    expect(yours).to_contain_text("Yours")
    theirs = grid_cell(page, scene.tuesday, "13:00")
    # Someone else's: "Booked", with the way onto its waiting list, and nothing of theirs.
    expect(theirs).to_have_text(re.compile(r"^\s*Booked\b"))
    expect(theirs.get_by_role("link")).to_have_accessible_name(
        re.compile(r"^Booked\s*: join the waiting list for ")
    )
    main = page.get_by_role("main")
    expect(main).not_to_contain_text("Confidential counselling")
    expect(main).not_to_contain_text("Priya")
    yours.get_by_role("link", name=re.compile("^Yours")).click()
    expect(page).to_have_url(re.compile(rf"/bookings/{mine.pk}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Trustees")


def test_the_time_asked_for_in_the_filter_reaches_the_booking_form(contexts, scene, log_in):
    context = contexts.new(phone=True)
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto("/venues/")
    page.get_by_text("Filter spaces", exact=True).tap()
    field(page, "Free on").fill(scene.tuesday.isoformat())
    field(page, "From").fill("14:00")
    field(page, "To").fill("16:00")
    page.get_by_role("button", name="Show spaces").tap()
    page.get_by_role("main").get_by_role("link", name="Garden room", exact=True).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text("Garden room")
    # The space opens on the week asked for, and says what was asked.
    expect(page.locator("table.week-grid thead")).to_contain_text(
        f"{scene.tuesday.day} {scene.tuesday:%b}"
    )
    expect(page.get_by_role("main")).to_contain_text(
        f"You asked for {scene.tuesday:%A} {scene.tuesday.day} {scene.tuesday:%B %Y}, 14:00–16:00."
    )
    screenshot(page, "phone-space-week-asked")
    page.get_by_role("link", name="Book 14:00–16:00").tap()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book Garden room")
    expect(field(page, "Date")).to_have_value(scene.tuesday.isoformat())
    expect(field(page, "Starts at")).to_have_value(re.compile(r"^14:00"))
    expect(field(page, "Ends at")).to_have_value(re.compile(r"^16:00"))


def test_on_a_320_px_phone_the_grid_scrolls_in_its_own_box_with_a_hint(contexts, scene, log_in):
    make_booking(scene.room, scene.charity_member, scene.at(scene.tuesday, 12), title="Mine")
    for width in (390, 320):
        context = contexts.new(phone=True, size={"width": width, "height": 640})
        log_in(context, scene.charity_member)
        page = context.new_page()
        page.goto(scene.room.get_absolute_url())
        show_week_of(page, scene.tuesday, tap=True)
        assert page.evaluate("() => window.innerWidth") == width  # laid out for this screen
        expect(page.get_by_text("Swipe sideways to see the whole week.")).to_be_visible()
        fits = page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
        assert fits, f"the space page pans sideways at {width} px ({page_overflow(page)} px)"
        grid = page.locator(".grid-wrap").evaluate(
            "w => ({scroll: w.scrollWidth, client: w.clientWidth,"
            " right: w.getBoundingClientRect().right})"
        )
        assert grid["scroll"] > grid["client"], f"the grid does not scroll in its box: {grid}"
        assert grid["right"] <= width, f"the grid's box sticks out of the {width} px screen: {grid}"
        # Scrolling the page itself sideways goes nowhere; the grid's box scrolls instead.
        page.evaluate("() => window.scrollTo(500, 0)")
        assert page.evaluate("() => window.scrollX") == 0
        if width == 320:
            screenshot(page, "phone-320-space-week")
        context.close()
    desktop = contexts.new()
    log_in(desktop, scene.charity_member)
    wide = desktop.new_page()
    wide.goto(scene.room.get_absolute_url())
    expect(wide.get_by_text("Swipe sideways to see the whole week.")).to_be_hidden()


def test_a_keyboard_user_skips_past_the_grid_to_the_free_times(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    page.goto(scene.room.get_absolute_url())
    keys = Keyboard(page)
    skip = keys.tab_to(
        lambda f: f["text"] == "Skip the grid, to the list of free times", what="the skip link"
    )
    assert skip["visible"] and skip["onscreen"], skip
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "free-list-heading"
    after = keys.tab()
    in_list = page.evaluate("() => Boolean(document.activeElement.closest('.free-list'))")
    assert in_list, f"the Tab after the skip link went to {after}, not the free times"
    assert not keys.unmarked, keys.unmarked


def test_a_desk_pool_form_books_one_desk_and_refuses_a_second_at_the_same_time(
    contexts, scene, log_in
):
    desks = DeskPoolFactory(
        venue=scene.venue, name="Hot desks", slug="hot-desks", seats=20, capacity=20
    )
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    day = scene.tuesday.isoformat()
    address = f"{desks.get_absolute_url()}book/?start={day}T09:00&end={day}T17:00"
    page.goto(address)
    form = page.locator("form.form")
    expect(form).to_contain_text("One desk per booking; each person books their own.")
    expect(form).not_to_contain_text("How many people")
    expect(form).not_to_contain_text("At most 20")
    form.get_by_text("One desk per booking").scroll_into_view_if_needed()
    screenshot(page, "desktop-book-desk")
    field(page, "Title").fill("Desk day")
    check_and_book(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Desk day")

    page.goto(f"{desks.get_absolute_url()}book/?start={day}T13:00&end={day}T15:00")
    field(page, "Title").fill("A second desk")
    page.get_by_role("button", name="Check and book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "You already have a desk in Hot desks for some of that time"
    )
    expect(page.get_by_role("alert")).to_contain_text("each person books their own")
    assert_no_serious_axe_violations(page, label="desk pool form refusing a second desk")
    assert Booking.objects.filter(space=desks).count() == 1


def many_bookings_and_a_cancelled_one(scene) -> None:
    for n in range(12):
        BookingFactory(
            space=scene.room,
            booker=scene.charity_member,
            title=f"Reading group {n + 1}",
            starts_at=scene.at(scene.tuesday + timedelta(days=n), 9),
        )
    BookingFactory(
        space=scene.small_room,
        booker=scene.charity_member,
        title="Called-off surgery",
        starts_at=scene.at(scene.tuesday, 11),
        status=Booking.Status.CANCELLED,
    )


def test_my_bookings_lists_a_cancelled_booking_apart_and_pages_with_big_targets(
    contexts, scene, log_in
):
    many_bookings_and_a_cancelled_one(scene)
    for phone in (False, True):
        context = contexts.new(phone=phone)
        log_in(context, scene.charity_member)
        page = context.new_page()
        page.goto("/bookings/")
        coming_up = page.get_by_role("region", name="Coming up")
        expect(coming_up).not_to_contain_text("Called-off surgery")
        past = page.get_by_role("region", name="Past, cancelled or declined")
        row = past.get_by_role("row").filter(has_text="Called-off surgery")
        expect(row).to_contain_text("Cancelled")
        struck = row.locator("td").first.evaluate("td => getComputedStyle(td).textDecorationLine")
        assert "line-through" in struck, struck

        pages = page.get_by_role("navigation", name="Pages")
        expect(pages).to_be_visible()
        boxes = pages.locator("a, [aria-current=page]").evaluate_all(
            "els => els.map(e => { const r = e.getBoundingClientRect();"
            " return {text: e.innerText, x: r.x, y: r.y, w: r.width, h: r.height}; })"
        )
        assert len(boxes) >= 2, boxes
        for box in boxes:
            assert box["w"] >= 24 and box["h"] >= 24, f"a page link is smaller than 24x24: {box}"
        for first, second in zip(boxes, boxes[1:], strict=False):
            if abs(first["y"] - second["y"]) < 1:
                assert second["x"] - (first["x"] + first["w"]) >= 4, (first, second)
        target_size = [v for v in run_axe(page) if v["id"] == "target-size"]
        assert not target_size, target_size
        assert_no_serious_axe_violations(page, label=f"My bookings, paged (phone={phone})")
        pages.get_by_role("link", name=re.compile("Page 2")).click()
        expect(page).to_have_url(re.compile("upcoming-page=2"))
        expect(page.get_by_role("region", name="Coming up")).to_contain_text("Reading group 11")
        if not phone:
            page.goto("/bookings/")
            page.get_by_role(
                "heading", name="Past, cancelled or declined"
            ).scroll_into_view_if_needed()
            screenshot(page, "desktop-my-bookings-paged")
        context.close()
