"""Requests that never go stale: each pending request has a deadline (the space's
approval_deadline after the request, or 24 h before the start if sooner), and `expire_requests`
declines the overdue ones with a reason and no decider, frees their time and tells the booker
once, however often it runs.

NOW is Monday 4 January 2027, 08:00 (London on GMT, so local == UTC).
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from schedule.models import Event

from bookings.expiry import expire_requests, request_expires_at
from bookings.models import Booking
from bookings.services import approve_booking, move_booking, request_booking
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory

FRIDAY = datetime(2027, 1, 15, 10, tzinfo=UTC)  # far enough ahead for the 3-day deadline


@pytest.fixture
def hall(venue):
    return SpaceFactory(
        venue=venue,
        name="Main hall",
        slug="main-hall",
        kind="hall",
        capacity=80,
        requires_approval=True,
        approval_deadline=timedelta(days=3),
    )


def ask(space, member, starts_at=FRIDAY, *, now=NOW, title="Choir rehearsal") -> Booking:
    return request_booking(
        booker=member,
        space=space,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        title=title,
        now=now,
    )


def run_command() -> str:
    out = StringIO()
    call_command("expire_requests", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("starts_in", "deadline", "expires_in"),
    [
        (timedelta(days=10), timedelta(days=3), timedelta(days=3)),  # the deadline comes first
        (timedelta(days=2), timedelta(days=3), timedelta(days=1)),  # 24 h before the start
        (timedelta(hours=30), timedelta(hours=2), timedelta(hours=2)),  # a short deadline
        # Asked under 24 h ahead: the deadline, or the start if that is sooner, never at once.
        (timedelta(hours=10), timedelta(days=3), timedelta(hours=10)),
        (timedelta(hours=10), timedelta(hours=4), timedelta(hours=4)),
    ],
)
def test_when_a_request_expires(starts_in, deadline, expires_in):
    space = SpaceFactory.build(approval_deadline=deadline)
    expires = request_expires_at(space=space, requested_at=NOW, starts_at=NOW + starts_in)
    assert expires == NOW + expires_in


def test_a_request_records_its_deadline_and_a_confirmed_booking_has_none(hall, room, member):
    assert ask(hall, member).expires_at == NOW + timedelta(days=3)
    confirmed = request_booking(
        booker=member,
        space=room,
        starts_at=FRIDAY,
        ends_at=FRIDAY + timedelta(hours=1),
        title="Meeting",
        now=NOW,
    )
    assert confirmed.expires_at is None


def test_a_request_at_its_deadline_expires_and_one_before_does_not(
    hall, member, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        request_ = ask(hall, member)
    with time_machine.travel(request_.expires_at - timedelta(seconds=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert "0 requests expired" in run_command()
        assert Booking.objects.get().status == Booking.Status.PENDING
        assert mail.outbox == []
    with (
        time_machine.travel(request_.expires_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert "1 requests expired" in run_command()
    expired = Booking.objects.get()
    assert expired.status == Booking.Status.DECLINED
    assert (expired.decided_by, expired.decided_at) == (None, request_.expires_at)
    assert "Not decided in time" in expired.decision_reason
    assert expired.sequence == request_.sequence + 1
    assert expired.event is None and not Event.objects.exists()


def test_the_booker_is_told_once_with_the_cancel_invitation(
    hall, member, django_capture_on_commit_callbacks
):
    request_ = ask(hall, member)
    later = request_.expires_at + timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        expire_requests(now=later)
        expire_requests(now=later)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Commonshare] Request expired: Choir rehearsal"
    assert "did not decide on your request in time" in message.body
    assert "METHOD:CANCEL" in message.message().as_string()


def test_running_twice_changes_nothing_the_second_time(
    hall, member, other_member, django_capture_on_commit_callbacks
):
    ask(hall, member, title="First")
    ask(hall, other_member, FRIDAY + timedelta(days=1), title="Second")
    later = NOW + timedelta(days=4)
    with django_capture_on_commit_callbacks(execute=True):
        assert len(expire_requests(now=later)) == 2
    after_first = list(Booking.objects.order_by("pk").values())
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_requests(now=later + timedelta(hours=1)) == []
    assert list(Booking.objects.order_by("pk").values()) == after_first
    assert len(mail.outbox) == sent == 2


def test_an_expired_request_frees_its_time_for_another_booking(hall, member, other_member):
    request_ = ask(hall, member)
    later = request_.expires_at
    with pytest.raises(Exception, match="already"):
        ask(hall, other_member, now=later)
    expire_requests(now=later)
    taken = ask(hall, other_member, now=later, title="Food bank")
    assert taken.status == Booking.Status.PENDING


def test_a_decided_request_does_not_expire(hall, member, manager):
    request_ = ask(hall, member)
    approve_booking(booking=request_, by=manager, now=NOW + timedelta(hours=1))
    assert expire_requests(now=NOW + timedelta(days=5)) == []
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_a_request_moved_by_its_booker_gets_a_new_deadline(hall, member):
    request_ = ask(hall, member)
    moved_at = NOW + timedelta(days=2)
    moved = move_booking(
        booking=request_,
        by=member,
        starts_at=FRIDAY + timedelta(days=3),
        ends_at=FRIDAY + timedelta(days=3, hours=2),
        now=moved_at,
    )
    assert moved.expires_at == moved_at + timedelta(days=3)
    assert expire_requests(now=NOW + timedelta(days=3)) == []


def test_the_deadline_is_in_the_space_form(client, venue, manager, hall):
    client.force_login(manager)
    url = f"/manage/venues/{venue.slug}/spaces/{hall.slug}/"
    page = client.get(url)
    assert 'name="approval_deadline"' in page.content.decode()


@pytest.mark.parametrize("bad", ["0:00:00", "0:30:00", "soon"])
def test_a_deadline_under_an_hour_is_refused_and_nothing_changes(client, venue, manager, hall, bad):
    from django.forms.models import model_to_dict

    from bookings.manage_forms import SpaceForm

    client.force_login(manager)
    data = {
        name: value
        for name, value in model_to_dict(hall, fields=SpaceForm._meta.fields).items()
        if value is not None
    }
    data["approval_deadline"] = bad
    page = client.post(f"/manage/venues/{venue.slug}/spaces/{hall.slug}/", data)
    assert page.status_code == 400
    assert "approval_deadline" in page.context["form"].errors
    hall.refresh_from_db()
    assert hall.approval_deadline == timedelta(days=3)


def test_the_requests_page_shows_when_each_request_expires(client, manager, hall, member):
    ask(hall, member)
    with time_machine.travel(NOW, tick=False):
        client.force_login(manager)
        page = client.get("/manage/requests/").content.decode()
    assert "Decide by" in page
    assert "Thu 7 Jan, 08:00" in page and "expires in 3" in page


def test_an_expired_request_says_so_on_its_page(client, hall, member):
    request_ = ask(hall, member)
    expire_requests(now=request_.expires_at)
    client.force_login(member)
    page = client.get(f"/bookings/{request_.pk}/").content.decode()
    assert "Expired" in page and "Not decided in time" in page and "None" not in page


def test_a_request_of_another_manager_is_not_theirs_to_see(client, hall, member):
    ask(hall, member)
    stranger = MemberFactory()
    client.force_login(stranger)
    assert client.get("/manage/requests/").status_code == 403
