"""A manager books a series for a member who phoned or walked in, from "Book for someone": the
Repeat form with who and which space, the same preview, the same rules for every date, recorded
as made by the manager, the booker sent the usual series email."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from bookings.models import Booking, Series
from tests.factories import (
    BookingFactory,
    MemberFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    SpaceFactory,
    VenueFactory,
)

pytestmark = pytest.mark.django_db

URL = "/manage/venues/st-lukes/book/series/"
TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(6)]


def form(room, **changes) -> dict:
    data = {
        "email": "freelancer@example.org",
        "organisation": "",
        "membership": "",
        "space": str(room.pk),
        "date": "2027-01-05",
        "start_time": "10:00",
        "end_time": "11:00",
        "frequency": "weekly",
        "interval": "1",
        "ends": "count",
        "count": "6",
        "until": "",
        "title": "Drop-in advice",
        "purpose": "",
        "activity": "",
        "attendees": "2",
        "decision": "preview",
    }
    return data | changes


@pytest.fixture
def manager_client(frozen_now, client, manager):
    client.force_login(manager)
    return client


def preview_then_book(client, data: dict, *, capture):
    preview = client.post(URL, data)
    assert preview.status_code == 200, preview.content.decode()
    expected = preview.context["form"].data["free_dates"]
    with capture(execute=True):
        return client.post(URL, {**data, "decision": "book", "free_dates": expected})


def test_book_for_someone_links_to_the_series_page(manager_client, room):
    page = manager_client.get("/manage/venues/st-lukes/book/").content.decode()
    assert URL in page
    assert manager_client.get(URL).status_code == 200


def test_a_venue_without_spaces_sends_the_manager_to_add_one(manager_client):
    response = manager_client.get(URL, follow=True)
    assert response.redirect_chain[-1][0] == "/manage/venues/st-lukes/spaces/"
    assert "has no space to book yet" in response.content.decode()


def test_the_preview_shows_every_date_with_its_state_and_books_nothing(
    manager_client, member, other_member, room
):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[2], title="Theirs")
    response = manager_client.post(URL, form(room))
    assert response.status_code == 200
    rows = list(response.context["dates"].rows)
    assert len(rows) == 6
    assert "5 are free, 1 cannot be booked" in response.content.decode()
    assert "Meeting room is already booked then." in response.content.decode()
    assert not Series.objects.exists()
    assert Booking.objects.count() == 1


def test_a_manager_books_the_free_dates_for_a_member_and_the_series_says_who_made_it(
    manager_client, manager, member, other_member, room, django_capture_on_commit_callbacks
):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[2], title="Theirs")
    response = preview_then_book(
        manager_client, form(room), capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    series = Series.objects.get()
    assert (series.booker, series.made_by) == (member, manager)
    dates = list(series.bookings.order_by("starts_at"))
    assert [b.starts_at for b in dates] == [t for n, t in enumerate(TUESDAYS) if n != 2]
    assert {(b.booker, b.made_by, b.status) for b in dates} == {(member, manager, "confirmed")}
    assert response["Location"] == dates[0].get_absolute_url()
    # The booker gets the usual series email, once, listing the skipped date.
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Drop-in advice" in mail.outbox[0].subject or "Drop-in advice" in mail.outbox[0].body
    assert "already booked" in mail.outbox[0].body
    followed = manager_client.get(response["Location"]).content.decode()
    assert "Booked 5 dates of Drop-in advice for Fay Freelancer" in followed


def test_a_series_of_a_space_that_needs_approval_is_confirmed_when_a_manager_books_it(
    manager_client, manager, member, venue, django_capture_on_commit_callbacks
):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    response = preview_then_book(
        manager_client, form(hall), capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert set(Booking.objects.values_list("status", "decided_by")) == {("confirmed", manager.pk)}
    assert [m.to for m in mail.outbox] == [[member.email]]  # no request to the managers


def test_the_notice_and_horizon_may_be_waived_for_every_date(
    manager_client, member, venue, django_capture_on_commit_callbacks
):
    kitchen = SpaceFactory(venue=venue, name="Kitchen", slug="kitchen", horizon=timedelta(days=14))
    refused = manager_client.post(URL, form(kitchen))
    assert "2 are free, 4 cannot be booked" in refused.content.decode()
    response = preview_then_book(
        manager_client, form(kitchen, waive="on"), capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert Booking.objects.filter(waived_notice_and_horizon=True).count() == 6
    assert Series.objects.get().tried_until is None  # every date was tried


def test_the_member_of_an_organisation_books_for_it(
    manager_client, member, room, django_capture_on_commit_callbacks
):
    choir = OrganisationFactory(name="Ladywood Choir")
    OrganisationMembershipFactory(organisation=choir, member=member)
    data = form(room, organisation=str(choir.pk))
    response = preview_then_book(manager_client, data, capture=django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert set(Booking.objects.values_list("organisation", flat=True)) == {choir.pk}


def test_an_organisation_the_member_does_not_belong_to_is_refused_once_and_nothing_written(
    manager_client, member, room
):
    charity = OrganisationFactory(name="Ladywood Food Share")
    for decision in ("preview", "book"):
        page = manager_client.post(URL, form(room, organisation=str(charity.pk), decision=decision))
        assert page.status_code == 400
        text = page.content.decode()
        assert "Fay Freelancer does not belong to Ladywood Food Share." in text
        assert page.context["outcome"] is None
    assert not Series.objects.exists() and not Booking.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "nobody@example.org"}, "No member has this email address"),
        ({"end_time": "09:00"}, "The booking must end after it starts."),
        ({"title": ""}, "This field is required."),
        ({"count": ""}, "Say how many times, or choose a last date."),
        ({"count": "999"}, "Ensure this value is less than or equal to"),
        ({"interval": "0"}, "Repeat at least every 1"),
        ({"space": "999999"}, "Select a valid choice."),
        ({"date": "2026-12-01"}, "The first date has already passed."),
    ],
)
def test_bad_input_re_renders_with_the_message_and_writes_nothing(
    manager_client, member, room, changes, message
):
    for decision in ("preview", "book"):
        page = manager_client.post(URL, form(room, **changes, decision=decision))
        assert page.status_code == 400
        assert message in page.content.decode()
    assert not Series.objects.exists() and not Booking.objects.exists()


def test_a_membership_that_is_not_the_members_is_refused(manager_client, member, room):
    from memberships.services import grant_membership
    from tests.factories import PlanFactory

    plan = PlanFactory(venue=room.venue, name="Hot desk")
    theirs = grant_membership(
        plan=plan, member=MemberFactory(display_name="Someone Else"), starts_on=TUESDAYS[0].date()
    )
    page = manager_client.post(URL, form(room, membership=str(theirs.pk)))
    assert page.status_code == 400
    assert "Fay Freelancer cannot use Hot desk" in page.content.decode()
    assert not Series.objects.exists()


def test_dates_that_changed_since_the_preview_book_nothing(
    manager_client, member, other_member, room
):
    preview = manager_client.post(URL, form(room))
    expected = preview.context["form"].data["free_dates"]
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[4], title="Meanwhile")
    page = manager_client.post(URL, {**form(room), "decision": "book", "free_dates": expected})
    assert page.status_code == 409
    assert not Series.objects.exists()


def test_book_none_books_nothing(manager_client, member, room):
    response = manager_client.post(URL, form(room, decision="none"))
    assert response.status_code == 302
    assert not Series.objects.exists()


def test_a_manager_of_another_venue_or_a_member_gets_a_404(frozen_now, client, member, room):
    elsewhere = VenueFactory(name="Beta Lab", slug="beta")
    stranger = MemberFactory()
    elsewhere.managers.add(stranger)
    for person in (stranger, member):
        client.force_login(person)
        assert client.get(URL).status_code == 404
        assert client.post(URL, form(room)).status_code == 404
    # Nor can they book the other venue's space from their own venue's page.
    client.force_login(stranger)
    page = client.post("/manage/venues/beta/book/series/", form(room))
    assert page.status_code in (302, 400)
    assert not Series.objects.exists()


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
