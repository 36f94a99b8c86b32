"""The check-in pages: the door's QR code (SVG, holding the door page's address), the door page
a member opens by scanning it, the check-in buttons (only while check-in is open) and the
manager's day view; bad input says why and writes nothing."""

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.test import override_settings

from bookings.models import Booking
from bookings.views import checkin as checkin_views
from spaces.models import Space
from tests.conftest import NOW
from tests.factories import BookingFactory, DeskPoolFactory
from tests.web.test_manage_venue_pages import space_data

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture
def desks(venue):
    return DeskPoolFactory(
        venue=venue, name="Hot desks", slug="hot-desks", grace_period=timedelta(minutes=20)
    )


def soon(space, booker, *, minutes: int = 10, **kwargs) -> Booking:
    """A confirmed booking of `space` starting `minutes` after NOW, for an hour."""
    return BookingFactory(
        space=space, booker=booker, starts_at=NOW + timedelta(minutes=minutes), **kwargs
    )


# --- The QR code and the door sign ---------------------------------------------------------


@override_settings(SITE_URL="https://book.example.org")
def test_the_qr_code_is_svg_holding_the_door_pages_address(manager_client, desks, monkeypatch):
    given: list[str] = []
    make_qr = checkin_views.segno.make_qr

    def recording(content, **kwargs):
        given.append(content)
        return make_qr(content, **kwargs)

    monkeypatch.setattr(checkin_views.segno, "make_qr", recording)
    response = manager_client.get("/manage/venues/st-lukes/spaces/hot-desks/qr.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)
    assert root.tag == SVG
    assert root.find("{http://www.w3.org/2000/svg}path") is not None
    assert given == ["https://book.example.org/venues/st-lukes/hot-desks/check-in/"]


def test_the_door_sign_is_reached_from_the_space_page_and_shows_the_code(manager_client, desks):
    edit = manager_client.get("/manage/venues/st-lukes/spaces/hot-desks/")
    assert b"/manage/venues/st-lukes/spaces/hot-desks/door-sign/" in edit.content
    assert b"Print the door sign" in edit.content
    sign = manager_client.get("/manage/venues/st-lukes/spaces/hot-desks/door-sign/")
    assert sign.status_code == 200
    assert b'src="/manage/venues/st-lukes/spaces/hot-desks/qr.svg"' in sign.content
    assert b"Hot desks" in sign.content and b"/venues/st-lukes/hot-desks/check-in/" in sign.content


def test_a_member_may_not_have_the_code(member_client, desks):
    assert member_client.get("/manage/venues/st-lukes/spaces/hot-desks/qr.svg").status_code == 404


# --- The door page (what the QR code opens) ------------------------------------------------


def test_scanning_signed_out_asks_to_sign_in_first(frozen_now, client, desks):
    response = client.get("/venues/st-lukes/hot-desks/check-in/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/venues/st-lukes/hot-desks/")


def test_scanning_checks_in_the_members_booking(member_client, member, desks):
    booking = soon(desks, member)
    page = member_client.get("/venues/st-lukes/hot-desks/check-in/")
    assert page.status_code == 200 and booking.title.encode() in page.content
    response = member_client.post("/venues/st-lukes/hot-desks/check-in/")
    assert response.status_code == 302 and response["Location"] == f"/bookings/{booking.pk}/"
    booking.refresh_from_db()
    assert booking.checked_in_at is not None and booking.checked_in_by == member
    again = member_client.post("/venues/st-lukes/hot-desks/check-in/")
    assert again.status_code == 409
    assert b"no booking of Hot desks to check in to now" in again.content


def test_scanning_with_no_booking_in_the_window_says_so(member_client, member, desks):
    later = soon(desks, member, minutes=16)  # check-in opens at 15 minutes before
    page = member_client.get("/venues/st-lukes/hot-desks/check-in/")
    assert b"No booking to check in to now" in page.content
    assert member_client.post("/venues/st-lukes/hot-desks/check-in/").status_code == 409
    later.refresh_from_db()
    assert later.checked_in_at is None


def test_scanning_never_checks_in_someone_elses_booking(member_client, other_member, desks):
    theirs = soon(desks, other_member)
    assert member_client.post("/venues/st-lukes/hot-desks/check-in/").status_code == 409
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


# --- The buttons -----------------------------------------------------------------------------


def test_my_bookings_offers_check_in_only_while_it_is_open(member_client, member, desks):
    now_one = soon(desks, member, minutes=10, title="Desk now")
    soon(desks, member, minutes=60, title="Desk later")
    page = member_client.get("/bookings/")
    # Once at the top ("Check in now", seen first on a phone) and once in its row.
    assert page.content.count(b"/check-in/") == 2
    assert page.content.count(f"/bookings/{now_one.pk}/check-in/".encode()) == 2
    assert b'id="check-in-heading"' in page.content
    response = member_client.post(
        f"/bookings/{now_one.pk}/check-in/", {"next": "/bookings/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/bookings/"
    assert b"Checked in: Desk now" in response.content
    assert b"Checked in</span>" in response.content


def test_the_booking_page_offers_check_in_in_the_window(member_client, member, desks):
    booking = soon(desks, member)
    page = member_client.get(f"/bookings/{booking.pk}/")
    assert b"Check in now" in page.content and b"20 minutes after the start" in page.content
    later = soon(desks, member, minutes=120)
    assert b"Check in now" not in member_client.get(f"/bookings/{later.pk}/").content
    refused = member_client.post(f"/bookings/{later.pk}/check-in/", follow=True)
    assert b"Check-in for this booking opens at" in refused.content
    later.refresh_from_db()
    assert later.checked_in_at is None


def test_another_members_booking_is_a_404_and_unchanged(member_client, other_member, desks):
    theirs = soon(desks, other_member)
    assert member_client.post(f"/bookings/{theirs.pk}/check-in/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


def test_a_manager_checks_a_member_in_from_the_day_view(manager_client, manager, member, desks):
    booking = soon(desks, member, title="Fay's desk")
    BookingFactory(
        space=desks,
        booker=member,
        status=Booking.Status.NO_SHOW,
        starts_at=NOW - timedelta(days=3),
    )
    day = manager_client.get("/manage/venues/st-lukes/day/?date=2027-01-04")
    assert f"/bookings/{booking.pk}/check-in/".encode() in day.content
    assert b"1 no-show in 90 days" in day.content
    response = manager_client.post(
        f"/bookings/{booking.pk}/check-in/",
        {"next": "/manage/venues/st-lukes/day/?date=2027-01-04"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/manage/venues/st-lukes/day/?date=2027-01-04"
    assert b"Checked in at 08:" in response.content
    booking.refresh_from_db()
    assert booking.checked_in_by == manager


def test_the_day_view_shows_no_shows_marked(manager_client, member, desks):
    soon(desks, member, minutes=-60, status=Booking.Status.NO_SHOW, title="Missed desk")
    day = manager_client.get("/manage/venues/st-lukes/day/?date=2027-01-04")
    assert b"Missed desk" in day.content and b"No-show: released" in day.content


# --- The space form ------------------------------------------------------------------------


def test_a_new_desk_pool_gets_a_grace_period_and_a_room_does_not(manager_client, venue):
    base = "/manage/venues/st-lukes/spaces/new/"
    room = space_data(slug="garden-room")
    pool = space_data(name="Desks", slug="desks", kind="desk_pool", seats="6", capacity="6")
    assert manager_client.post(base, room).status_code == 302
    assert manager_client.post(base, pool).status_code == 302
    assert Space.objects.get(slug="garden-room").grace_period is None
    assert Space.objects.get(slug="desks").grace_period == timedelta(minutes=20)
    # Emptied afterwards, it is off.
    edit = manager_client.post("/manage/venues/st-lukes/spaces/desks/", pool | {"grace_period": ""})
    assert edit.status_code == 302
    assert Space.objects.get(slug="desks").grace_period is None


def test_a_grace_period_under_a_minute_is_refused(manager_client, venue):
    data = space_data(grace_period="0:00:30")
    page = manager_client.post("/manage/venues/st-lukes/spaces/new/", data)
    assert page.status_code == 400
    assert not Space.objects.filter(slug="garden-room").exists()


def test_the_bookings_list_counts_each_bookers_recent_no_shows(manager_client, member, desks):
    for days in (2, 30):
        BookingFactory(
            space=desks,
            booker=member,
            status=Booking.Status.NO_SHOW,
            starts_at=NOW - timedelta(days=days),
        )
    soon(desks, member, title="Next desk")
    page = manager_client.get("/manage/venues/st-lukes/bookings/?starts_on=")
    assert page.content.count(b"2 no-shows in 90 days") == 3  # beside each of the booker's rows
