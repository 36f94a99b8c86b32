from datetime import UTC, datetime

import pytest

from bookings.models import Booking, Series
from tests.factories import BookingFactory

pytestmark = pytest.mark.django_db


def rule(room, **changes):
    return {
        "space": room.pk,
        "starts_on": "2027-01-05",
        "start_time": "10:00",
        "duration_minutes": 60,
        "frequency": "weekly",
        "count": 3,
        "title": "Homework club",
    } | changes


def test_a_member_previews_a_series_then_books_its_free_dates(frozen_now, as_member, room):
    BookingFactory(space=room, starts_at=datetime(2027, 1, 12, 10, tzinfo=UTC))
    preview = as_member.post("/api/v1/series/preview/", rule(room), format="json")
    assert preview.status_code == 200, preview.json()
    dates = preview.json()["dates"]
    assert [d["free"] for d in dates] == [True, False, True]
    assert dates[1]["reason"]
    assert all(d["booking"] is None for d in dates)
    assert not Series.objects.exists() and Booking.objects.count() == 1
    booked = as_member.post(
        "/api/v1/series/book/", rule(room, expected=preview.json()["expected"]), format="json"
    )
    assert booked.status_code == 201, booked.json()
    series = Series.objects.get()
    assert booked.json()["id"] == series.pk
    assert Booking.objects.filter(series=series).count() == 2


def test_booking_a_series_whose_dates_changed_books_nothing(frozen_now, as_member, room):
    expected = as_member.post("/api/v1/series/preview/", rule(room), format="json").json()[
        "expected"
    ]
    BookingFactory(space=room, starts_at=datetime(2027, 1, 19, 10, tzinfo=UTC))
    response = as_member.post("/api/v1/series/book/", rule(room, expected=expected), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "series_changed"
    assert [d["free"] for d in response.json()["dates"]] == [True, True, False]
    assert not Series.objects.exists() and Booking.objects.count() == 1


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"frequency": "hourly"}, "frequency"),
        ({"count": 0}, "count"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"starts_on": "0001-01-01"}, "starts_on"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_rule_is_a_400_and_writes_nothing(frozen_now, as_member, room, changes, field):
    response = as_member.post("/api/v1/series/preview/", rule(room, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not Series.objects.exists() and not Booking.objects.exists()


def test_a_rule_with_both_ends_is_refused_with_the_services_sentence(frozen_now, as_member, room):
    response = as_member.post(
        "/api/v1/series/preview/", rule(room, until="2027-02-01"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "refused"
    assert "not both" in response.json()["message"]


def test_series_need_a_login_and_a_token_that_may_write(frozen_now, anonymous, member, room):
    from tests.api.conftest import client_with_token

    assert anonymous.post("/api/v1/series/preview/", rule(room), format="json").status_code == 401
    read_only = client_with_token(member, read_only=True)
    assert (
        read_only.post("/api/v1/series/book/", rule(room, expected=""), format="json").status_code
        == 403
    )
