"""The page that changes this and the later dates of a series: preview, change the others, or
change nothing."""

from datetime import UTC, datetime, timedelta

import pytest

from bookings.models import Booking, Series
from tests.factories import BookingFactory

from .test_series_pages import FORM, _url

TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]
CHANGE = {
    "scope": "following",
    "start_time": "13:00",
    "end_time": "15:00",
    "title": "Choir",
    "purpose": "",
    "activity": "",
    "attendees": "4",
}


@pytest.fixture
def member_client(frozen_now, client, member):
    client.force_login(member)
    return client


@pytest.fixture
def dates(member_client, room):
    form = {**FORM, "attendees": "4"}
    preview = member_client.post(_url(room), {**form, "decision": "preview"})
    free = preview.context["form"].data["free_dates"]
    member_client.post(_url(room), {**form, "decision": "book", "free_dates": free})
    return list(Booking.objects.order_by("starts_at"))


def _page(booking) -> str:
    return f"/bookings/{booking.pk}/change-series/"


def test_an_occurrence_links_to_the_series_change_page(member_client, dates):
    assert _page(dates[2]) in member_client.get(dates[2].get_absolute_url()).text


def test_the_preview_lists_what_cannot_change_and_the_member_changes_the_others(
    member_client, dates, room, other_member
):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[6] + timedelta(hours=3))
    data = {**CHANGE, "space": room.pk, "decision": "preview"}
    response = member_client.post(_page(dates[4]), data)
    assert response.status_code == 200
    rows = list(response.context["dates"].rows)
    assert len(rows) == 6
    assert "already booked" in response.text and "Change the other dates" in response.text
    assert Booking.objects.filter(title="Choir").count() == 0
    refused = response.context["form"].data["refused"]
    assert refused == str(dates[6].pk)
    response = member_client.post(
        _page(dates[4]), {**data, "decision": "apply", "refused": refused}
    )
    assert response.status_code == 302
    assert Booking.objects.filter(title="Choir").count() == 5
    assert Series.objects.count() == 2
    assert Booking.objects.get(pk=dates[6].pk).starts_at == TUESDAYS[6]


def test_change_nothing_changes_nothing(member_client, dates, room):
    data = {**CHANGE, "space": room.pk, "decision": "none"}
    response = member_client.post(_page(dates[4]), data)
    assert response.status_code == 302
    assert Booking.objects.filter(title="Choir").count() == 0


def test_a_bad_time_is_a_form_error(member_client, dates, room):
    data = {**CHANGE, "space": room.pk, "end_time": "12:00", "decision": "preview"}
    response = member_client.post(_page(dates[4]), data)
    assert response.status_code == 400 and "must end after it starts" in response.text


def test_someone_else_gets_a_404(client, other_member, dates):
    client.force_login(other_member)
    assert client.get(_page(dates[4])).status_code == 404
