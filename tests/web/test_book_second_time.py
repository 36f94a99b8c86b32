"""Booking the second run of an hour that happens twice (Europe/London, 25 October 2026, 01:00–02:00)."""

import re
from datetime import datetime

import pytest
import time_machine

from bookings.models import Booking
from spaces.timezones import resolve_local
from tests.web.conftest import utc

pytestmark = pytest.mark.django_db

BOOK = "/venues/night-lab/night-room/book/"


def form_data(**fields) -> dict:
    # The check step's "Book", with the price it showed (the room has no rate).
    base = {"title": "Night shift", "attendees": "1", "activity": "", "confirm": "1"}
    return {**base, "shown_price": "0.00", **fields}


def test_resolve_local_gives_the_second_run_of_a_repeated_time_on_request():
    from zoneinfo import ZoneInfo

    london = ZoneInfo("Europe/London")
    first = resolve_local(datetime(2026, 10, 25, 1, 30), london)
    second = resolve_local(datetime(2026, 10, 25, 1, 30), london, fold=1)
    assert (first.instant, second.instant) == (utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))
    assert first.ambiguous and second.ambiguous
    # An ordinary time is the same whichever run is asked for.
    assert resolve_local(datetime(2026, 10, 25, 3), london, fold=1).instant == utc(2026, 10, 25, 3)


def test_the_grid_link_of_the_second_hour_opens_the_form_with_the_second_run_chosen(
    client, member, night_room
):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        client.force_login(member)
        response = client.get(
            BOOK, {"start": "2026-10-25T01:00", "end": "2026-10-25T02:00", "start_fold": "1"}
        )

    form = response.context["form"]
    assert [field.name for field in form.repeated_times] == ["start_fold"]  # 02:00 happens once
    page = response.content.decode()
    assert "01:00 happens twice on 25 October 2026: which one?" in page
    assert "The first 01:00 (BST, UTC+01:00), before the clocks go back" in page
    assert "The second 01:00 (GMT, UTC+00:00), after the clocks go back" in page
    assert re.search(r'<input[^>]*name="start_fold" value="1"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="start_fold" value="0"[^>]*checked', page)


def test_choosing_the_second_run_books_the_hour_after_the_clocks_go_back(
    client, member, night_room
):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        client.force_login(member)
        response = client.post(
            BOOK,
            form_data(date="2026-10-25", start_time="01:00", end_time="02:00", start_fold="1"),
            follow=True,
        )
    booking = Booking.objects.get()
    # 01:00 GMT is 01:00 UTC; 02:00 GMT is 02:00 UTC: one real hour, after the change.
    assert (booking.starts_at, booking.ends_at) == (utc(2026, 10, 25, 1), utc(2026, 10, 25, 2))
    assert "happens twice" not in response.content.decode()  # the member chose: nothing to explain


def test_both_runs_of_the_repeated_hour_can_be_booked_by_different_members(
    client, member, other_member, night_room
):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        client.force_login(member)
        client.post(
            BOOK,
            form_data(
                date="2026-10-25",
                start_time="01:00",
                end_time="01:30",
                start_fold="0",
                end_fold="0",
            ),
        )
        client.force_login(other_member)
        client.post(
            BOOK,
            form_data(
                date="2026-10-25",
                start_time="01:00",
                end_time="01:30",
                start_fold="1",
                end_fold="1",
            ),
        )
    spans = sorted((b.starts_at, b.ends_at) for b in Booking.objects.all())
    assert spans == [
        (utc(2026, 10, 25, 0), utc(2026, 10, 25, 0, 30)),
        (utc(2026, 10, 25, 1), utc(2026, 10, 25, 1, 30)),
    ]


def test_a_bad_choice_is_a_form_error_and_books_nothing(client, member, night_room):
    with time_machine.travel(utc(2026, 10, 20, 12), tick=False):
        client.force_login(member)
        response = client.post(
            BOOK, form_data(date="2026-10-25", start_time="01:00", end_time="02:00", start_fold="7")
        )
    assert response.status_code == 200
    assert "Select a valid choice" in " ".join(response.context["form"].errors["start_fold"])
    assert not Booking.objects.exists()
