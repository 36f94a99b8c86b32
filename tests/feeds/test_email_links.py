"""Every email the site sends about bookings: a plain-text body, and links to the site built from
SITE_URL (its scheme, host and port), never a hard-coded address."""

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings

from bookings import emails
from bookings.checkin import release_no_shows
from bookings.expiry import expire_requests
from bookings.models import Series
from bookings.recurrence import planned_dates
from bookings.reminders import remind_managers, send_reminders
from bookings.series import (
    Scope,
    book_series,
    cancel_series,
    decide_series,
    new_series,
    preview_series,
)
from bookings.series_edit import Change, change_series
from bookings.series_mail import series_ended_unconfirmed, series_term_ask
from bookings.services import (
    approve_booking,
    cancel_booking,
    decline_booking,
    move_booking,
    request_booking,
)
from bookings.waitlists import join_waitlist
from feeds.imports import import_upload
from spaces.models import CalendarImport
from tests.conftest import NOW
from tests.factories import SpaceFactory

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "bookings" / "email"
SITE = "https://book.example.org:8443"
LINK = re.compile(r"\b(?:https?|webcal)://[^\s>]+")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@override_settings(SITE_URL=SITE)
def test_every_booking_email_is_plain_text_and_links_to_site_url(
    member, manager, venue, room, monkeypatch, django_capture_on_commit_callbacks
):
    rendered: set[str] = set()
    render = emails.render_to_string

    def recording(name, context):
        rendered.add(Path(name).name)
        return render(name, context)

    monkeypatch.setattr(emails, "render_to_string", recording)
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    day = utc(2027, 1, 5)

    def book(space, hour, title):
        return request_booking(
            booker=member,
            space=space,
            starts_at=day + timedelta(hours=hour),
            ends_at=day + timedelta(hours=hour + 1),
            title=title,
            now=NOW,
        )

    with django_capture_on_commit_callbacks(execute=True):
        approve_booking(booking=book(hall, 10, "Approved one"), by=manager, now=NOW)
        decline_booking(booking=book(hall, 12, "Declined one"), by=manager, reason="Full", now=NOW)
        moving = book(room, 10, "Moved one")
        moving = move_booking(
            booking=moving,
            by=member,
            starts_at=day.replace(hour=14),
            ends_at=day.replace(hour=15),
            now=NOW,
        )
        cancel_booking(booking=moving, by=member, now=NOW)
        book(room, 16, "Clashing one")
        # A waiting list's offer, when the time it waits for is cancelled.
        freed = book(room, 12, "Freed one")
        join_waitlist(
            member=manager,
            space=room,
            starts_at=day.replace(hour=12),
            ends_at=day.replace(hour=13),
            title="Waiting for it",
            now=NOW,
        )
        cancel_booking(booking=freed, by=member, now=NOW)
        source = CalendarImport.objects.create(venue=venue, name="Parish")
        ics = (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
            "DTSTAMP:20261201T000000Z\r\nSUMMARY:Wake\r\nDTSTART:20270105T160000Z\r\n"
            "DTEND:20270105T170000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        )
        assert import_upload(source, ics.encode(), now=NOW).clashes == 1
        # The periodic jobs' emails: a request that expires, a reminder, the managers' digest.
        book(hall, 15, "Waiting one")
        expiring = book(hall, 9, "Expiring one")
        assert expire_requests(now=expiring.expires_at) == [expiring]
        assert send_reminders(now=day) >= 1
        assert remind_managers(now=NOW)
        # A desk booking nobody checked in to, released as a no-show.
        desks = SpaceFactory(venue=venue, name="Desks", slug="desks", seats=4, capacity=4)
        desks.grace_period = timedelta(minutes=20)
        desks.save()
        missed = book(desks, 13, "Missed one")
        assert release_no_shows(now=missed.starts_at + timedelta(minutes=20)) == [missed]

        # A series needing approval: one email to the booker, one to the managers.
        def weekly():
            return new_series(
                space=hall,
                booker=member,
                starts_on=date(2027, 1, 12),
                start_time=time(11),
                duration=timedelta(hours=1),
                frequency="weekly",
                count=3,
                title="Choir",
            )

        expected = preview_series(series=weekly(), now=NOW).fingerprint()
        choir = book_series(series=weekly(), expected=expected, now=NOW).series
        # One email per decision of a series, and per cancellation of its dates.
        first, *_others = choir.bookings.order_by("starts_at")
        decide_series(series=choir, by=manager, approve=[first.pk], reason="Hall repairs", now=NOW)
        cancel_series(booking=first, by=member, scope=Scope.ALL, now=NOW)
        # A series re-confirmed each term: its organiser is asked to keep the next dates.
        Series.objects.filter(pk=choir.pk).update(
            reconfirm_every=4, confirm_by=NOW + timedelta(days=7)
        )
        series_term_ask(choir)
        # Unanswered by the deadline: the organiser and the managers are told what was let go.
        series_ended_unconfirmed(choir, planned_dates(choir)[1:])
        # A series changed by its booker: one email each way.
        expected = preview_series(series=weekly(), now=NOW).fingerprint()
        again = book_series(series=weekly(), expected=expected, now=NOW).series
        change_series(
            booking=again.bookings.order_by("starts_at").first(),
            by=member,
            scope=Scope.ALL,
            change=Change(
                start_time=time(13), duration=timedelta(hours=1), space=hall, title="Choir"
            ),
            expected="",
            now=NOW,
        )

    every_template = {path.name for path in EMAIL_TEMPLATES.glob("*.txt")}
    assert rendered == {name for name in every_template if not name.startswith("_")}
    assert len(mail.outbox) >= 12
    for message in mail.outbox:
        sent = message.message()
        first_text = next(part for part in sent.walk() if not part.is_multipart())
        assert first_text.get_content_type() == "text/plain", message.subject
        assert "<html" not in message.body.lower() and "&#x27;" not in message.body
        links = LINK.findall(message.body)
        assert links, f"{message.subject} has no link to the booking"
        assert all(link.startswith(SITE + "/") for link in links), (message.subject, links)


@pytest.mark.parametrize("path", sorted(EMAIL_TEMPLATES.glob("*.txt")), ids=lambda p: p.name)
def test_email_templates_hold_no_hard_coded_address(path):
    text = path.read_text()
    assert not re.search(r"https?://|127\.0\.0\.1|localhost|:8000", text)
