"""A manager changes the venue's details, weekly hours and spaces from the site; bad input
re-renders with the message and writes nothing; other people get a 404."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bookings.models import Booking
from spaces.models import OpeningException, OpeningHours, Space, Venue
from tests.factories import BookingFactory, DeskPoolFactory, MemberFactory, VenueFactory

pytestmark = pytest.mark.django_db

BASE = "/manage/venues/st-lukes"


@pytest.fixture
def signed_in(client, manager):
    client.force_login(manager)
    return client


def venue_data(venue: Venue, **changes) -> dict:
    data = {
        "name": venue.name,
        "description": "",
        "address": venue.address,
        "postcode": venue.postcode,
        "accessibility_notes": "",
        "time_zone": venue.time_zone,
        "opened_for_sharing_on": "",
        "baseline_weekly_hours": "",
        "baseline_notes": "",
        "peak_starts": "09:00",
        "peak_ends": "17:00",
    }
    return data | changes


def test_a_manager_changes_the_venues_details(signed_in, venue):
    response = signed_in.post(
        f"{BASE}/details/", venue_data(venue, name="St Luke's Hub", publish_impact="on")
    )
    assert response.status_code == 302
    venue.refresh_from_db()
    assert (venue.name, venue.publish_impact) == ("St Luke's Hub", True)


def test_a_new_time_zone_is_confirmed_first_and_says_what_happens(signed_in, venue, room):
    BookingFactory(space=room, starts_at=datetime(2030, 1, 8, 10, tzinfo=UTC))
    page = signed_in.post(f"{BASE}/details/", venue_data(venue, time_zone="America/New_York"))
    assert page.status_code == 400
    text = page.content.decode()
    assert "1 coming booking keeps its moment in time" in text
    assert Venue.objects.get(pk=venue.pk).time_zone == "Europe/London"
    done = signed_in.post(
        f"{BASE}/details/", venue_data(venue, time_zone="America/New_York", confirm_zone="on")
    )
    assert done.status_code == 302
    assert Venue.objects.get(pk=venue.pk).time_zone == "America/New_York"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"peak_ends": "08:00"}, "peak_ends"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_details_re_render_with_the_message_and_change_nothing(
    signed_in, venue, changes, field
):
    page = signed_in.post(f"{BASE}/details/", venue_data(venue, **changes))
    assert page.status_code == 400
    assert field in page.context["form"].errors
    assert Venue.objects.get(pk=venue.pk).name == "St Luke's"


def hours_data(rows: list[tuple], existing: list[OpeningHours] = ()) -> dict:
    data = {
        "hours-TOTAL_FORMS": str(len(rows)),
        "hours-INITIAL_FORMS": str(len(existing)),
        "hours-MIN_NUM_FORMS": "0",
        "hours-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        weekday, opens, closes, *delete = row
        if n < len(existing):
            data[f"hours-{n}-id"] = str(existing[n].pk)
        data |= {
            f"hours-{n}-weekday": str(weekday),
            f"hours-{n}-opens": opens,
            f"hours-{n}-closes": closes,
        }
        if delete:
            data[f"hours-{n}-DELETE"] = "on"
    return data


def test_saturday_gets_two_intervals_and_sunday_closes(signed_in, venue):
    existing = list(OpeningHours.objects.filter(venue=venue).order_by("weekday", "opens"))
    rows = [(h.weekday, "09:00", "17:00") for h in existing]
    rows[5] = (5, "10:00", "13:00")  # Saturday
    rows[6] = (6, "09:00", "17:00", "delete")  # Sunday
    rows.append((5, "14:00", "16:00"))
    response = signed_in.post(f"{BASE}/hours/", hours_data(rows, existing))
    assert response.status_code == 302
    saturday = OpeningHours.objects.filter(venue=venue, weekday=5).order_by("opens")
    assert [(h.opens, h.closes) for h in saturday] == [(time(10), time(13)), (time(14), time(16))]
    assert not OpeningHours.objects.filter(venue=venue, weekday=6).exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((5, "12:00", "15:00"), "It overlaps another interval of the same day."),
        ((5, "18:00", "17:00"), "It must close after it opens."),
        ((5, "25:00", "26:00"), "Enter a valid time."),
    ],
)
def test_bad_hours_re_render_with_the_message_and_change_nothing(signed_in, venue, extra, message):
    existing = list(OpeningHours.objects.filter(venue=venue).order_by("weekday", "opens"))
    rows = [(h.weekday, "09:00", "17:00") for h in existing] + [extra]
    page = signed_in.post(f"{BASE}/hours/", hours_data(rows, existing))
    assert page.status_code == 400
    assert message in page.content.decode()
    assert OpeningHours.objects.filter(venue=venue).count() == 7


def space_data(**changes) -> dict:
    data = {
        "name": "Garden room",
        "slug": "garden-room",
        "kind": "meeting_room",
        "description": "",
        "capacity": "8",
        "seats": "1",
        "rate": "0",
        "amenities": "",
        "is_active": "on",
        "min_duration": "0:30:00",
        "max_duration": "8:00:00",
        "slot_step": "0:30:00",
        "min_notice": "0:00:00",
        "horizon": "90 days, 0:00:00",
        "buffer_after": "0:00:00",
        "approval_deadline": "3 days, 0:00:00",
        "check_in_opens_before": "0:15:00",
        "grace_period": "",
    }
    return data | changes


def test_a_manager_adds_a_space_and_it_can_be_booked(signed_in, venue, client):
    assert signed_in.post(f"{BASE}/spaces/new/", space_data()).status_code == 302
    space = Space.objects.get(slug="garden-room")
    assert space.venue == venue
    assert client.get("/venues/st-lukes/garden-room/").status_code == 200


def test_a_space_slug_already_taken_in_the_venue_is_refused(signed_in, room):
    page = signed_in.post(f"{BASE}/spaces/new/", space_data(slug=room.slug))
    assert page.status_code == 400
    assert "Another space of this venue already has this slug." in page.content.decode()
    assert Space.objects.filter(slug=room.slug).count() == 1


def test_seats_cannot_come_down_below_what_bookings_hold_through_the_page(
    frozen_now, venue, signed_in
):
    pool = DeskPoolFactory(venue=venue, name="Desks", slug="desks", seats=3, capacity=3)
    for _ in range(2):
        BookingFactory(
            space=pool,
            starts_at=frozen_now + timedelta(days=1),
            ends_at=frozen_now + timedelta(days=1, hours=2),
        )
    page = signed_in.post(
        f"{BASE}/spaces/desks/",
        space_data(name="Desks", slug="desks", kind="desk_pool", capacity="3", seats="1"),
    )
    assert page.status_code == 400
    assert "before reducing the seats to 1" in page.content.decode()
    assert Space.objects.get(pk=pool.pk).seats == 3
    assert not Booking.objects.filter(space=pool, exclusive=True).exists()


def test_a_space_is_retired_not_deleted(signed_in, room):
    data = space_data(name=room.name, slug=room.slug, capacity="6")
    del data["is_active"]
    assert signed_in.post(f"{BASE}/spaces/{room.slug}/", data).status_code == 302
    assert Space.objects.get(pk=room.pk).is_active is False


@pytest.mark.parametrize(
    "path", ["details/", "hours/", "spaces/", "spaces/new/", "spaces/meeting-room/"]
)
def test_only_the_venues_managers_may_open_these_pages(client, member, room, path):
    assert client.get(f"{BASE}/{path}").status_code == 302  # to the login page
    client.force_login(member)
    assert client.get(f"{BASE}/{path}").status_code == 404
    other = MemberFactory()
    VenueFactory(name="Lab").managers.add(other)
    client.force_login(other)
    assert client.get(f"{BASE}/{path}").status_code == 404


def test_a_bank_holiday_gets_its_own_hours_and_can_be_removed(signed_in, venue):
    response = signed_in.post(
        f"{BASE}/hours/exceptions/",
        {"date": "2027-05-03", "opens": "10:00", "closes": "14:00", "note": "Bank holiday"},
    )
    assert response.status_code == 302
    exception = OpeningException.objects.get()
    assert (exception.opens, exception.closes, exception.note) == (
        time(10),
        time(14),
        "Bank holiday",
    )
    assert "Monday 3 May 2027" in signed_in.get(f"{BASE}/hours/").content.decode()
    assert signed_in.post(f"{BASE}/hours/exceptions/{exception.pk}/delete/").status_code == 302
    assert not OpeningException.objects.exists()


def test_a_date_can_be_closed_all_day(signed_in, venue):
    signed_in.post(
        f"{BASE}/hours/exceptions/", {"date": "2027-05-03", "closed": "on", "opens": "10:00"}
    )
    exception = OpeningException.objects.get()
    assert (exception.opens, exception.closes) == (None, None)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"date": "2027-05-03", "opens": "14:00", "closes": "10:00"},
            "It must close after it opens.",
        ),
        ({"date": "2027-05-03", "opens": "10:00"}, "Give the hours it opens and closes"),
        (
            {"date": "2027-03-28", "opens": "01:30", "closes": "04:00"},
            "does not exist on 28 March 2027",
        ),
        ({"date": "2027-02-30", "opens": "10:00", "closes": "14:00"}, "Enter a valid date."),
    ],
)
def test_bad_dated_hours_re_render_with_the_message_and_write_nothing(
    signed_in, venue, data, message
):
    page = signed_in.post(f"{BASE}/hours/exceptions/", data)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert not OpeningException.objects.exists()


def test_overlapping_hours_on_one_date_are_refused(signed_in, venue):
    OpeningException.objects.create(
        venue=venue, date=date(2027, 5, 3), opens=time(10), closes=time(14)
    )
    page = signed_in.post(
        f"{BASE}/hours/exceptions/", {"date": "2027-05-03", "opens": "13:00", "closes": "15:00"}
    )
    assert page.status_code == 400
    assert "It overlaps other hours given for that date." in page.content.decode()
    assert OpeningException.objects.count() == 1


def test_removing_a_date_is_post_only_and_for_this_venues_managers(client, member, venue, manager):
    exception = OpeningException.objects.create(venue=venue, date=date(2027, 5, 3))
    client.force_login(manager)
    assert client.get(f"{BASE}/hours/exceptions/{exception.pk}/delete/").status_code == 405
    client.force_login(member)
    assert client.post(f"{BASE}/hours/exceptions/{exception.pk}/delete/").status_code == 404
    assert OpeningException.objects.exists()


def test_the_hours_page_title_is_plain_text(signed_in, venue):
    text = signed_in.get(f"{BASE}/hours/").content.decode()
    title = text[text.index("<title>") : text.index("</title>")]
    assert "<" not in title[len("<title>") :]
    assert "Opening hours of St Luke" in title
