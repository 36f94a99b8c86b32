"""The managers' requests page with five requests (a series among them, and two that clash):
organisation, history and clash shown; two ticked and approved at once, the clash reported."""

import re
from datetime import timedelta

from django.db import connection
from playwright.sync_api import expect

from bookings.models import Booking
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
)

from .conftest import Scene, make_booking
from .helpers import assert_no_serious_axe_violations, page_overflow

SHOTS = "/tmp/shots/approvals"


def CLASHES_CAN_BE_WRITTEN() -> bool:  # noqa: N802 - reads as the constant it nearly is
    """Two waiting requests for one room at once can be written directly only on SQLite."""
    return connection.vendor == "sqlite"


def five_requests(scene: Scene) -> str:
    """A one-off for the food bank (with history), a weekly series, a third request, and two
    requests for the Main hall at overlapping times (written directly: the services would not
    let the second one in). Returns the page's address."""
    from bookings.series import book_series, new_series, preview_series

    make_booking(
        scene.hall,
        scene.charity_member,
        scene.at(scene.tuesday, 14),
        hours=2,
        title="Community lunch",
        organisation=scene.charity,
        attendees=40,
        purpose="Hot meals for families",
    )
    BookingFactory(
        space=scene.hall,
        booker=scene.charity_member,
        organisation=scene.charity,
        starts_at=scene.at(scene.tuesday - timedelta(days=35), 14),
        title="Last month's lunch",
    )

    def series():
        return new_series(
            space=scene.hall,
            booker=scene.charity_member,
            starts_on=scene.tuesday + timedelta(days=1),
            start_time=scene.at(scene.tuesday, 10).time(),
            duration=timedelta(hours=2),
            frequency="weekly",
            count=6,
            title="Food bank",
            organisation=scene.charity,
        )

    book_series(series=series(), expected=preview_series(series=series()).fingerprint())
    choir = OrganisationFactory(name="Ladywood Youth Choir", kind="community_group")
    singer = MemberFactory(display_name="Sam Singer", email="sam@example.org")
    OrganisationMembershipFactory(organisation=choir, member=singer)
    make_booking(
        scene.hall,
        singer,
        scene.at(scene.tuesday + timedelta(days=2), 16),
        title="Choir rehearsal",
        organisation=choir,
        attendees=25,
    )
    thursday = scene.tuesday + timedelta(days=9)
    # On PostgreSQL the exclusion constraint refuses the overlapping pair: Yoga comes after.
    yoga = 11 if CLASHES_CAN_BE_WRITTEN() else 12
    for title, hour, who in (("Tenants' meeting", 10, "Tia Tenant"), ("Yoga", yoga, "Yan Yogi")):
        BookingFactory(
            space=scene.hall,
            booker=MemberFactory(display_name=who),
            status=Booking.Status.PENDING,
            starts_at=scene.at(thursday, hour),
            ends_at=scene.at(thursday, hour) + timedelta(hours=2),
            expires_at=scene.at(thursday, hour) - timedelta(days=1),
            title=title,
            attendees=10,
        )
    return "/manage/requests/"


def test_a_manager_decides_two_requests_at_once_and_is_told_of_the_clash(contexts, scene, log_in):
    five_requests(scene)
    for name, phone in (("desktop", False), ("phone", True)):
        context = contexts.new(phone=phone)
        log_in(context, scene.manager)
        page = context.new_page()
        page.goto("/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Booking requests")
        page.screenshot(path=f"{SHOTS}/{name}-requests.png", full_page=True)
        if phone:
            rows = page.locator("table.requests-table tbody tr")
            for index in (0, 1, 3):  # a one-off, the series, a clash
                rows.nth(index).screenshot(path=f"{SHOTS}/phone-requests-row-{index}.png")
            assert page_overflow(page) == 0
            assert_no_serious_axe_violations(page, label="requests (phone)")
        context.close()

    context = contexts.new()
    log_in(context, scene.manager)
    page = context.new_page()
    page.goto("/manage/requests/")
    lunch = page.get_by_role("row").filter(has_text="Community lunch")
    expect(lunch).to_contain_text("Ladywood Food Bank")
    expect(lunch).to_contain_text("GB-CHC-1100001")
    expect(lunch).to_contain_text("1 confirmed")
    yoga = page.get_by_role("row", name=re.compile("^Choose Yoga"))
    if CLASHES_CAN_BE_WRITTEN():
        expect(yoga).to_contain_text("Clashes with")
        expect(yoga).to_contain_text("Tenants' meeting")
    series_row = page.get_by_role("row", name=re.compile("^Choose the series Food bank"))
    expect(series_row).to_contain_text("A series: 6 dates waiting")
    expect(
        series_row.get_by_role("link", name=re.compile("Decide the series Food bank"))
    ).to_be_visible()

    page.get_by_label("Choose Choir rehearsal").check()
    page.get_by_label("Choose Yoga").check()
    page.get_by_role("button", name="Approve the ticked requests").click()
    messages = page.locator(".messages")
    expect(messages).to_contain_text("Approved: Choir rehearsal")
    if CLASHES_CAN_BE_WRITTEN():
        expect(messages).to_contain_text("Not decided: Yoga")
    page.screenshot(path=f"{SHOTS}/desktop-requests-after.png", full_page=True)
    assert Booking.objects.get(title="Choir rehearsal").status == Booking.Status.CONFIRMED
    if CLASHES_CAN_BE_WRITTEN():
        assert Booking.objects.get(title="Yoga").status == Booking.Status.PENDING

    page.get_by_role("button", name="Decline the ticked requests").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one request.")
    page.screenshot(path=f"{SHOTS}/desktop-requests-error.png", full_page=True)
