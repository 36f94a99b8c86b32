"""An imported calendar over an active booking: the venue's managers get the list of bookings that
now clash, each booker hears that the venue has another event then and a manager will be in touch,
and nothing is cancelled. Only clashes new with this import, and only bookings yet to start.

NOW is Monday 4 January 2027, 08:00 UTC; London is on GMT, so local times are UTC."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from bookings.models import Booking
from bookings.services import cancel_booking, request_booking
from feeds.imports import import_calendar, import_upload
from spaces.models import CalendarImport
from tests.conftest import NOW
from tests.factories import MemberFactory, SpaceFactory


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def calendar(*events: tuple[str, datetime, datetime]) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//St Luke's//Parish//EN"]
    for index, (summary, start, end) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:event-{index}@stlukes.example",
            "DTSTAMP:20261201T000000Z",
            f"SUMMARY:{summary}",
            f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
            f"DTEND:{end:%Y%m%dT%H%M%SZ}",
            "END:VEVENT",
        ]
    return ("\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n").encode()


FUNERAL = ("Funeral (the Smith family)", utc(2027, 1, 10, 10), utc(2027, 1, 10, 12))


@pytest.fixture
def source(venue):
    return CalendarImport.objects.create(venue=venue, name="Church services")


@pytest.fixture
def booking(member, room):
    return request_booking(
        booker=member,
        space=room,
        starts_at=utc(2027, 1, 10, 11),
        ends_at=utc(2027, 1, 10, 13),
        title="Choir practice",
        now=NOW,
    )


@pytest.fixture
def upload(source, django_capture_on_commit_callbacks):
    """Import the events into `source` and return the emails it sent."""

    def _upload(*events, now=NOW, into=None):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = import_upload(into or source, calendar(*events), now=now)
        assert result.ok, result.error
        return list(mail.outbox)

    return _upload


@override_settings(SITE_URL="https://book.example.org")
def test_managers_and_the_booker_are_emailed_once_and_the_booking_stands(
    upload, booking, member, manager
):
    sent = upload(FUNERAL)
    assert sorted(message.to[0] for message in sent) == [member.email, manager.email]
    (to_managers,) = [m for m in sent if m.to == [manager.email]]
    (to_booker,) = [m for m in sent if m.to == [member.email]]

    assert to_managers.subject == "[Commonshare] Church services now clashes with 1 booking"
    body = to_managers.body
    assert "Space: Meeting room" in body
    assert "When: Sunday 10 January 2027, 11:00 – 13:00 (Europe/London)" in body
    assert "Booked by: Fay Freelancer <freelancer@example.org>" in body
    assert "What: Choir practice (Confirmed)" in body
    assert "Imported event: Funeral (the Smith family)" in body
    assert f"https://book.example.org/bookings/{booking.pk}/" in body
    assert "have not been cancelled" in body

    assert to_booker.subject == "[Commonshare] About your booking: Choir practice"
    body = to_booker.body
    assert "St Luke's has another event at the time of your booking" in body
    assert "a venue manager will be in touch" in body
    assert f"https://book.example.org/bookings/{booking.pk}/" in body
    # The venue's own calendar text is for its managers, not for members.
    assert "Smith" not in body and "Church services" not in body

    for message in sent:
        assert message.content_subtype == "plain" and message.attachments == []
        assert ":8000" not in message.body and "&#x27;" not in message.body
    booking.refresh_from_db()
    assert (booking.status, booking.sequence) == (Booking.Status.CONFIRMED, 0)


def test_a_re_import_of_the_same_calendar_emails_nobody_again(
    upload, source, booking, manager, django_capture_on_commit_callbacks
):
    assert len(upload(FUNERAL)) == 2
    assert upload(FUNERAL) == []
    # Nor does the hourly re-expansion of the stored copy.
    with django_capture_on_commit_callbacks(execute=True):
        assert import_calendar(source, refetch=False, now=NOW + timedelta(hours=1)).clashes == 0
        call_command("fetch_calendars")
    assert mail.outbox == []


def test_a_changed_calendar_emails_only_about_the_clashes_it_adds(
    upload, booking, member, other_member, room, manager
):
    later = request_booking(
        booker=other_member,
        space=room,
        starts_at=utc(2027, 1, 11, 9),
        ends_at=utc(2027, 1, 11, 10),
        title="Yoga",
        now=NOW,
    )
    upload(FUNERAL)
    sent = upload(FUNERAL, ("Wedding", utc(2027, 1, 11, 8), utc(2027, 1, 11, 18)))
    assert sorted(message.to[0] for message in sent) == [manager.email, other_member.email]
    (to_managers,) = [m for m in sent if m.to == [manager.email]]
    assert "What: Yoga" in to_managers.body and "Choir practice" not in to_managers.body
    assert "Imported event: Wedding" in to_managers.body
    assert later.title in [m for m in sent if m.to == [other_member.email]][0].subject


def test_one_email_to_the_managers_lists_every_new_clash(
    upload, booking, other_member, room, manager
):
    second_manager = MemberFactory(email="second@example.org")
    room.venue.managers.add(second_manager)
    request_booking(
        booker=other_member,
        space=room,
        starts_at=utc(2027, 1, 10, 9),
        ends_at=utc(2027, 1, 10, 10, 30),
        title="Breakfast club",
        now=NOW,
    )
    sent = upload(FUNERAL)
    (to_managers,) = [m for m in sent if manager.email in m.to]
    assert sorted(to_managers.to) == [manager.email, second_manager.email]
    assert to_managers.subject.endswith("Church services now clashes with 2 bookings")
    body = to_managers.body
    assert body.index("Breakfast club") < body.index("Choir practice")  # in time order
    assert len(sent) == 3


@pytest.mark.parametrize(
    "event",
    [
        ("Before", utc(2027, 1, 10, 9), utc(2027, 1, 10, 11)),  # ends as the booking starts
        ("After", utc(2027, 1, 10, 13), utc(2027, 1, 10, 15)),  # starts as it ends
        ("Another day", utc(2027, 1, 12, 10), utc(2027, 1, 12, 12)),
    ],
    ids=["right before", "right after", "another day"],
)
def test_an_import_that_does_not_overlap_a_booking_emails_nobody(upload, booking, manager, event):
    assert upload(event) == []


def test_a_booking_that_has_already_started_or_passed_emails_nobody(upload, booking, manager):
    assert upload(FUNERAL, now=utc(2027, 1, 10, 11)) == []  # it starts now
    assert upload(FUNERAL, now=utc(2027, 1, 20)) == []  # long past, still inside the window


def test_cancelled_bookings_and_other_spaces_are_left_alone(
    upload, venue, booking, member, manager
):
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    for_studio = CalendarImport.objects.create(venue=venue, space=studio, name="Studio hire")
    assert upload(FUNERAL, into=for_studio) == []
    cancel_booking(booking=booking, by=member, now=NOW)
    assert upload(FUNERAL) == []


def test_a_pending_request_under_the_import_is_a_clash_too(upload, venue, member, manager):
    hall = SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)
    request_ = request_booking(
        booker=member,
        space=hall,
        starts_at=utc(2027, 1, 10, 10),
        ends_at=utc(2027, 1, 10, 11),
        title="Jumble sale",
        now=NOW,
    )
    sent = upload(FUNERAL)
    (to_managers,) = [m for m in sent if m.to == [manager.email]]
    assert "What: Jumble sale (Awaiting approval)" in to_managers.body
    request_.refresh_from_db()
    assert request_.status == Booking.Status.PENDING


def test_the_venue_page_says_which_bookings_clash_after_an_upload(
    client, manager, member, venue, booking, frozen_now, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    upload = SimpleUploadedFile("parish.ics", calendar(FUNERAL), content_type="text/calendar")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Parish", "file": upload}, follow=True)
    page = response.content.decode()
    assert "1 booking now clashes with it" in page
    assert sorted(message.to[0] for message in mail.outbox) == [member.email, manager.email]


def test_a_failed_import_emails_nobody(
    source, booking, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert not import_upload(source, b"not a calendar", now=NOW).ok
    assert mail.outbox == []
