"""A member downloads their data and closes their account; bookings stay for the statistics,
anonymised; the retention command clears old free text and leaves every figure as it was."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import Client

from bookings.models import Booking
from feeds.models import FeedToken
from members.models import Member, OrganisationMembership
from memberships.services import grant_membership
from operations.privacy import (
    ANONYMOUS_TITLE,
    PrivacyError,
    anonymise_old_bookings,
    close_account,
    member_data,
)
from stats.occupancy import compute_stats
from stats.periods import Period
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    OrganisationFactory,
    OrganisationMembershipFactory,
    PlanFactory,
    SpaceFactory,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def history(db, venue, member, manager):
    """Member's bookings: two past (one with a purpose), one to come, and someone else's."""
    room = SpaceFactory(venue=venue, slug="room")
    OrganisationMembershipFactory(organisation=OrganisationFactory(name="Choir"), member=member)
    past = [
        BookingFactory(
            space=room,
            booker=member,
            starts_at=utc(2026, 11, day, 10),
            ends_at=utc(2026, 11, day, 12),
            title=f"Fay's private session {day}",
            purpose="Counselling for my family",
        )
        for day in (3, 10)
    ]
    coming = BookingFactory(
        space=room, booker=member, starts_at=utc(2027, 1, 6, 10), title="Fay's party"
    )
    other = BookingFactory(space=room, starts_at=utc(2026, 11, 4, 10), title="Someone else")
    FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER)
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return {"room": room, "past": past, "coming": coming, "other": other}


def test_the_download_holds_the_members_data_and_nobody_elses(history, member):
    data = member_data(member=member)
    assert data["member"]["email"] == "freelancer@example.org"
    assert [b["title"] for b in data["bookings"]] == [
        "Fay's private session 3",
        "Fay's private session 10",
        "Fay's party",
    ]
    assert data["organisations"][0]["organisation"] == "Choir"
    assert len(data["calendar_feeds"]) == 1
    assert "Someone else" not in json.dumps(data)


def test_the_download_is_a_json_attachment_for_the_signed_in_member(history, member, client):
    assert client.get("/account/data/download.json").status_code == 302  # login first
    client.force_login(member)
    response = client.get("/account/data/download.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert json.loads(response.content)["member"]["display_name"] == "Fay Freelancer"


def test_closing_an_account_keeps_anonymous_bookings_and_the_figures(history, member, venue):
    now_plan = PlanFactory(venue=venue, name="Resident desk")
    later_plan = PlanFactory(venue=venue, name="Hot desk")
    current = grant_membership(plan=now_plan, member=member, starts_on=date(2026, 12, 1))
    future = grant_membership(plan=later_plan, member=member, starts_on=date(2027, 2, 1))
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    before = compute_stats(venue, period)
    cancelled = close_account(member=member, now=NOW)
    assert cancelled == 1
    history["coming"].refresh_from_db()
    assert history["coming"].status == Booking.Status.CANCELLED
    for booking in history["past"]:
        booking.refresh_from_db()
        assert (booking.title, booking.purpose, booking.booker_id) == (
            ANONYMOUS_TITLE,
            "",
            member.pk,
        )
        assert booking.status == Booking.Status.CONFIRMED
    history["other"].refresh_from_db()
    assert history["other"].title == "Someone else"
    gone = Member.objects.get(pk=member.pk)
    assert gone.display_name == "Former member" and gone.email.endswith(".invalid")
    assert not gone.is_active and not gone.has_usable_password()
    assert not FeedToken.objects.filter(owner=gone).exists()
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not OrganisationMembership.objects.filter(member=gone).exists()
    current.refresh_from_db()
    future.refresh_from_db()
    assert (current.ends_on, future.ends_on) == (NOW.date(), date(2027, 2, 1))
    after = compute_stats(venue, period)
    assert repr(after) == repr(before)


def test_the_closed_address_is_never_written_to(
    history, member, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        close_account(member=member, now=NOW)
    recipients = [address for message in mail.outbox for address in message.to]
    assert recipients == ["manager@example.org"]  # the venue is told of the cancellation
    assert "Fay" not in mail.outbox[0].body


def test_the_last_admin_or_manager_cannot_close_and_nothing_changes(history, member, venue):
    membership = member.memberships.get()
    membership.role = OrganisationMembership.Role.ADMIN
    membership.save()
    with pytest.raises(PrivacyError, match="only admin of Choir"):
        close_account(member=member, now=NOW)
    assert Member.objects.get(pk=member.pk).is_active
    assert Booking.objects.get(pk=history["coming"].pk).status == Booking.Status.CONFIRMED
    membership.role = OrganisationMembership.Role.MEMBER
    membership.save()
    venue.managers.set([member])
    with pytest.raises(PrivacyError, match="last manager of St Luke"):
        close_account(member=member, now=NOW)


def test_closing_from_the_site_needs_the_password_and_logs_out(history, member, frozen_now):
    member.set_password("right horse battery")
    member.save()
    client = Client()
    client.force_login(member)
    wrong = client.post("/account/close/", {"password": "guess"})
    assert wrong.status_code == 200 and "That is not your password." in wrong.text
    assert Member.objects.get(pk=member.pk).is_active
    done = client.post("/account/close/", {"password": "right horse battery"}, follow=True)
    assert "Your account is closed" in done.text
    assert not Member.objects.get(pk=member.pk).is_active
    assert client.get("/account/").status_code == 302  # logged out


def test_the_account_page_links_to_the_data_page(member, client):
    client.force_login(member)
    assert 'href="/account/data/"' in client.get("/account/").text
    assert 'href="/account/close/"' in client.get("/account/data/").text


def test_retention_clears_old_free_text_once_and_keeps_the_figures(history, venue):
    period = Period(date(2026, 11, 1), date(2026, 11, 30))
    before = compute_stats(venue, period)
    now = utc(2028, 11, 20)
    assert anonymise_old_bookings(now=now, days=745) == 2  # ended before 6 Nov 2026
    assert anonymise_old_bookings(now=now, days=745) == 0  # idempotent
    titles = set(Booking.objects.values_list("title", flat=True))
    assert titles == {ANONYMOUS_TITLE, "Fay's private session 10", "Fay's party"}
    assert repr(compute_stats(venue, period)) == repr(before)
    call_command("anonymise_old_bookings", "--days", "1")
    assert (
        not Booking.objects.exclude(title=ANONYMOUS_TITLE)
        .filter(ends_at__lt=datetime.now(UTC) - timedelta(days=1))
        .exists()
    )
