"""Reminders from cron: `send_reminders` emails each confirmed booking starting in the next 24 h
once, and `remind_managers` sends each venue's managers the requests waiting, once a local day.
Run twice, the second run sends nothing.

NOW is Monday 4 January 2027, 08:00 (London on GMT, so local == UTC).
"""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from bookings.models import Booking
from bookings.reminders import remind_managers, send_reminders
from bookings.services import cancel_booking, move_booking, request_booking
from tests.conftest import NOW
from tests.factories import SpaceFactory

THURSDAY = datetime(2027, 1, 7, 10, tzinfo=UTC)


def book(space, member, starts_at=THURSDAY, *, made=NOW, title="Planning") -> Booking:
    """A booking made at `made` (its created_at too)."""
    with time_machine.travel(made, tick=False):
        return request_booking(
            booker=member,
            space=space,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            title=title,
            now=made,
        )


def run(command: str, at: datetime) -> str:
    out = StringIO()
    with time_machine.travel(at, tick=False):
        call_command(command, stdout=out)
    return out.getvalue()


def test_a_booking_starting_within_24_hours_is_reminded_once(
    room, member, django_capture_on_commit_callbacks
):
    booking = book(room, member)
    day_before = THURSDAY - timedelta(hours=23)
    with django_capture_on_commit_callbacks(execute=True):
        assert run("send_reminders", day_before) == "1 reminders queued.\n"
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Commonshare] Reminder: Planning, Thu 7 Jan, 10:00"
    assert f"/bookings/{booking.pk}/" in message.body and "cancel" in message.body
    assert Booking.objects.get().reminded_at == day_before
    with django_capture_on_commit_callbacks(execute=True):
        assert run("send_reminders", day_before + timedelta(hours=1)) == "0 reminders queued.\n"
    assert len(mail.outbox) == 1
    assert Booking.objects.get().reminded_at == day_before


def test_which_bookings_are_reminded(room, member, other_member, venue):
    hall = SpaceFactory(venue=venue, requires_approval=True)
    tomorrow = book(room, member, title="Due")
    book(room, member, THURSDAY + timedelta(days=2), title="Later")
    book(hall, member, title="Pending")
    cancelled = book(room, other_member, THURSDAY + timedelta(hours=4), title="Cancelled")
    cancel_booking(booking=cancelled, by=other_member, now=NOW)
    # Made 20 hours before it starts: its confirmation has just said it all.
    book(room, other_member, THURSDAY + timedelta(hours=2), made=THURSDAY - timedelta(hours=20))
    assert send_reminders(now=THURSDAY - timedelta(hours=12)) == 1
    assert list(Booking.objects.exclude(reminded_at=None)) == [tomorrow]


def test_a_booking_moved_to_another_day_is_reminded_again(room, member):
    booking = book(room, member)
    assert send_reminders(now=THURSDAY - timedelta(hours=20)) == 1
    moved = move_booking(
        booking=booking,
        by=member,
        starts_at=THURSDAY + timedelta(days=7),
        ends_at=THURSDAY + timedelta(days=7, hours=1),
        now=THURSDAY - timedelta(hours=19),
    )
    assert moved.reminded_at is None
    assert send_reminders(now=THURSDAY + timedelta(days=6, hours=1)) == 1


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Main hall", slug="main-hall", requires_approval=True)


def test_managers_get_the_waiting_requests_once_a_day(
    hall, member, manager, venue, django_capture_on_commit_callbacks
):
    request_ = book(hall, member, THURSDAY + timedelta(days=7), title="Choir")
    morning = NOW + timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            run("remind_managers", morning) == "st-lukes: managers reminded\n1 venues reminded.\n"
        )
        assert run("remind_managers", morning + timedelta(hours=8)) == "0 venues reminded.\n"
    [digest] = mail.outbox
    assert digest.to == [manager.email]
    assert digest.subject == "[Commonshare] One request waiting at St Luke's"
    assert "Choir" in digest.body and f"/bookings/{request_.pk}/" in digest.body
    assert "Decide by: Thursday 7 January 2027, 08:00" in digest.body
    assert "/manage/requests/" in digest.body
    venue.refresh_from_db()
    assert venue.requests_reminded_on == morning.date()
    with django_capture_on_commit_callbacks(execute=True):
        assert len(remind_managers(now=morning + timedelta(days=1))) == 1
    assert len(mail.outbox) == 2


def test_no_digest_when_nothing_is_waiting(room, member, manager, hall):
    book(room, member)
    assert remind_managers(now=NOW) == []
    assert mail.outbox == []
