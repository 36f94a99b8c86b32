import pytest

from bookings.models import Booking
from tests.factories import BookingFactory, MemberFactory, OrganisationFactory, VenueFactory
from tests.web.conftest import utc


@pytest.fixture
def request_(approval_room, member):
    charity = OrganisationFactory(name="Ladywood Food Bank", kind="charity")
    return BookingFactory(
        space=approval_room,
        booker=member,
        organisation=charity,
        status=Booking.Status.PENDING,
        title="Food bank",
        purpose="Weekly distribution",
        attendees=20,
    )


def test_a_manager_sees_pending_requests_of_their_venues(manager_client, request_, room):
    BookingFactory(space=room, title="Confirmed one")
    elsewhere = BookingFactory(
        space__venue=VenueFactory(slug="elsewhere"), status="pending", title="Not ours"
    )
    response = manager_client.get("/manage/requests/")
    assert response.status_code == 200
    assert [row.record for row in response.context["pending"].rows] == [request_]
    text = response.text
    for expected in [
        "Food bank",
        "Ladywood Food Bank",
        "Charity",
        "Main hall",
        "Weekly distribution",
        "20",
        "Fay Freelancer",
        "Tue 5 Jan 2027, 10:00–11:00",
    ]:
        assert expected in text, expected
    assert elsewhere.title not in text
    assert f'action="/manage/requests/{request_.pk}/approve/"' in text


def test_requests_need_a_login_and_a_manager(client, member, request_, frozen_now):
    assert client.get("/manage/requests/").url == "/accounts/login/?next=/manage/requests/"
    client.force_login(member)
    assert client.get("/manage/requests/").status_code == 403


def test_approve_and_decline_are_post_only(manager_client, request_):
    assert manager_client.get(f"/manage/requests/{request_.pk}/approve/").status_code == 405
    assert manager_client.get(f"/manage/requests/{request_.pk}/decline/").status_code == 405
    request_.refresh_from_db()
    assert request_.status == "pending"


def test_a_manager_approves_a_request(manager_client, manager, request_, mailoutbox):
    response = manager_client.post(f"/manage/requests/{request_.pk}/approve/", follow=True)
    request_.refresh_from_db()
    assert (request_.status, request_.decided_by) == ("confirmed", manager)
    assert "Approved: Food bank" in response.text
    assert [row.record for row in response.context["decided"].rows] == [request_]


def test_a_manager_declines_with_a_reason(manager_client, request_):
    response = manager_client.post(
        f"/manage/requests/{request_.pk}/decline/",
        {"reason": "Hall booked for repairs"},
        follow=True,
    )
    request_.refresh_from_db()
    assert (request_.status, request_.decision_reason) == ("declined", "Hall booked for repairs")
    assert "Declined: Food bank" in response.text


def test_declining_without_a_reason_re_renders_with_an_error(manager_client, request_):
    for reason in ["", "   "]:
        response = manager_client.post(
            f"/manage/requests/{request_.pk}/decline/", {"reason": reason}
        )
        assert response.status_code == 400
        assert "Say why the request is declined" in response.text
        assert 'aria-invalid="true"' in response.text
    request_.refresh_from_db()
    assert request_.status == "pending"


def test_a_manager_of_another_venue_cannot_approve_or_decline(client, request_, frozen_now):
    stranger = MemberFactory()
    VenueFactory(slug="elsewhere").managers.add(stranger)
    client.force_login(stranger)
    assert client.post(f"/manage/requests/{request_.pk}/approve/").status_code == 404
    assert (
        client.post(f"/manage/requests/{request_.pk}/decline/", {"reason": "No"}).status_code == 404
    )
    request_.refresh_from_db()
    assert request_.status == "pending"


def test_the_booker_cannot_approve_their_own_request(member_client, request_):
    assert member_client.post(f"/manage/requests/{request_.pk}/approve/").status_code == 404
    request_.refresh_from_db()
    assert request_.status == "pending"


def test_deciding_twice_shows_why_and_changes_nothing(manager_client, request_):
    manager_client.post(f"/manage/requests/{request_.pk}/approve/")
    response = manager_client.post(
        f"/manage/requests/{request_.pk}/decline/", {"reason": "Changed my mind"}, follow=True
    )
    assert "already been decided" in response.text
    request_.refresh_from_db()
    assert request_.status == "confirmed"


def test_a_request_whose_time_has_passed_cannot_be_approved(manager_client, approval_room):
    old = BookingFactory(space=approval_room, status="pending", starts_at=utc(2027, 1, 1, 10))
    response = manager_client.post(f"/manage/requests/{old.pk}/approve/", follow=True)
    assert "can only be declined" in response.text
    old.refresh_from_db()
    assert old.status == "pending"


def test_a_request_whose_start_has_passed_offers_only_decline(
    manager_client, request_, approval_room
):
    old = BookingFactory(
        space=approval_room, status="pending", title="Missed", starts_at=utc(2027, 1, 1, 10)
    )
    response = manager_client.get("/manage/requests/")
    page = response.text
    assert 'aria-label="Approve Food bank"' in page  # still in the future: both buttons
    assert 'aria-label="Approve Missed"' not in page
    assert 'aria-label="Decline Missed"' in page
    assert "Its start has passed: it can only be declined." in page
    assert old in [row.record for row in response.context["pending"].rows]


def test_nobody_is_offered_a_cancel_form_for_a_booking_that_has_ended(
    client, manager, member, approval_room, frozen_now
):
    ended = BookingFactory(
        space=approval_room,
        booker=member,
        starts_at=utc(2027, 1, 3, 10),
        ends_at=utc(2027, 1, 3, 11),
    )
    running = BookingFactory(
        space=approval_room,
        booker=member,
        starts_at=utc(2027, 1, 4, 7),
        ends_at=utc(2027, 1, 4, 9),
    )
    client.force_login(manager)
    assert not client.get(ended.get_absolute_url()).context["can_cancel"]
    assert client.get(running.get_absolute_url()).context["can_cancel"]  # a manager, mid-booking
    client.force_login(member)
    assert not client.get(ended.get_absolute_url()).context["can_cancel"]
    assert not client.get(running.get_absolute_url()).context["can_cancel"]  # started
