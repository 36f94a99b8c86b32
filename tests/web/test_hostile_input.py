"""Hostile query strings and form fields get a page, never a server error: a `next` that is not a
path on this site goes to the default page (after the action, which happens once), and a table's
`page` or `per_page` that makes no sense shows the first page, the last page or the default size."""

from datetime import timedelta

import pytest

from bookings.models import Booking
from tests.factories import BookingFactory
from tests.web.conftest import utc

BAD_NEXT = ["abc", "0", "24:00", "//evil.example/x", "https://evil.example/", "/\\evil.example"]
BAD_PAGING = ["-1", "0", "abc", str(10**30), "99", "", "٣"]


@pytest.fixture
def pending(approval_room, member):
    return BookingFactory(space=approval_room, booker=member, status=Booking.Status.PENDING)


@pytest.mark.parametrize("next_", BAD_NEXT)
def test_approve_with_a_bad_next_approves_once_and_goes_to_the_requests(
    manager_client, pending, mailoutbox, django_capture_on_commit_callbacks, next_
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(f"/manage/requests/{pending.pk}/approve/", {"next": next_})
    assert (response.status_code, response.url) == (302, "/manage/requests/")
    pending.refresh_from_db()
    assert pending.status == "confirmed"
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("next_", BAD_NEXT)
def test_decline_with_a_bad_next_declines_once_and_goes_to_the_requests(
    manager_client, pending, mailoutbox, django_capture_on_commit_callbacks, next_
):
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(
            f"/manage/requests/{pending.pk}/decline/", {"reason": "Closed that week", "next": next_}
        )
    assert (response.status_code, response.url) == (302, "/manage/requests/")
    pending.refresh_from_db()
    assert (pending.status, pending.decision_reason) == ("declined", "Closed that week")
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("next_", BAD_NEXT)
def test_cancel_with_a_bad_next_cancels_once_and_goes_to_the_booking(
    member_client, member, room, mailoutbox, django_capture_on_commit_callbacks, next_
):
    booking = BookingFactory(space=room, booker=member)
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            f"/bookings/{booking.pk}/cancel/", {"reason": "Rained off", "next": next_}
        )
    assert (response.status_code, response.url) == (302, f"/bookings/{booking.pk}/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"
    assert len(mailoutbox) == 1


def test_a_local_next_is_still_followed(manager_client, pending):
    response = manager_client.post(
        f"/manage/requests/{pending.pk}/approve/", {"next": f"/bookings/{pending.pk}/"}
    )
    assert response.url == f"/bookings/{pending.pk}/"


def _assert_sane_paging(table, default_size: int) -> None:
    page, paginator = table.page, table.paginator
    assert page.number in {1, paginator.num_pages}
    assert paginator.per_page == default_size or 1 <= paginator.per_page <= 100
    assert len(page.object_list) <= 100
    assert page.object_list or not paginator.count


@pytest.mark.parametrize("value", BAD_PAGING)
@pytest.mark.parametrize("field", ["page", "per_page"])
def test_my_bookings_pages_whatever_the_query_string(member_client, member, room, field, value):
    for day in range(11, 23):
        BookingFactory(space=room, booker=member, starts_at=utc(2027, 1, day, 10))
    BookingFactory(space=room, booker=member, starts_at=utc(2026, 12, 1, 10))
    response = member_client.get(f"/bookings/?upcoming-{field}={value}&past-{field}={value}")
    assert response.status_code == 200
    for name in ["upcoming", "past"]:
        _assert_sane_paging(response.context[name], 10)


@pytest.mark.parametrize("value", BAD_PAGING)
@pytest.mark.parametrize("field", ["page", "per_page"])
def test_the_requests_page_pages_whatever_the_query_string(
    manager_client, approval_room, member, field, value
):
    for day in range(11, 33):
        BookingFactory(
            space=approval_room,
            booker=member,
            status=Booking.Status.PENDING,
            starts_at=utc(2027, 1, day % 28 + 1, 10) + timedelta(days=31 * (day // 28)),
        )
    response = manager_client.get(
        f"/manage/requests/?pending-{field}={value}&decided-{field}={value}"
    )
    assert response.status_code == 200
    for name in ["pending", "decided"]:
        _assert_sane_paging(response.context[name], 20)


@pytest.mark.parametrize("value", BAD_PAGING)
@pytest.mark.parametrize("field", ["page", "per_page"])
def test_the_stats_page_shows_whatever_the_query_string(manager_client, room, field, value):
    tables = manager_client.get("/venues/st-lukes/stats/").context["tables"]
    query = "&".join(f"{table.prefix}{field}={value}" for table in tables.values())
    response = manager_client.get(f"/venues/st-lukes/stats/?{query}")
    assert response.status_code == 200
