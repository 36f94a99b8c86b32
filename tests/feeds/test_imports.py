from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from bookings.services import BookingError, request_booking
from feeds import imports
from feeds.imports import MAX_BYTES, import_calendar, import_upload
from spaces.intervals import Interval
from spaces.models import CalendarImport, Unavailability
from spaces.open_hours import closed_times
from tests.conftest import NOW
from tests.factories import SpaceFactory

# Sunday services at 10:00–12:00 London time from 3 January 2027, weekly until 11 April
# (after the clocks go forward on 28 March, so the last ones are 09:00–11:00 UTC).
# 17 January is cancelled (EXDATE); 24 January's moved to 14:00–15:00 (RECURRENCE-ID).
SERVICES = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//St Luke's//Parish calendar//EN\r
BEGIN:VEVENT\r
UID:sunday-service@stlukes.example\r
DTSTAMP:20261201T000000Z\r
SUMMARY:Sunday service (private pastoral note)\r
DTSTART;TZID=Europe/London:20270103T100000\r
DTEND;TZID=Europe/London:20270103T120000\r
RRULE:FREQ=WEEKLY;BYDAY=SU;UNTIL=20270411T090000Z\r
EXDATE;TZID=Europe/London:20270117T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:sunday-service@stlukes.example\r
DTSTAMP:20261201T000000Z\r
RECURRENCE-ID;TZID=Europe/London:20270124T100000\r
SUMMARY:Sunday service (afternoon)\r
DTSTART;TZID=Europe/London:20270124T140000\r
DTEND;TZID=Europe/London:20270124T150000\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:cancelled@stlukes.example\r
DTSTAMP:20261201T000000Z\r
SUMMARY:Cancelled event\r
STATUS:CANCELLED\r
DTSTART:20270105T100000Z\r
DTEND:20270105T110000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:free@stlukes.example\r
DTSTAMP:20261201T000000Z\r
SUMMARY:Just a note\r
TRANSP:TRANSPARENT\r
DTSTART:20270106T100000Z\r
DTEND:20270106T110000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def source(venue):
    return CalendarImport.objects.create(venue=venue, name="Church services")


def blocks(source) -> list[tuple[datetime, datetime]]:
    return list(
        Unavailability.objects.filter(source=source)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def book(member, room, start: datetime, hours: int = 1):
    return request_booking(
        booker=member,
        space=room,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        title="Choir",
        now=NOW,
    )


def test_an_upload_expands_rrule_exdate_and_recurrence_id_into_exactly_those_times(source):
    result = import_upload(source, SERVICES.encode(), now=NOW)
    assert result.ok and result.blocks == 14
    times = blocks(source)
    assert (utc(2027, 1, 3, 10), utc(2027, 1, 3, 12)) in times
    assert (utc(2027, 1, 10, 10), utc(2027, 1, 10, 12)) in times
    assert not any(start.date() == utc(2027, 1, 17).date() for start, _end in times)  # EXDATE
    assert (utc(2027, 1, 24, 14), utc(2027, 1, 24, 15)) in times  # moved
    assert (utc(2027, 1, 24, 10), utc(2027, 1, 24, 12)) not in times
    # After the clocks go forward, 10:00 in London is 09:00 UTC.
    assert (utc(2027, 3, 21, 10), utc(2027, 3, 21, 12)) in times
    assert (utc(2027, 3, 28, 9), utc(2027, 3, 28, 11)) in times
    assert (utc(2027, 4, 11, 9), utc(2027, 4, 11, 11)) in times
    assert len(times) == len(set(times))
    source.refresh_from_db()
    assert (
        source.last_error == ""
        and source.last_success_at == NOW
        and source.uploaded_ics == SERVICES
    )


def test_imported_times_block_bookings_and_free_exactly_the_exceptions(source, member, room):
    import_upload(source, SERVICES.encode(), now=NOW)
    with pytest.raises(BookingError, match="closed then"):
        book(member, room, utc(2027, 1, 10, 11))
    with pytest.raises(BookingError):
        book(member, room, utc(2027, 1, 24, 14))  # the moved service
    with pytest.raises(BookingError):
        book(member, room, utc(2027, 3, 28, 10))  # 11:00 BST, inside the service
    assert book(member, room, utc(2027, 1, 17, 10), hours=2).status == "confirmed"  # EXDATE'd
    assert book(member, room, utc(2027, 1, 24, 10), hours=2).status == "confirmed"  # moved away
    assert book(member, room, utc(2027, 1, 10, 12)).status == "confirmed"  # right after: half-open
    assert book(member, room, utc(2027, 1, 5, 10)).status == "confirmed"  # cancelled event
    assert book(member, room, utc(2027, 1, 6, 10)).status == "confirmed"  # transparent event


def test_imported_times_show_as_the_sources_name_not_the_events_text(source, room):
    import_upload(source, SERVICES.encode(), now=NOW)
    reasons = {b.reason for b in closed_times(room, Interval(NOW, NOW + timedelta(days=30)))}
    assert reasons == {"Church services"}
    assert not Unavailability.objects.filter(summary__contains="pastoral").exists()


def test_a_source_for_one_space_blocks_only_that_space(venue, member, room):
    other = SpaceFactory(venue=venue, name="Studio", slug="studio")
    source = CalendarImport.objects.create(venue=venue, space=other, name="Studio hire")
    import_upload(source, SERVICES.encode(), now=NOW)
    assert book(member, room, utc(2027, 1, 10, 10)).status == "confirmed"
    with pytest.raises(BookingError):
        book(member, other, utc(2027, 1, 10, 10))


def test_a_new_import_replaces_the_old_rows(source):
    import_upload(source, SERVICES.encode(), now=NOW)
    one = SERVICES.replace("UNTIL=20270411T090000Z", "COUNT=1")
    assert import_upload(source, one.encode(), now=NOW).ok
    assert blocks(source) == [
        (utc(2027, 1, 3, 10), utc(2027, 1, 3, 12)),
        (utc(2027, 1, 24, 14), utc(2027, 1, 24, 15)),
    ]


def test_all_day_and_floating_events_are_read_in_the_venues_zone(source):
    text = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n"
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261201T000000Z\r\nDTSTART;VALUE=DATE:20270601\r\nDTEND;VALUE=DATE:20270602\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20261201T000000Z\r\nDTSTART:20270602T100000\r\nDTEND:20270602T110000\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n"
    )
    assert import_upload(source, text.encode(), now=NOW).ok
    assert blocks(source) == [
        (utc(2027, 5, 31, 23), utc(2027, 6, 1, 23)),
        (utc(2027, 6, 2, 9), utc(2027, 6, 2, 10)),
    ]


# --- Hostile and broken input: an error is recorded and nothing else changes ----------------------

HOSTILE = {
    "garbage": b"\x00\x01 this is not a calendar at all",
    "not utf-8": b"BEGIN:VCALENDAR\r\n\xff\xfe\r\nEND:VCALENDAR\r\n",
    "no calendar": b"BEGIN:VEVENT\r\nEND:VEVENT\r\n",
    "invalid date": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261201T000000Z\r\n"
        b"DTSTART:20271345T250000Z\r\nDTEND:20271346T260000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "every minute": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261201T000000Z\r\n"
        b"DTSTART:20270105T100000Z\r\nDTEND:20270105T100100Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "every ten minutes of every day": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261201T000000Z\r\n"
        b"DTSTART:20270105T100000Z\r\nDTEND:20270105T100100Z\r\nRRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12\r\n"
        b" ,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,10,20,30,40,50\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "hourly forever": (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20261201T000000Z\r\n"
        b"DTSTART:20270105T100000Z\r\nDTEND:20270105T103000Z\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20261201T000000Z\r\n"
        b"DTSTART:20270105T100000Z\r\nDTEND:20270105T103000Z\r\nRRULE:FREQ=HOURLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ),
    "deeply nested": b"BEGIN:VCALENDAR\r\n"
    + b"BEGIN:VEVENT\r\n" * 50
    + b"END:VEVENT\r\n" * 50
    + b"END:VCALENDAR\r\n",
    "thousands of events": b"BEGIN:VCALENDAR\r\n"
    + (b"BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270105T100000Z\r\nEND:VEVENT\r\n" * 6000)
    + b"END:VCALENDAR\r\n",
    "oversize": b"BEGIN:VCALENDAR\r\n"
    + b"X-PADDING:"
    + b"a" * MAX_BYTES
    + b"\r\nEND:VCALENDAR\r\n",
}


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_upload_records_an_error_and_keeps_the_last_good_copy(source, name):
    import_upload(source, SERVICES.encode(), now=NOW)
    before = blocks(source)
    result = import_upload(source, HOSTILE[name], now=NOW + timedelta(hours=1))
    assert not result.ok
    source.refresh_from_db()
    assert source.last_error == result.error and len(result.error) > 10
    assert source.last_good_ics == SERVICES and source.uploaded_ics == SERVICES
    assert source.last_success_at == NOW and source.last_fetched_at == NOW + timedelta(hours=1)
    assert blocks(source) == before


@pytest.mark.parametrize(
    "url, message",
    [
        ("http://calendar.example.org/feed.ics", "Only https://"),
        ("ftp://calendar.example.org/feed.ics", "Only https://"),
        ("https://127.0.0.1/feed.ics", "private or local"),
        ("https://localhost/feed.ics", "private or local"),
        ("https://10.1.2.3/feed.ics", "private or local"),
        ("https://192.168.1.1/feed.ics", "private or local"),
        ("https://169.254.169.254/latest/meta-data", "private or local"),
        ("https://[::1]/feed.ics", "private or local"),
        ("https://[::ffff:127.0.0.1]/feed.ics", "private or local"),
        ("https://0.0.0.0/feed.ics", "private or local"),
        ("https://user:secret@calendar.example.org/feed.ics", "password"),
    ],
)
def test_unsafe_addresses_are_refused_before_any_connection(source, monkeypatch, url, message):
    def no_connection(*args, **kwargs):
        raise AssertionError("must not connect")

    monkeypatch.setattr(imports, "_get", no_connection)
    source.url = url
    source.save()
    result = import_calendar(source, now=NOW)
    assert not result.ok and message in result.error
    assert not Unavailability.objects.exists()


class FakeResponse:
    def __init__(self, status=200, body=b"", headers=None):
        self.status, self._body, self._headers = status, body, headers or {}

    def getheader(self, name, default=None):
        return self._headers.get(name, default)

    def read(self, size=-1):
        chunk, self._body = (
            (self._body, b"") if size < 0 else (self._body[:size], self._body[size:])
        )
        return chunk


@pytest.fixture
def public_dns(monkeypatch):
    monkeypatch.setattr(imports, "_public_addresses", lambda host, port: ["93.184.215.14"])


@pytest.fixture
def url_source(venue):
    return CalendarImport.objects.create(
        venue=venue, name="Parish", url="https://parish.example.org/calendar.ics"
    )


def serve(monkeypatch, *responses):
    calls = []
    queue = list(responses)

    def fake_get(host, port, path, address, timeout):
        calls.append((host, port, path, address))
        return queue.pop(0)

    monkeypatch.setattr(imports, "_get", fake_get)
    return calls


def test_an_https_source_is_fetched_and_imported(url_source, public_dns, monkeypatch):
    calls = serve(monkeypatch, FakeResponse(body=SERVICES.encode()))
    assert import_calendar(url_source, now=NOW).ok
    assert calls == [("parish.example.org", 443, "/calendar.ics", "93.184.215.14")]
    assert len(blocks(url_source)) == 14


def test_redirects_are_followed_only_to_https(url_source, public_dns, monkeypatch):
    serve(
        monkeypatch, FakeResponse(302, headers={"Location": "http://parish.example.org/plain.ics"})
    )
    result = import_calendar(url_source, now=NOW)
    assert not result.ok and "Only https://" in result.error
    serve(
        monkeypatch,
        FakeResponse(301, headers={"Location": "/moved.ics"}),
        FakeResponse(body=SERVICES.encode()),
    )
    assert import_calendar(url_source, now=NOW).ok


def test_a_redirect_to_a_private_address_is_refused(url_source, monkeypatch):
    real = imports._public_addresses
    monkeypatch.setattr(
        imports,
        "_public_addresses",
        lambda host, port: ["93.184.215.14"] if host == "parish.example.org" else real(host, port),
    )
    serve(monkeypatch, FakeResponse(302, headers={"Location": "https://127.0.0.1/admin"}))
    result = import_calendar(url_source, now=NOW)
    assert not result.ok and "private or local" in result.error


def test_an_oversize_or_failing_fetch_keeps_the_last_good_copy(url_source, public_dns, monkeypatch):
    serve(monkeypatch, FakeResponse(body=SERVICES.encode()))
    import_calendar(url_source, now=NOW)
    before = blocks(url_source)
    serve(monkeypatch, FakeResponse(body=b"BEGIN:VCALENDAR\r\n" + b"x" * (MAX_BYTES + 10)))
    assert "larger than 2 MB" in import_calendar(url_source, now=NOW).error
    serve(monkeypatch, FakeResponse(headers={"Content-Length": str(MAX_BYTES * 10)}))
    assert "larger than 2 MB" in import_calendar(url_source, now=NOW).error
    serve(monkeypatch, FakeResponse(500))
    assert "answered 500" in import_calendar(url_source, now=NOW).error
    serve(monkeypatch, FakeResponse(body=b"x", headers={"Content-Encoding": "gzip"}))
    assert "compressed" in import_calendar(url_source, now=NOW).error
    serve(monkeypatch, *[FakeResponse(302, headers={"Location": "/again"})] * 5)
    assert "redirects too many times" in import_calendar(url_source, now=NOW).error

    def timeout(*args, **kwargs):
        raise TimeoutError("timed out")

    monkeypatch.setattr(imports, "_get", timeout)
    assert "Could not fetch" in import_calendar(url_source, now=NOW).error
    url_source.refresh_from_db()
    assert url_source.last_good_ics == SERVICES
    assert blocks(url_source) == before


def test_fetch_calendars_command_imports_every_source(
    url_source, source, public_dns, monkeypatch, capsys
):
    source.uploaded_ics = source.last_good_ics = SERVICES
    source.save()
    serve(monkeypatch, FakeResponse(500))
    call_command("fetch_calendars")
    url_source.refresh_from_db()
    assert "answered 500" in url_source.last_error
    assert len(blocks(source)) > 0
    assert "1 failed" in capsys.readouterr().out


def test_fetch_calendars_run_twice_fetches_each_source_once(
    url_source, public_dns, monkeypatch, capsys
):
    calls = []

    def fetch(url):
        calls.append(url)
        return SERVICES

    monkeypatch.setattr(imports, "fetch_ics", fetch)
    call_command("fetch_calendars")
    call_command("fetch_calendars")  # another machine's cron, a minute later
    assert calls == [url_source.url]
    assert "fetched recently, skipped" in capsys.readouterr().out
    call_command("fetch_calendars", "--every", "0")
    assert len(calls) == 2


# --- The manager's page -------------------------------------------------------------------------


def test_a_manager_uploads_a_calendar_from_the_venue_page(client, manager, venue, frozen_now):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("services.ics", SERVICES.encode(), content_type="text/calendar")
    response = client.post(url, {"name": "Church services", "file": upload}, follow=True)
    assert "Church services imported: 14 busy times." in response.content.decode()
    assert Unavailability.objects.count() == 14


def test_the_venue_page_refuses_an_http_address_and_saves_nothing(client, manager, venue):
    client.force_login(manager)
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    response = client.post(url, {"name": "Parish", "url": "http://parish.example.org/c.ics"})
    assert response.status_code == 200
    assert "Only https:// addresses can be fetched." in response.content.decode()
    response = client.post(url, {"name": "Parish"})
    assert "Give either an https address or a file" in response.content.decode()
    assert not CalendarImport.objects.exists()


def test_a_failed_first_import_is_a_form_error_and_saves_nothing(client, manager, venue):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    upload = SimpleUploadedFile("junk.ics", b"junk", content_type="text/calendar")
    response = client.post(url, {"name": "Junk", "file": upload})
    assert response.status_code == 200
    assert "This is not an iCalendar file" in response.content.decode()
    response = client.post(url, {"name": "Parish", "url": "https://127.0.0.1/calendar.ics"})
    assert "private or local" in response.content.decode()
    assert not CalendarImport.objects.exists()
    assert not Unavailability.objects.exists()


def test_only_the_venues_managers_see_its_calendars_page(client, member, venue, source):
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("feeds:delete_calendar", kwargs={"pk": source.pk})).status_code == 404
    )
    assert (
        client.post(reverse("feeds:refresh_calendar", kwargs={"pk": source.pk})).status_code == 404
    )
    assert CalendarImport.objects.filter(pk=source.pk).exists()


def test_removing_a_source_frees_its_times(client, manager, source):
    import_upload(source, SERVICES.encode(), now=NOW)
    client.force_login(manager)
    assert client.get(reverse("feeds:delete_calendar", kwargs={"pk": source.pk})).status_code == 405
    client.post(reverse("feeds:delete_calendar", kwargs={"pk": source.pk}))
    assert not Unavailability.objects.exists()


def test_managers_find_the_imports_page_from_their_feeds_page(client, manager, member, venue):
    client.force_login(manager)
    link = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    assert link in client.get(reverse("feeds:mine")).content.decode()
    client.force_login(member)
    assert link not in client.get(reverse("feeds:mine")).content.decode()


# A NUL byte inside an otherwise good calendar: PostgreSQL cannot store it in a text column.
WITH_NUL = SERVICES.replace("SUMMARY:Just a note", "SUMMARY:Just a\x00note").encode()


def test_an_upload_holding_a_nul_byte_records_an_error_and_keeps_the_last_good_copy(source):
    import_upload(source, SERVICES.encode(), now=NOW)
    before = blocks(source)

    result = import_upload(source, WITH_NUL, now=NOW + timedelta(hours=1))

    assert not result.ok and "NUL character" in result.error
    source.refresh_from_db()
    assert source.last_error == result.error
    assert source.last_good_ics == SERVICES and source.uploaded_ics == SERVICES
    assert blocks(source) == before


def test_a_fetched_calendar_holding_a_nul_byte_records_an_error_and_keeps_the_last_good_copy(
    url_source, public_dns, monkeypatch
):
    serve(monkeypatch, FakeResponse(body=SERVICES.encode()))
    import_calendar(url_source, now=NOW)
    before = blocks(url_source)
    serve(monkeypatch, FakeResponse(body=WITH_NUL))

    result = import_calendar(url_source, now=NOW + timedelta(hours=1))

    assert not result.ok and "NUL character" in result.error
    url_source.refresh_from_db()
    assert url_source.last_error == result.error and url_source.last_good_ics == SERVICES
    assert blocks(url_source) == before


def test_the_venue_page_refuses_a_file_holding_a_nul_byte_and_saves_nothing(
    client, manager, venue, source
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(manager)
    url = reverse("feeds:venue_calendars", kwargs={"venue_slug": venue.slug})
    upload = SimpleUploadedFile("nul.ics", WITH_NUL, content_type="text/calendar")
    response = client.post(url, {"name": "Nul", "file": upload})
    assert response.status_code == 200
    assert "NUL character" in response.content.decode()
    assert list(CalendarImport.objects.all()) == [source]

    upload = SimpleUploadedFile("nul.ics", WITH_NUL, content_type="text/calendar")
    response = client.post(
        reverse("feeds:refresh_calendar", kwargs={"pk": source.pk}), {"file": upload}, follow=True
    )
    assert "NUL character" in response.content.decode()
    source.refresh_from_db()
    assert "NUL character" in source.last_error and source.uploaded_ics == ""
    assert not Unavailability.objects.exists()
