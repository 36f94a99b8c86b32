"""Changing and cancelling a series through the API, from one of its dates."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine

from bookings.models import Booking, Series
from bookings.series import book_series, new_series, preview_series
from tests.conftest import NOW
from tests.factories import BookingFactory, SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db

TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(4)]


def weekly(room, member, starts_on: dt.date, now: datetime = NOW) -> list[Booking]:
    """Four weekly dates of Fay's food bank from `starts_on`, 10:00 to 12:00 London time."""

    def make():
        return new_series(
            space=room,
            booker=member,
            title="Food bank",
            starts_on=starts_on,
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=4,
        )

    expected = preview_series(series=make(), now=now).fingerprint()
    outcome = book_series(series=make(), expected=expected, now=now)
    return [date.booking for date in outcome.free if date.booking]


@pytest.fixture
def dates(room, member) -> list[Booking]:
    """Four Tuesdays from 5 January 2027 (London is on UTC then)."""
    return weekly(room, member, dt.date(2027, 1, 5))


def _rows():
    return list(Booking.objects.order_by("starts_at").values_list("starts_at", "title", "status"))


def cancel(client, booking, **body):
    return client.post(f"/api/v1/bookings/{booking.pk}/cancel-series/", body, format="json")


def change(client, booking, **body):
    return client.post(f"/api/v1/bookings/{booking.pk}/change-series/", body, format="json")


def test_a_member_cancels_a_date_and_the_following_ones(frozen_now, as_member, dates):
    response = cancel(as_member, dates[1], scope="following", reason="Moving out")
    assert response.status_code == 200, response.json()
    assert [b["id"] for b in response.json()] == [b.pk for b in dates[1:]]
    assert all(b["status"] == "cancelled" for b in response.json())
    assert [row[2] for row in _rows()] == ["confirmed"] + ["cancelled"] * 3


@pytest.mark.parametrize("scope, left", [("one", 3), ("all", 0)])
def test_cancelling_one_date_or_all_cancels_just_those(frozen_now, as_member, dates, scope, left):
    response = cancel(as_member, dates[2], scope=scope)
    assert response.status_code == 200, response.json()
    assert Booking.objects.active().count() == left


def test_a_venues_manager_cancels_a_members_series(frozen_now, as_manager, dates):
    assert cancel(as_manager, dates[0], scope="all").status_code == 200
    assert not Booking.objects.active().exists()


@pytest.mark.parametrize("body", [{}, {"scope": "every"}, {"scope": "all", "reason": "x" * 2001}])
def test_a_bad_cancel_is_a_400_and_cancels_nothing(frozen_now, as_member, dates, body):
    response = cancel(as_member, dates[0], **body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert Booking.objects.active().count() == 4


def test_a_member_previews_a_change_then_applies_it(frozen_now, as_member, dates):
    before = _rows()
    preview = change(as_member, dates[2], scope="following", start_time="14:00", title="Choir")
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert body["applied"] is False and body["series"] is None
    assert [d["booking"] for d in body["dates"]] == [b.pk for b in dates[2:]]
    assert all(d["changes"] for d in body["dates"])
    assert body["dates"][0]["starts_at"] == "2027-01-19T14:00:00+00:00"
    assert _rows() == before and Series.objects.count() == 1

    done = change(
        as_member,
        dates[2],
        scope="following",
        start_time="14:00",
        title="Choir",
        expected=body["expected"],
    )
    assert done.status_code == 200, done.json()
    assert done.json()["applied"] is True
    rows = _rows()
    assert [r[0] for r in rows] == TUESDAYS[:2] + [t + timedelta(hours=4) for t in TUESDAYS[2:]]
    assert [r[1] for r in rows] == ["Food bank"] * 2 + ["Choir"] * 2
    new = Series.objects.get(pk=done.json()["series"])
    assert (new.start_time, new.duration, new.title) == (time(14), timedelta(hours=2), "Choir")


def test_a_change_keeps_what_is_left_out(frozen_now, as_member, dates, venue):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", capacity=40)
    preview = change(as_member, dates[0], scope="all", space=hall.pk, duration_minutes=90)
    done = change(
        as_member,
        dates[0],
        scope="all",
        space=hall.pk,
        duration_minutes=90,
        expected=preview.json()["expected"],
    )
    assert done.status_code == 200, done.json()
    for booking in Booking.objects.all():
        assert (booking.space_id, booking.title) == (hall.pk, "Food bank")
        assert booking.local_starts_at.time() == time(10)
        assert booking.ends_at - booking.starts_at == timedelta(minutes=90)


def test_a_date_that_cannot_change_is_listed_and_the_others_change(frozen_now, as_member, dates):
    BookingFactory(space=dates[0].space, starts_at=datetime(2027, 1, 12, 15, tzinfo=UTC))
    preview = change(as_member, dates[0], scope="all", start_time="15:00")
    states = [(d["changes"], bool(d["reason"])) for d in preview.json()["dates"]]
    assert states == [(True, False), (False, True), (True, False), (True, False)]
    done = change(as_member, dates[0], scope="all", start_time="15:00", expected="")
    assert done.status_code == 409  # the refused date was not in "expected"
    done = change(
        as_member, dates[0], scope="all", start_time="15:00", expected=preview.json()["expected"]
    )
    assert done.status_code == 200, done.json()
    hours = [b.starts_at.hour for b in Booking.objects.filter(booker=dates[0].booker)]
    assert sorted(hours) == [10, 15, 15, 15]


def test_a_stale_preview_is_a_409_and_changes_nothing(frozen_now, as_member, dates):
    expected = change(as_member, dates[0], scope="all", start_time="15:00").json()["expected"]
    BookingFactory(space=dates[0].space, starts_at=datetime(2027, 1, 19, 15, tzinfo=UTC))
    before = _rows()
    response = change(as_member, dates[0], scope="all", start_time="15:00", expected=expected)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "series_changed" and body["message"]
    assert [bool(d["reason"]) for d in body["dates"]] == [False, False, True, False]
    assert _rows() == before and Series.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"scope": "one"}, "scope"),
        ({"scope": "all", "duration_minutes": 0}, "duration_minutes"),
        ({"scope": "all", "start_time": "25:00"}, "start_time"),
        ({"scope": "all", "title": ""}, "title"),
        ({"scope": "all", "space": 2**31 - 1}, "space"),
    ],
)
def test_a_bad_change_is_a_400_and_writes_nothing(frozen_now, as_member, dates, body, field):
    before = _rows()
    response = change(as_member, dates[0], **body, expected="")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert _rows() == before and Series.objects.count() == 1


def test_a_series_cannot_move_to_another_venue(frozen_now, as_member, dates):
    elsewhere = SpaceFactory(venue=VenueFactory(name="Elsewhere", slug="elsewhere"))
    before = _rows()
    response = change(as_member, dates[0], scope="all", space=elsewhere.pk, expected="")
    assert response.status_code == 400
    assert response.json()["code"] == "refused" and "space" in response.json()["fields"]
    assert _rows() == before


def test_a_booking_outside_a_series_cannot_be_changed_as_one(frozen_now, as_member, member, room):
    alone = BookingFactory(space=room, booker=member, starts_at=datetime(2027, 1, 6, 9, tzinfo=UTC))
    response = change(as_member, alone, scope="all")
    assert response.status_code == 400 and "not part of a series" in response.json()["message"]


@pytest.mark.parametrize("path", ["cancel-series", "change-series"])
def test_another_members_series_is_a_404_and_untouched(frozen_now, as_other, dates, path):
    before = _rows()
    body = {"scope": "all", "start_time": "15:00", "expected": ""}
    response = as_other.post(f"/api/v1/bookings/{dates[0].pk}/{path}/", body, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert _rows() == before


@pytest.mark.parametrize("path", ["cancel-series", "change-series"])
def test_series_changes_need_a_login_and_a_token_that_may_write(
    frozen_now, anonymous, member, dates, path
):
    from tests.api.conftest import client_with_token

    url = f"/api/v1/bookings/{dates[0].pk}/{path}/"
    body = {"scope": "all", "start_time": "15:00", "expected": ""}
    assert anonymous.post(url, body, format="json").status_code == 401
    read_only = client_with_token(member, read_only=True)
    response = read_only.post(url, body, format="json")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Booking.objects.active().count() == 4


def test_a_venues_manager_changes_a_members_series(frozen_now, as_manager, dates):
    preview = change(as_manager, dates[0], scope="all", title="Food bank (hall)")
    done = change(
        as_manager,
        dates[0],
        scope="all",
        title="Food bank (hall)",
        expected=preview.json()["expected"],
    )
    assert done.status_code == 200, done.json()
    assert set(Booking.objects.values_list("title", flat=True)) == {"Food bank (hall)"}


@pytest.mark.parametrize(
    "starts_on, offsets",
    [
        (dt.date(2027, 3, 16), ["+00:00", "+00:00", "+01:00", "+01:00"]),  # 28 March 2027
        (dt.date(2027, 10, 19), ["+01:00", "+01:00", "+00:00", "+00:00"]),  # 31 October 2027
    ],
)
def test_a_changed_start_time_stays_on_the_venues_clock_across_a_clock_change(
    as_member, room, member, starts_on, offsets
):
    week_before = datetime.combine(starts_on, time(8), UTC) - timedelta(days=7)
    booked = weekly(room, member, starts_on, now=week_before)
    with time_machine.travel(week_before, tick=True):
        check_across_the_change(as_member, booked, offsets)


def check_across_the_change(as_member, booked, offsets):
    preview = change(as_member, booked[0], scope="all", start_time="14:30")
    assert preview.status_code == 200, preview.json()
    shown = [d["starts_at"] for d in preview.json()["dates"]]
    assert [when[-6:] for when in shown] == offsets
    assert all("T14:30:00" in when for when in shown)
    done = change(
        as_member, booked[0], scope="all", start_time="14:30", expected=preview.json()["expected"]
    )
    assert done.status_code == 200, done.json()
    assert {b.local_starts_at.time() for b in Booking.objects.all()} == {time(14, 30)}


def test_when_no_date_can_change_the_400_says_why_for_each(frozen_now, as_member, dates):
    before = _rows()
    response = change(as_member, dates[0], scope="all", start_time="16:30")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "refused" and "None of these dates" in body["message"]
    assert len(body["dates"]) == 4
    assert all("opening hours" in d["reason"] and not d["changes"] for d in body["dates"])
    assert _rows() == before and Series.objects.count() == 1
