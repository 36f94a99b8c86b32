"""The venue manager's day of the whole venue and closures page: who booked what is shown to the
venue's managers only; a closure that hits bookings asks first, then cancels or keeps them."""

from datetime import date, timedelta

import pytest
from django.core import mail

from bookings.models import Booking
from bookings.services import request_booking
from spaces.models import Closure
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import MemberFactory, OrganisationFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db

DAY_URL = "/manage/venues/st-lukes/day/?date=2027-01-05"
CLOSURES_URL = "/manage/venues/st-lukes/closures/"


def book(space, starts_at, ends_at, **kwargs):
    kwargs.setdefault("title", "Planning meeting")
    return request_booking(space=space, starts_at=starts_at, ends_at=ends_at, now=NOW, **kwargs)


@pytest.fixture
def bookings(room, venue, member, other_member, frozen_now):
    charity = OrganisationFactory(name="Ladywood Food Share")
    charity.memberships.create(member=other_member)
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    return {
        "mine": book(room, at(10), at(11), booker=member, title="Portfolio review"),
        "request": book(
            hall,
            at(14),
            at(16),
            booker=other_member,
            organisation=charity,
            title="Food bank",
            attendees=12,
        ),
    }


def test_the_day_shows_every_space_with_bookers_organisations_and_requests(
    client, manager, bookings
):
    client.force_login(manager)
    page = client.get(DAY_URL)
    assert page.status_code == 200
    text = page.content.decode()
    for expected in [
        "Meeting room",
        "Hall",
        "Portfolio review",
        "Fay Freelancer",
        "Food bank",
        "Otto Other",
        "for Ladywood Food Share",
        "12 people",
        "Awaiting approval",
        "1 request is waiting for a decision",
    ]:
        assert expected in text, expected
    # The meeting room's free time around its booking (open 09:00–17:00).
    assert "09:00–10:00, 11:00–17:00" in text


def test_a_member_or_a_manager_of_another_venue_gets_a_404(client, member, bookings):
    client.force_login(member)
    assert client.get(DAY_URL).status_code == 404
    elsewhere = MemberFactory()
    VenueFactory(name="Lab").managers.add(elsewhere)
    client.force_login(elsewhere)
    assert client.get(DAY_URL).status_code == 404
    assert client.get(CLOSURES_URL).status_code == 404


def test_the_manager_pages_need_a_login(client):
    assert client.get(DAY_URL).status_code == 302
    assert client.post(CLOSURES_URL, {}).status_code == 302


def test_a_day_that_is_not_a_date_shows_today_with_a_note(client, manager, frozen_now):
    client.force_login(manager)
    page = client.get("/manage/venues/st-lukes/day/?date=tomorrow")
    assert page.status_code == 200
    assert "is not a date like 2027-01-04" in page.content.decode()
    assert page.context["day"] == date(2027, 1, 4)


def closure(**changes) -> dict:
    return {
        "space": "",
        "starts_on": "2027-01-05",
        "starts_time": "09:00",
        "ends_on": "2027-01-05",
        "ends_time": "12:00",
        "reason": "Burst pipe",
    } | changes


def test_a_closure_that_hits_bookings_lists_them_first_and_saves_nothing(client, manager, bookings):
    client.force_login(manager)
    page = client.post(CLOSURES_URL, closure())
    assert page.status_code == 200
    assert "This closure would hit 1 booking" in page.content.decode()
    assert "Portfolio review" in page.content.decode()
    assert not Closure.objects.exists()
    assert Booking.objects.get(pk=bookings["mine"].pk).status == Booking.Status.CONFIRMED


def test_then_cancelling_them_tells_the_booker(
    client, manager, member, bookings, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    seen = client.post(CLOSURES_URL, closure()).context["form"]["seen"].value()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CLOSURES_URL, closure(decision="cancel", seen=seen))
    assert done.status_code == 302
    assert Closure.objects.get().reason == "Burst pipe"
    assert Booking.objects.get(pk=bookings["mine"].pk).status == Booking.Status.CANCELLED
    assert [message.to for message in mail.outbox] == [[member.email]]
    assert "Burst pipe" in mail.outbox[0].body


def test_or_keeping_them_saves_the_closure_and_leaves_the_bookings(client, manager, bookings):
    client.force_login(manager)
    seen = client.post(CLOSURES_URL, closure()).context["form"]["seen"].value()
    assert client.post(CLOSURES_URL, closure(decision="keep", seen=seen)).status_code == 302
    assert Closure.objects.count() == 1
    assert Booking.objects.get(pk=bookings["mine"].pk).status == Booking.Status.CONFIRMED


def test_a_closure_that_hits_nothing_is_saved_at_once(client, manager, bookings):
    client.force_login(manager)
    response = client.post(
        CLOSURES_URL, closure(starts_time="12:00", ends_time="13:00"), follow=True
    )
    assert "Closed. No booking was affected." in response.content.decode()
    assert Closure.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"reason": ""}, "This field is required."),
        ({"ends_time": "08:00"}, "The closure must end after it starts."),
        ({"starts_on": "2027-13-01"}, "Enter a valid date."),
        ({"space": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_input_re_renders_with_the_message_and_writes_nothing(
    client, manager, bookings, changes, message
):
    client.force_login(manager)
    page = client.post(CLOSURES_URL, closure(**changes))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not Closure.objects.exists()


def test_the_venue_page_links_its_managers_to_the_day_and_closures(client, manager, venue):
    client.force_login(manager)
    text = client.get("/venues/st-lukes/").content.decode()
    assert 'href="/manage/venues/st-lukes/day/"' in text
    assert 'href="/manage/venues/st-lukes/closures/"' in text
    client.logout()
    assert "/manage/venues/st-lukes/day/" not in client.get("/venues/st-lukes/").content.decode()


def test_the_day_shows_free_time_inside_the_notice_members_must_give(
    client, manager, venue, frozen_now
):
    """A manager may book at short notice, so the day's free time ignores notice and horizon."""
    SpaceFactory(venue=venue, name="Kitchen", slug="kitchen", min_notice=timedelta(days=7))
    client.force_login(manager)
    text = client.get(DAY_URL).content.decode()
    assert "Kitchen" in text
    assert "09:00–17:00" in text
    assert "nothing left to book" not in text


def test_closing_without_choosing_what_happens_to_the_hits_asks_again(client, manager, bookings):
    client.force_login(manager)
    seen = client.post(CLOSURES_URL, closure()).context["form"]["seen"].value()
    page = client.post(CLOSURES_URL, closure(seen=seen))
    assert page.status_code == 400
    assert "Choose what happens to the bookings it would hit." in page.content.decode()
    assert not Closure.objects.exists()


def test_the_week_shows_each_space_by_day_with_bookers_and_requests(client, manager, bookings):
    client.force_login(manager)
    page = client.get("/manage/venues/st-lukes/week/?date=2027-01-06")
    assert page.status_code == 200
    text = page.content.decode()
    assert page.context["days"][0] == date(2027, 1, 4)  # the Monday of that week
    for expected in ["Portfolio review", "Fay Freelancer", "Food bank", "awaiting approval"]:
        assert expected in text, expected
    assert 'href="/manage/venues/st-lukes/day/?date=2027-01-05"' in text


def test_the_week_is_for_the_venues_managers_only(client, member, bookings):
    client.force_login(member)
    assert client.get("/manage/venues/st-lukes/week/").status_code == 404
