"""axe-core and Chromium's accessibility tree on every main page, on a desktop and on a phone.

Each page is opened as the person who would see it, with the data that makes it interesting
(a booking in the grid, errors in the form, a request waiting). Failing means a serious or critical
axe violation, a control without an accessible name, or a page wider than a 320 px screen.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.factories import BookingFactory

from .conftest import LONDON, Scene, make_booking
from .helpers import (
    accessibility_tree,
    assert_every_control_is_named,
    assert_no_serious_axe_violations,
    controls_sticking_out_of_their_form,
    describe_violations,
    duplicate_landmarks,
    invalid_fields,
    landmarks,
    page_overflow,
    screenshot,
)
from .steps import field, free_cell_link, show_week_of
from .test_checkin_journey import booking_in_the_window
from .test_manager_journey import a_busy_tomorrow, tomorrow
from .test_requests_page import five_requests
from .test_stats_journey import give_the_venue_a_month_of_use

# Minor (moderate) axe rules that once failed here and were fixed: they must stay fixed.
KEPT_FIXED = {"landmark-unique", "scope-attr-valid"}
PHONE_HEIGHT = 844
PHONE_WIDTH = 390
NARROW = {"width": 320, "height": 640}


@dataclass
class MainPage:
    name: str
    who: str | None  # "member", "manager" or None (logged out)
    prepare: Callable  # (scene) -> the page's address, after writing the data it shows
    then: Callable | None = None  # (page, scene) -> None: what to do on the page before checking it
    screenshots: tuple[str, ...] = ()  # "desktop", "phone"
    known_bug: str = ""  # a failure reported and not yet fixed: the test must keep failing on it


def a_week_with_a_booking(scene: Scene) -> str:
    make_booking(
        scene.room, scene.manager, scene.at(scene.tuesday, 10), hours=2, title="Staff meeting"
    )
    # The member's own: "Yours" in their grid (the manager's above is only "Booked" to them).
    make_booking(
        scene.room, scene.charity_member, scene.at(scene.tuesday, 12), title="Homework club"
    )
    return scene.room.get_absolute_url()


def book_form_link(scene: Scene) -> str:
    day = scene.tuesday.isoformat()
    return f"{scene.room.get_absolute_url()}book/?start={day}T15:00&end={day}T16:00"


def send_the_form_with_errors(page, scene: Scene) -> None:
    field(page, "Title").fill("")
    field(page, "How many people").fill("0")
    page.get_by_role("button", name="Check and book", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Please check the form")


def a_priced_room_with_a_fund(scene: Scene) -> str:
    """The Garden room at £12 an hour, the food bank's charity rate and its community fund."""
    from decimal import Decimal

    from tests.factories import CommunityFundFactory, OrganisationKindTierFactory

    scene.room.rate = Decimal(12)
    scene.room.save()
    OrganisationKindTierFactory(venue=scene.venue)
    CommunityFundFactory(
        venue=scene.venue,
        organisation=scene.charity,
        starts_on=scene.tuesday - timedelta(days=30),
        ends_on=scene.tuesday + timedelta(days=60),
    )
    return book_form_link(scene)


def check_the_price(page, scene: Scene) -> None:
    field(page, "Title").fill("Food bank committee")
    field(page, "How many people").fill("6")
    page.get_by_role("button", name="Check and book", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check and book")


def open_booking_form_with_errors(page, scene: Scene) -> None:
    page.goto(book_form_link(scene))
    send_the_form_with_errors(page, scene)


def a_booking(scene: Scene) -> str:
    booking = make_booking(
        scene.hall,
        scene.charity_member,
        scene.at(scene.tuesday, 11),
        hours=2,
        title="Food bank volunteers",
        organisation=scene.charity,
        attendees=25,
    )
    return booking.get_absolute_url()


def bookings_past_and_upcoming(scene: Scene) -> str:
    make_booking(
        scene.room, scene.charity_member, scene.at(scene.tuesday, 9), title="Trustees meeting"
    )
    make_booking(
        scene.hall,
        scene.charity_member,
        scene.at(scene.tuesday, 13),
        hours=3,
        title="Lunch club",
        organisation=scene.charity,
        attendees=40,
    )
    last_week = datetime.now(LONDON).replace(
        hour=10, minute=0, second=0, microsecond=0
    ) - timedelta(days=7)
    BookingFactory(
        space=scene.small_room,
        booker=scene.charity_member,
        starts_at=last_week,
        title="Advice surgery",
    )
    BookingFactory(
        space=scene.small_room,
        booker=scene.charity_member,
        starts_at=scene.at(scene.tuesday, 15),
        title="Called-off surgery",
        status="cancelled",
    )
    return "/bookings/"


def a_request_waiting(scene: Scene) -> str:
    make_booking(
        scene.hall,
        scene.charity_member,
        scene.at(scene.tuesday, 14),
        hours=2,
        title="Community lunch",
        organisation=scene.charity,
        attendees=40,
    )
    return "/manage/requests/"


def the_venues_bookings(scene: Scene) -> str:
    a_request_waiting(scene)
    make_booking(scene.room, scene.manager, scene.at(scene.tuesday, 10), title="Staff meeting")
    return f"/manage/venues/{scene.venue.slug}/bookings/"


def a_month_of_use(scene: Scene) -> str:
    give_the_venue_a_month_of_use(scene)
    return f"{scene.venue.get_absolute_url()}stats/"


def a_published_impact_page(scene: Scene) -> str:
    give_the_venue_a_month_of_use(scene)
    scene.venue.publish_impact = True
    scene.venue.save()
    return f"{scene.venue.get_absolute_url()}impact/"


def a_proxy_value(scene: Scene) -> str:
    from stats.models import ProxyValue

    ProxyValue.objects.create(
        venue=scene.venue,
        name="Wellbeing of a group member",
        measure=ProxyValue.Measure.PARTICIPANT_VISIT,
        amount="2.50",
        source="Our funder's evaluation guide, 2026",
        licence="Used with the funder's permission",
    )
    return f"{scene.venue.get_absolute_url()}stats/values/"


def manage(scene: Scene, page: str) -> str:
    return f"/manage/venues/{scene.venue.slug}/{page}"


def tomorrow_at_the_venue(scene: Scene) -> str:
    a_busy_tomorrow(scene)
    return manage(scene, f"day/?date={tomorrow().isoformat()}")


def a_day_sheet(scene: Scene, *, print_mode: bool = False) -> str:
    a_busy_tomorrow(scene)
    extra = "&print=1" if print_mode else ""
    return manage(scene, f"day-sheet/?date={tomorrow().isoformat()}{extra}")


def a_display_link(scene: Scene) -> str:
    from tests.factories import DisplayLinkFactory

    DisplayLinkFactory(venue=scene.venue, created_by=scene.manager)
    return manage(scene, "display/")


def a_webhook_with_deliveries(scene: Scene) -> str:
    from webhooks.models import WebhookDelivery, WebhookEndpoint

    hook = WebhookEndpoint.objects.create(
        venue=scene.venue,
        url="https://hooks.stlukes-volunteers.example.org/commonshare/bookings",
        events=["booking.created", "booking.cancelled", "booking.decided"],
        created_by=scene.manager,
    )
    WebhookEndpoint.objects.create(
        venue=scene.venue,
        url="https://door.example.org/hooks",
        events=["booking.created"],
        active=False,
        created_by=scene.manager,
    )
    when = scene.at(scene.tuesday, 9)
    common = {"endpoint": hook, "payload": {}, "created_at": when}
    WebhookDelivery.objects.create(
        kind="booking.created",
        status="delivered",
        attempts=1,
        last_status_code=200,
        delivered_at=when,
        **common,
    )
    WebhookDelivery.objects.create(
        kind="booking.cancelled",
        attempts=2,
        last_error="Answered 503",
        last_status_code=503,
        next_attempt_at=when + timedelta(minutes=5),
        **common,
    )
    WebhookDelivery.objects.create(
        kind="booking.decided",
        status="failed",
        attempts=6,
        last_error="No answer: TimeoutError",
        **common,
    )
    return manage(scene, "webhooks/")


def a_webhook_log(scene: Scene) -> str:
    from webhooks.models import WebhookEndpoint

    a_webhook_with_deliveries(scene)
    hook = WebhookEndpoint.objects.filter(active=True).get()
    return manage(scene, f"webhooks/{hook.pk}/log/")


def add_an_http_webhook(page, scene: Scene) -> None:
    field(page, "Address that receives the events").fill("http://hooks.example.org/x")
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_text("Only https:// addresses can be fetched.")).to_be_visible()


def a_hall_screen(scene: Scene) -> str:
    from tests.factories import DisplayLinkFactory

    a_busy_tomorrow(scene)
    link = DisplayLinkFactory(venue=scene.venue, created_by=scene.manager)
    return f"/display/{link.token}/"


def a_booking_with_a_history(scene: Scene) -> str:
    """The food bank's hall request, approved with a reason, then renamed by the manager."""
    from bookings.services import approve_booking, change_booking_details

    booking = make_booking(
        scene.hall, scene.charity_member, scene.at(scene.tuesday, 10) + timedelta(weeks=1),
        hours=2, title="Food bank AGM", organisation=scene.charity,
    )  # fmt: skip
    approve_booking(booking=booking, by=scene.manager, reason="See you there")
    change_booking_details(
        booking=booking, by=scene.manager, title="Food bank annual meeting", attendees=40
    )
    return booking.get_absolute_url()


def a_venue_history(scene: Scene) -> str:
    from bookings.closures import add_closure

    a_booking_with_a_history(scene)
    day = scene.at(scene.tuesday, 9) + timedelta(weeks=2)
    add_closure(
        venue=scene.venue, by=scene.manager, starts_at=day, ends_at=day + timedelta(hours=8),
        reason="Boiler repair", cancel_hit=False,
    )  # fmt: skip
    return manage(scene, "history/")


def a_closure_over_a_booking(scene: Scene) -> str:
    a_busy_tomorrow(scene)
    return manage(scene, "closures/")


def check_a_closure_of_the_loft(page, scene: Scene) -> None:
    """Tomorrow's Loft closed all day: the page lists the two bookings it hits and asks."""
    day = tomorrow()
    field(page, "What closes").select_option(label="Loft")
    field(page, "From (date)").fill(day.isoformat())
    field(page, "Until (date)").fill((day + timedelta(days=1)).isoformat())
    field(page, "Reason").fill("Roof repair")
    page.get_by_role("button", name="Check and close").click()
    hits = page.get_by_role("region", name=re.compile("would hit"))
    expect(hits).to_contain_text("Writing day")
    hits.scroll_into_view_if_needed()


def a_booking_to_move(scene: Scene) -> str:
    bookings = a_busy_tomorrow(scene)
    make_booking(
        scene.small_room,
        scene.charity_member,
        scene.at(tomorrow(), 11),
        title="Advice surgery",
        organisation=scene.charity,
    )
    return f"/bookings/{bookings['homework'].pk}/change/"


def try_a_taken_time(page, scene: Scene) -> None:
    field(page, "Space").select_option(label="Snug")
    field(page, "Starts at").fill("11:00")
    field(page, "Ends at").fill("12:00")
    field(page, "How many people").fill("5")  # the Snug holds 6: only the time is in the way
    page.get_by_role("button", name="Save the change").click()
    expect(page.get_by_role("region", name="Free instead")).to_be_visible()


def open_space_week(page, scene: Scene) -> None:
    page.goto(a_week_with_a_booking(scene))
    show_week_of(page, scene.tuesday)


def a_priced_month_for_the_charity(scene: Scene) -> str:
    """This month's statement of the charity: a reduced booking, one within an allowance, one
    made before prices (not priced) and a request awaiting approval."""
    from decimal import Decimal

    first = datetime.now(LONDON).replace(day=1, hour=10, minute=0, second=0, microsecond=0)
    common = {"booker": scene.charity_member, "organisation": scene.charity}
    BookingFactory(
        space=scene.hall,
        starts_at=first,
        title="Lunch club",
        price=Decimal("30.00"),
        full_price=Decimal("60.00"),
        price_basis="reduced",
        **common,
    )
    BookingFactory(
        space=scene.room,
        starts_at=first + timedelta(days=1),
        title="Trustees meeting",
        price=Decimal("0.00"),
        full_price=Decimal("20.00"),
        price_basis="free",
        **common,
    )
    BookingFactory(
        space=scene.small_room, starts_at=first + timedelta(days=2), title="Old booking", **common
    )
    BookingFactory(
        space=scene.hall,
        starts_at=first + timedelta(days=3),
        title="Harvest supper",
        status="pending",
        **common,
    )
    return f"/organisations/{scene.charity.slug}/statements/{scene.venue.slug}/{first:%Y-%m}/"


def the_statement_printed(scene: Scene) -> str:
    return a_priced_month_for_the_charity(scene) + "?print=1"


def the_charitys_bookings(scene: Scene) -> str:
    a_priced_month_for_the_charity(scene)
    return f"/organisations/{scene.charity.slug}/bookings/"


def a_series_to_preview(scene: Scene) -> str:
    make_booking(scene.hall, scene.manager, scene.at(scene.tuesday, 10) + timedelta(weeks=2))
    return f"/venues/{scene.venue.slug}/{scene.hall.slug}/repeat/"


def preview_ten_tuesdays(page, scene: Scene) -> None:
    field(page, "Date").fill(scene.tuesday.isoformat())
    field(page, "Starts at").fill("10:00")
    field(page, "Ends at").fill("12:00")
    field(page, "Number of times").fill("10")
    field(page, "Title").fill("Food bank")
    field(page, "How many people").fill("30")
    page.get_by_role("button", name="Show the dates").click()
    expect(page.get_by_role("heading", name="10 dates")).to_be_visible()


def a_series_for_someone(scene: Scene) -> str:
    make_booking(scene.hall, scene.manager, scene.at(scene.tuesday, 10) + timedelta(weeks=2))
    return manage(scene, "book/series/")


def preview_ten_tuesdays_for_the_charity(page, scene: Scene) -> None:
    field(page, "The member's email address").fill(scene.charity_member.email)
    field(page, "Booking for").select_option(label=scene.charity.name)
    field(page, "Space").select_option(label="Main hall")
    preview_ten_tuesdays(page, scene)


def a_series_to_change(scene: Scene) -> str:
    """Ten Tuesdays of the charity in the garden room; someone holds 13:00 on the sixth."""
    from bookings.series import book_series, new_series, preview_series

    def make():
        return new_series(
            space=scene.room,
            booker=scene.charity_member,
            starts_on=scene.tuesday,
            start_time=datetime.min.time().replace(hour=10),
            duration=timedelta(hours=2),
            frequency="weekly",
            count=10,
            title="Homework club",
        )

    outcome = book_series(series=make(), expected=preview_series(series=make()).fingerprint())
    make_booking(scene.room, scene.manager, scene.at(scene.tuesday, 13) + timedelta(weeks=5))
    third = outcome.free[2].booking
    assert third is not None
    return f"/bookings/{third.pk}/change-series/"


def preview_a_later_time(page, scene: Scene) -> None:
    field(page, "Starts at").fill("13:00")
    field(page, "Ends at").fill("15:00")
    page.get_by_role("button", name="Show the dates").click()
    expect(page.get_by_role("heading", name="8 dates")).to_be_visible()


def a_series_waiting(scene: Scene) -> str:
    from bookings.series import book_series, new_series, preview_series

    def make():
        return new_series(
            space=scene.hall,
            booker=scene.charity_member,
            starts_on=scene.tuesday,
            start_time=datetime.min.time().replace(hour=10),
            duration=timedelta(hours=2),
            frequency="weekly",
            count=10,
            title="Food bank",
            organisation=scene.charity,
        )

    series = book_series(series=make(), expected=preview_series(series=make()).fingerprint()).series
    return f"/manage/requests/series/{series.pk}/"


def a_series_asked_to_confirm(scene: Scene) -> str:
    """The charity's series re-confirmed every 4 weeks, its next term waiting for an answer."""
    from bookings.models import Series

    address = a_series_waiting(scene)
    series = Series.objects.get(pk=int(address.rstrip("/").rsplit("/", 1)[1]))
    Series.objects.filter(pk=series.pk).update(
        reconfirm_every=4,
        confirmed_until=scene.at(scene.tuesday, 12) + timedelta(weeks=2),
        confirm_by=scene.at(scene.tuesday, 12) + timedelta(weeks=2),
    )
    return f"/series/{series.pk}/confirm-term/"


def a_series_term(scene: Scene) -> str:
    address = a_series_asked_to_confirm(scene)
    return address.replace("/series/", "/manage/series/").replace("/confirm-term/", "/term/")


def a_plan_held_by_a_member(scene: Scene) -> str:
    from memberships.models import Allowance, Plan
    from memberships.services import grant_membership

    plan = Plan.objects.create(
        venue=scene.venue, name="Hot desk 10 days", space_kinds=["desk_pool", "meeting_room"]
    )
    Allowance.objects.create(plan=plan, kind="meeting_room", hours_per_month=10)
    grant_membership(plan=plan, member=scene.charity_member, starts_on=datetime.now(LONDON).date())
    return manage(scene, "memberships/")


def a_fund_drawn_on(scene: Scene) -> str:
    from memberships.models import CommunityFund

    today = datetime.now(LONDON).date()
    fund = CommunityFund.objects.create(
        venue=scene.venue,
        organisation=scene.charity,
        name="Spring term",
        hours=40,
        starts_on=today,
        ends_on=today + timedelta(days=90),
    )
    booking = a_booking(scene).rsplit("/", 2)[-2]
    BookingFactory._meta.model.objects.filter(pk=booking).update(fund=fund, fund_drawn=2)
    return manage(scene, f"funds/{fund.pk}/")


def a_taken_time_to_wait_for(scene: Scene) -> str:
    make_booking(scene.room, scene.manager, scene.at(scene.tuesday, 15), title="Staff meeting")
    return book_form_link(scene)


def an_offer(scene: Scene, *, state: str = "offered", token: str = "a11y-offer") -> str:
    from django.utils import timezone

    from tests.factories import WaitlistEntryFactory

    WaitlistEntryFactory(
        space=scene.room,
        member=scene.charity_member,
        starts_at=scene.at(scene.tuesday, 11),
        ends_at=scene.at(scene.tuesday, 12),
        title="Trustees meeting",
        attendees=5,
        state=state,
        offer_token=token,
        offer_expires_at=timezone.now() + timedelta(hours=2),
    )
    return f"/waitlist/claim/{token}/"


def waiting_lists_on_my_bookings(scene: Scene) -> str:
    from tests.factories import WaitlistEntryFactory

    make_booking(scene.hall, scene.manager, scene.at(scene.tuesday, 14), title="Staff lunch")
    WaitlistEntryFactory(
        space=scene.hall,
        member=scene.charity_member,
        starts_at=scene.at(scene.tuesday, 14),
        ends_at=scene.at(scene.tuesday, 15),
        title="Community lunch",
    )
    an_offer(scene)
    return "/bookings/"


def a_booking_to_check_in(scene: Scene) -> str:
    """The Garden room's door page, with the member's booking that started ten minutes ago."""
    booking_in_the_window(scene)
    return f"/venues/{scene.venue.slug}/{scene.room.slug}/check-in/"


def today_with_a_check_in(scene: Scene) -> str:
    booking_in_the_window(scene)
    return manage(scene, "day/")


def swagger_drawn(page, scene: Scene) -> None:
    expect(
        page.locator("#swagger-ui").get_by_text("/api/v1/bookings/", exact=True).first
    ).to_be_visible()


MAIN_PAGES = [
    MainPage("venues", None, lambda scene: "/venues/", screenshots=("desktop", "phone")),
    MainPage(
        "venue", "manager", lambda scene: scene.venue.get_absolute_url(), screenshots=("desktop",)
    ),
    MainPage(
        "space-week",
        "member",
        a_week_with_a_booking,
        lambda page, scene: show_week_of(page, scene.tuesday),
        ("desktop", "phone"),
    ),
    MainPage(
        "book-with-errors",
        "member",
        book_form_link,
        send_the_form_with_errors,
        ("desktop", "phone"),
    ),
    MainPage(
        "book-check",
        "member",
        a_priced_room_with_a_fund,
        check_the_price,
        ("desktop", "phone"),
    ),
    MainPage("booking", "member", a_booking, screenshots=("desktop", "phone")),
    MainPage("my-bookings", "member", bookings_past_and_upcoming, screenshots=("desktop",)),
    MainPage("your-data", "member", lambda scene: "/account/data/", screenshots=("desktop",)),
    MainPage("close-account", "member", lambda scene: "/account/close/", screenshots=("phone",)),
    MainPage("requests", "manager", five_requests, screenshots=("desktop", "phone")),
    MainPage("book-taken", "member", a_taken_time_to_wait_for, screenshots=("desktop", "phone")),
    MainPage(
        "my-bookings-waiting",
        "member",
        waiting_lists_on_my_bookings,
        screenshots=("desktop", "phone"),
    ),
    MainPage("waitlist-claim", "member", an_offer, screenshots=("desktop", "phone")),
    MainPage(
        "waitlist-claim-used",
        "member",
        lambda scene: an_offer(scene, state="claimed", token="a11y-used"),
        screenshots=("phone",),
    ),
    MainPage(
        "repeat-preview",
        "member",
        a_series_to_preview,
        preview_ten_tuesdays,
        ("desktop", "phone"),
    ),
    MainPage(
        "manage-book-series-preview",
        "manager",
        a_series_for_someone,
        preview_ten_tuesdays_for_the_charity,
        ("desktop", "phone"),
    ),
    MainPage("series-decide", "manager", a_series_waiting, screenshots=("desktop", "phone")),
    MainPage(
        "series-confirm-term",
        "member",
        a_series_asked_to_confirm,
        screenshots=("desktop", "phone"),
    ),
    MainPage("series-term", "manager", a_series_term, screenshots=("desktop", "phone")),
    MainPage(
        "series-change-preview",
        "member",
        a_series_to_change,
        preview_a_later_time,
        ("desktop", "phone"),
    ),
    MainPage("venue-bookings", "manager", the_venues_bookings, screenshots=("desktop", "phone")),
    MainPage("login", None, lambda scene: "/accounts/login/"),
    MainPage("signup", None, lambda scene: "/accounts/signup/", screenshots=("phone",)),
    MainPage("stats", "manager", a_month_of_use, screenshots=("desktop", "phone")),
    MainPage("calendar-feeds", "member", lambda scene: "/account/calendar-feeds/"),
    MainPage("account", "member", lambda scene: "/account/"),
    MainPage("memberships", "member", lambda scene: "/account/memberships/"),
    MainPage(
        "organisation",
        "member",
        lambda scene: f"/organisations/{scene.charity.slug}/",
        screenshots=("desktop", "phone"),
    ),
    MainPage(
        "organisation-details",
        "member",
        lambda scene: f"/organisations/{scene.charity.slug}/details/",
    ),
    MainPage("organisation-bookings", "member", the_charitys_bookings, screenshots=("desktop",)),
    MainPage(
        "statement", "member", a_priced_month_for_the_charity, screenshots=("desktop", "phone")
    ),
    MainPage("statement-printed", "member", the_statement_printed, screenshots=("desktop",)),
    MainPage("impact", None, a_published_impact_page, screenshots=("desktop",)),
    MainPage("proxy-values", "manager", a_proxy_value),
    MainPage("manage-day", "manager", tomorrow_at_the_venue, screenshots=("desktop", "phone")),
    MainPage("manage-day-sheet", "manager", a_day_sheet),
    MainPage(
        "manage-day-sheet-print", "manager", lambda scene: a_day_sheet(scene, print_mode=True)
    ),
    MainPage("manage-display", "manager", a_display_link),
    MainPage(
        "manage-webhooks", "manager", a_webhook_with_deliveries, screenshots=("desktop", "phone")
    ),
    MainPage(
        "manage-webhooks-refused",
        "manager",
        a_webhook_with_deliveries,
        add_an_http_webhook,
        ("desktop",),
    ),
    MainPage("manage-webhook-log", "manager", a_webhook_log, screenshots=("desktop", "phone")),
    MainPage("today-page", None, a_hall_screen),
    MainPage(
        "manage-closures-hits",
        "manager",
        a_closure_over_a_booking,
        check_a_closure_of_the_loft,
        ("desktop", "phone"),
    ),
    MainPage(
        "manage-hours",
        "manager",
        lambda scene: manage(scene, "hours/"),
        screenshots=("desktop", "phone"),
    ),
    MainPage("manage-spaces", "manager", lambda scene: manage(scene, "spaces/")),
    MainPage("manage-history", "manager", a_venue_history, screenshots=("desktop", "phone")),
    MainPage(
        "booking-history", "manager", a_booking_with_a_history, screenshots=("desktop", "phone")
    ),
    MainPage("my-booking-history", "member", a_booking_with_a_history, screenshots=("desktop",)),
    MainPage("door-check-in", "member", a_booking_to_check_in),
    MainPage("door-nothing-to-check-in", "member", lambda scene: "/venues/st-lukes/snug/check-in/"),
    MainPage("door-sign", "manager", lambda scene: manage(scene, "spaces/garden-room/door-sign/")),
    MainPage("manage-day-check-in", "manager", today_with_a_check_in),
    MainPage("manage-space-new", "manager", lambda scene: manage(scene, "spaces/new/")),
    MainPage("manage-space-edit", "manager", lambda scene: manage(scene, "spaces/snug/")),
    MainPage("manage-details", "manager", lambda scene: manage(scene, "details/")),
    MainPage("manage-book", "manager", lambda scene: manage(scene, "book/")),
    MainPage("manage-plans", "manager", lambda scene: manage(scene, "plans/")),
    MainPage(
        "manage-plan-new",
        "manager",
        lambda scene: manage(scene, "plans/new/"),
        screenshots=("desktop", "phone"),
    ),
    MainPage("manage-memberships", "manager", a_plan_held_by_a_member, screenshots=("phone",)),
    MainPage("manage-membership-grant", "manager", lambda scene: manage(scene, "memberships/new/")),
    MainPage("manage-tiers", "manager", lambda scene: manage(scene, "plans/tiers/")),
    MainPage("manage-funds", "manager", lambda scene: manage(scene, "funds/")),
    MainPage("manage-fund-new", "manager", lambda scene: manage(scene, "funds/new/")),
    MainPage("manage-fund", "manager", a_fund_drawn_on, screenshots=("desktop", "phone")),
    MainPage(
        "manage-change-offer",
        "manager",
        a_booking_to_move,
        try_a_taken_time,
        ("desktop", "phone"),
    ),
    MainPage("api-tokens", "member", lambda scene: "/account/api-tokens/"),
    MainPage("api-docs", None, lambda scene: "/api/v1/docs/", then=swagger_drawn),
]


@pytest.mark.parametrize(
    "main_page",
    [
        pytest.param(
            main,
            id=main.name,
            marks=[pytest.mark.xfail(strict=True, reason=main.known_bug)] if main.known_bug else [],
        )
        for main in MAIN_PAGES
    ],
)
def test_main_pages_have_no_serious_accessibility_problems(contexts, scene, log_in, main_page):
    """Each page on a desktop, then on a phone, then on a 320 px phone (where it must fit without
    scrolling sideways: a phone lays a page out as wide as its widest part and zooms out)."""
    address = main_page.prepare(scene)
    for viewport in ("desktop", "phone", "320 px phone"):
        narrow = viewport == "320 px phone"
        context = contexts.new(phone=viewport != "desktop", size=NARROW if narrow else None)
        if main_page.who:
            log_in(context, scene.manager if main_page.who == "manager" else scene.charity_member)
        page = context.new_page()
        page.goto(address)
        if main_page.then:
            main_page.then(page, scene)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if viewport in main_page.screenshots:  # before the checks: a failing page is shown too
            screenshot(page, f"{viewport}-{main_page.name}")
        if viewport != "desktop":
            assert page_overflow(page) == 0, f"{main_page.name} scrolls sideways on a {viewport}"
            expected = NARROW["width"] if narrow else PHONE_WIDTH
            assert page.evaluate("() => window.innerWidth") == expected, (
                f"{main_page.name} is laid out wider than the {viewport} and zoomed out"
            )
        sticking_out = controls_sticking_out_of_their_form(page)
        assert not sticking_out, (
            f"form controls stick out of their form on {main_page.name} ({viewport}): {sticking_out}"
        )
        if narrow:  # the rest was checked at 390 px
            context.close()
            continue
        violations = assert_no_serious_axe_violations(
            page, label=f"{main_page.name} ({viewport}, {page.url})"
        )
        regressed = [v for v in violations if v["id"] in KEPT_FIXED]
        assert not regressed, describe_violations(regressed)
        assert not duplicate_landmarks(page), (
            f"landmarks sharing a name on {main_page.name}: {duplicate_landmarks(page)}"
        )
        assert ("region", "Table") not in landmarks(page), "a table region is named just 'Table'"
        assert_every_control_is_named(page)
        context.close()


def test_booking_form_errors_are_announced_and_linked_to_their_fields(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    open_booking_form_with_errors(page, scene)

    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Title")
    expect(summary).to_contain_text("How many people")
    invalid = {item["name"]: item for item in invalid_fields(page)}
    assert set(invalid) >= {"title", "attendees"}, invalid
    for name, item in invalid.items():
        assert item["description"], (
            f"the error of {name} is not linked to it (aria-describedby): {item}"
        )
    assert "required" in invalid["title"]["description"].lower(), invalid["title"]
    # Chromium's accessibility tree gives the error to a screen reader as the field's description.
    title = [
        node
        for node in accessibility_tree(page)
        if node.get("role", {}).get("value") == "textbox"
        and node.get("name", {}).get("value", "").startswith("Title")
    ]
    assert len(title) == 1, title
    assert "required" in title[0].get("description", {}).get("value", "").lower(), title[0]
    assert {"name": "invalid", "value": {"type": "token", "value": "true"}} in title[0][
        "properties"
    ]
    # The summary's links take the focus to the field.
    summary.get_by_role("link", name=re.compile("^Title")).click()
    assert page.evaluate("() => document.activeElement.name") == "title"


def test_sign_up_errors_are_linked_to_their_fields_and_announced(page, scene):
    page.goto("/accounts/signup/")
    field(page, "Email").fill("newcomer@example.org")
    field(page, "Password").fill("short")
    field(page, "Password (again)").fill("short")
    page.get_by_role("main").get_by_role("button", name="Sign up", exact=True).click()
    expect(page.locator(".errorlist").first).to_be_visible()
    invalid = {item["name"]: item for item in invalid_fields(page)}
    assert "password1" in invalid, f"the password field is not marked aria-invalid: {invalid}"
    assert "too short" in invalid["password1"]["description"], invalid["password1"]
    # Announced: after the page reloads, an alert (as on the booking form) says what went wrong.
    expect(page.get_by_role("alert")).to_contain_text("too short")
    assert_no_serious_axe_violations(page, label="sign-up with errors")


def test_a_failed_log_in_is_announced(page, scene):
    page.goto("/accounts/login/")
    field(page, "Email").fill(scene.charity_member.email)
    field(page, "Password").fill("not the password")
    page.get_by_role("main").get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("not correct|incorrect", re.I))
    assert_no_serious_axe_violations(page, label="log-in with an error")


def test_the_week_grid_is_a_table_a_screen_reader_can_navigate(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.charity_member)
    page = context.new_page()
    open_space_week(page, scene)

    grid = page.get_by_role("table", name=re.compile("^Availability of Garden room"))
    expect(grid).to_be_visible()
    expect(grid.get_by_role("columnheader")).to_have_count(8)  # Time, Monday ... Sunday
    expect(grid.get_by_role("columnheader").nth(2)).to_contain_text(
        f"{scene.tuesday.day} {scene.tuesday:%b}"
    )
    expect(grid.get_by_role("rowheader", name="09:00", exact=True)).to_be_visible()
    expect(grid.get_by_role("rowheader", name="16:30", exact=True)).to_be_visible()
    # Every cell says what it is in words (no meaning carried by colour alone).
    labels = grid.locator("tbody td").evaluate_all("cells => cells.map(c => c.innerText.trim())")
    assert labels and all(labels), "some grid cells are empty: their state is shown by colour alone"
    booked = (
        page.locator("table.week-grid tbody tr")
        .filter(has=page.get_by_role("rowheader", name="10:00", exact=True))
        .locator("td")
        .nth(scene.tuesday.weekday())
    )
    expect(booked).not_to_contain_text("Free")
    expect(free_cell_link(page, scene.tuesday, "14:00")).to_be_visible()
    # The wide table scrolls inside a focusable, named region rather than the whole page.
    region = page.get_by_role("region", name=re.compile("^Availability"))
    expect(region).to_have_attribute("tabindex", "0")


def test_the_spaces_start_on_the_first_screen_of_a_phone(contexts, scene):
    page = contexts.page(phone=True)
    page.goto("/venues/")
    filters = page.locator("details.filter-card")
    expect(filters).not_to_have_attribute("open", "")
    first_space = page.locator(".space-card h3 a").first
    box = first_space.bounding_box()
    assert box and box["y"] + box["height"] <= PHONE_HEIGHT, (
        f"the first space starts below the fold on a 390x844 phone: {box}"
    )
    # Tapping the summary unfolds the filters; once a filter is set, they are shown unfolded.
    page.get_by_text("Filter spaces", exact=True).tap()
    expect(field(page, "Step-free access")).to_be_visible()
    field(page, "Step-free access").check()
    page.get_by_role("button", name="Show spaces").tap()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("spaces match")
    expect(filters).to_have_attribute("open", "")
    expect(field(page, "Step-free access")).to_be_checked()


def test_the_week_grid_caption_wraps_instead_of_being_cut_off_on_a_phone(contexts, scene, log_in):
    context = contexts.new(phone=True)
    log_in(context, scene.charity_member)
    page = context.new_page()
    open_space_week(page, scene)
    caption = page.locator("table.week-grid caption")
    for width in (390, 320):
        page.set_viewport_size({"width": width, "height": 700})
        fit = caption.evaluate(
            """c => { const r = c.getBoundingClientRect(), w = c.closest('.grid-wrap').getBoundingClientRect();
                      return {left: r.left, right: r.right, wrapLeft: w.left, wrapRight: w.right,
                              clipped: c.scrollWidth > c.clientWidth + 1}; }"""
        )
        assert not fit["clipped"], fit
        assert fit["left"] >= fit["wrapLeft"] - 1 and fit["right"] <= fit["wrapRight"] + 1, (
            f"the caption is cut at the edge of the {width} px screen: {fit}"
        )
        # Scrolled sideways to Sunday, the caption stays in view.
        page.locator(".grid-wrap").evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        after = caption.evaluate("c => c.getBoundingClientRect().left")
        assert after >= fit["wrapLeft"] - 1, f"the caption scrolled away: {after} < {fit}"
        page.locator(".grid-wrap").evaluate("w => { w.scrollLeft = 0; }")


def test_a_manager_sees_the_spaces_before_the_stats_links(contexts, scene, log_in):
    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto(scene.venue.get_absolute_url())
    spaces = page.get_by_role("heading", name="Spaces", exact=True)
    stats = page.get_by_role("navigation", name="Stats")
    expect(stats.get_by_role("link", name=f"Stats for {scene.venue.name}")).to_be_visible()
    spaces_top = spaces.bounding_box()["y"]
    assert spaces_top < stats.bounding_box()["y"], "the managers' links come before the spaces"
    address_top = page.get_by_role("heading", name="Address").bounding_box()["y"]
    assert address_top < stats.bounding_box()["y"]
    assert spaces_top < 800, f"the Spaces heading is below the fold at 1280x800 ({spaces_top} px)"
