"""The Repeat page (preview, book the free dates, book none), a series decided at once, and
cancelling this and the following dates."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from bookings.models import Booking, Series
from tests.factories import BookingFactory, SpaceFactory

TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]
FORM = {
    "date": "2027-01-05",
    "start_time": "10:00",
    "end_time": "12:00",
    "title": "Food bank",
    "attendees": "20",
    "frequency": "weekly",
    "interval": "1",
    "ends": "count",
    "count": "10",
    "until": "",
}


@pytest.fixture
def member_client(frozen_now, client, member):
    client.force_login(member)
    return client


@pytest.fixture
def hall(venue):
    return SpaceFactory(
        venue=venue, name="Main hall", slug="main-hall", capacity=80, requires_approval=True
    )


def _url(space) -> str:
    return f"/venues/{space.venue.slug}/{space.slug}/repeat/"


def test_the_space_page_and_the_booking_form_link_to_the_repeat_page(member_client, hall):
    assert _url(hall) in member_client.get(f"/venues/st-lukes/{hall.slug}/").text
    assert _url(hall) in member_client.get(f"/venues/st-lukes/{hall.slug}/book/").text


def test_the_repeat_page_needs_a_login(client, hall):
    response = client.get(_url(hall))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_preview_lists_every_date_with_its_state_and_books_nothing(
    member_client, hall, other_member
):
    BookingFactory(space=hall, booker=other_member, starts_at=TUESDAYS[3], title="Theirs")
    response = member_client.post(_url(hall), {**FORM, "decision": "preview"})
    assert response.status_code == 200
    rows = list(response.context["dates"].rows)
    assert len(rows) == 10
    assert [row.record.free for row in rows].count(False) == 1
    text = response.text
    assert "Tue 26 Jan 2027, 10:00" in text and "Main hall is already booked then." in text
    assert "Book the 9 free dates" in text and "Book none" in text
    assert "Theirs" not in text  # someone else's booking: only that the time is taken
    assert not Series.objects.exists() and Booking.objects.count() == 1


def test_book_the_free_dates_makes_one_request_and_lists_the_skipped(
    member_client, hall, other_member, manager, django_capture_on_commit_callbacks
):
    BookingFactory(space=hall, booker=other_member, starts_at=TUESDAYS[3])
    preview = member_client.post(_url(hall), {**FORM, "decision": "preview"})
    free = preview.context["form"]["free_dates"].value()
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            _url(hall), {**FORM, "decision": "book", "free_dates": free}, follow=True
        )
    assert response.redirect_chain[-1][0] == "/bookings/"
    text = response.text
    assert "Request sent for 9 dates of Food bank" in text
    assert "Skipped: Tue 26 Jan (Main hall is already booked then. Try another time.)." in text
    series = Series.objects.get()
    assert series.bookings.filter(status=Booking.Status.PENDING).count() == 9
    # One email to the booker, one to the manager: not nine of each.
    assert sorted(m.to[0] for m in mail.outbox) == ["freelancer@example.org", "manager@example.org"]


def test_book_none_writes_nothing(member_client, hall):
    response = member_client.post(_url(hall), {**FORM, "decision": "none"}, follow=True)
    assert "Nothing was booked." in response.text
    assert not Booking.objects.exists() and not Series.objects.exists()


def test_a_date_taken_after_the_preview_books_nothing_and_shows_the_dates_again(
    member_client, hall, other_member
):
    preview = member_client.post(_url(hall), {**FORM, "decision": "preview"})
    free = preview.context["form"]["free_dates"].value()
    BookingFactory(space=hall, booker=other_member, starts_at=TUESDAYS[6])
    response = member_client.post(_url(hall), {**FORM, "decision": "book", "free_dates": free})
    assert response.status_code == 409
    assert "Some dates changed since you looked" in response.text
    assert "Book the 9 free dates" in response.text
    assert Booking.objects.count() == 1 and not Series.objects.exists()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"count": ""}, "count", "Say how many times"),
        ({"ends": "until", "until": ""}, "until", "Choose the last date"),
        ({"interval": "0"}, "interval", "0 is not a rule"),
        ({"count": "201"}, "count", "less than or equal to 200"),
        ({"ends": "until", "until": "2027-12-31", "frequency": "daily"}, "until", "more than 200"),
        ({"date": "2027-01-03"}, "date", "already passed"),
        ({"frequency": "yearly"}, "frequency", "Select a valid choice"),
    ],
)
def test_bad_rules_get_a_form_error_and_nothing_is_written(
    member_client, hall, change, field, message
):
    response = member_client.post(_url(hall), {**FORM, **change, "decision": "book"})
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert not Booking.objects.exists() and not Series.objects.exists()


def test_monthly_on_the_31st_says_which_months_are_left_out(member_client, hall):
    response = member_client.post(
        _url(hall),
        {**FORM, "date": "2027-01-31", "frequency": "monthly_date", "count": "3", "decision": "x"},
    )
    assert response.status_code == 200
    assert "These months have no day 31, so the series leaves them out:" in response.text
    assert "February 2027" in response.text


@pytest.fixture
def booked_series(member_client, hall, django_capture_on_commit_callbacks):
    preview = member_client.post(_url(hall), {**FORM, "decision": "preview"})
    free = preview.context["form"]["free_dates"].value()
    member_client.post(_url(hall), {**FORM, "decision": "book", "free_dates": free})
    mail.outbox.clear()
    return Series.objects.get()


def test_the_requests_page_shows_a_series_once(booked_series, client, manager, hall):
    BookingFactory(space=hall, status="pending", starts_at=TUESDAYS[0] + timedelta(days=1))
    client.force_login(manager)
    response = client.get("/manage/requests/")
    rows = [row.record for row in response.context["pending"].rows]
    assert len(rows) == 2
    assert "A series: 10 dates waiting, to 9 Mar 2027." in response.text
    assert f"/manage/requests/series/{booked_series.pk}/" in response.text


def test_a_manager_approves_some_dates_and_declines_the_others_at_once(
    booked_series, client, manager, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    url = f"/manage/requests/series/{booked_series.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and page.text.count('name="approve"') == 10
    dates = list(booked_series.bookings.order_by("starts_at"))
    keep = [b.pk for b in dates[:8]]
    # Declining without a reason is refused, and nothing is decided.
    refused = client.post(url, {"approve": keep, "reason": ""})
    assert refused.status_code == 400
    assert booked_series.bookings.filter(status="pending").count() == 10
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"approve": keep, "reason": "The hall is let for exams."})
    assert response.status_code == 302
    statuses = [b.status for b in booked_series.bookings.order_by("starts_at")]
    assert statuses == ["confirmed"] * 8 + ["declined"] * 2
    assert (
        booked_series.bookings.get(pk=dates[9].pk).decision_reason == "The hall is let for exams."
    )


def test_a_series_decision_page_is_a_404_to_others(booked_series, member_client):
    assert member_client.get(f"/manage/requests/series/{booked_series.pk}/").status_code == 404


def test_cancel_this_and_the_following_dates(booked_series, member_client):
    dates = list(booked_series.bookings.order_by("starts_at"))
    detail = member_client.get(f"/bookings/{dates[6].pk}/")
    assert "This date and every later one of the series" in detail.text
    response = member_client.post(
        f"/bookings/{dates[6].pk}/cancel-series/", {"scope": "following", "reason": "Moving"}
    )
    assert response.status_code == 302
    statuses = [b.status for b in booked_series.bookings.order_by("starts_at")]
    assert statuses == ["pending"] * 6 + ["cancelled"] * 4


def test_cancel_every_date_of_the_series(booked_series, member_client):
    first = booked_series.bookings.order_by("starts_at").last()
    member_client.post(f"/bookings/{first.pk}/cancel-series/", {"scope": "all"})
    assert not booked_series.bookings.active().exists()


def test_cancelling_a_series_is_post_only_and_others_get_a_404(booked_series, client, other_member):
    booking = booked_series.bookings.first()
    client.force_login(other_member)
    assert (
        client.post(f"/bookings/{booking.pk}/cancel-series/", {"scope": "all"}).status_code == 404
    )
    assert client.get(f"/bookings/{booking.pk}/cancel-series/").status_code == 405
    assert booked_series.bookings.active().count() == 10


def test_the_membership_chosen_on_the_repeat_page_is_the_one_every_date_uses(
    member_client, member, venue
):
    from memberships.services import grant_membership
    from tests.factories import PlanFactory

    room = SpaceFactory(venue=venue, name="Studio", slug="studio", capacity=30)
    plan = PlanFactory(venue=venue, name="Room hours", space_kinds=[room.kind])
    membership = grant_membership(plan=plan, member=member, starts_on=TUESDAYS[0].date())
    data = {**FORM, "count": "3", "membership": str(membership.pk)}
    preview = member_client.post(_url(room), {**data, "decision": "preview"})
    free = preview.context["form"]["free_dates"].value()
    member_client.post(_url(room), {**data, "decision": "book", "free_dates": free})
    assert list(Booking.objects.values_list("membership", flat=True)) == [membership.pk] * 3
