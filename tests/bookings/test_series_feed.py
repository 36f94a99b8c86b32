"""A series in a feed: one VEVENT per occurrence (the per-booking UIDs), read alike by ical.js and
icalendar across both clock changes."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Series
from bookings.series import book_series, new_series, preview_series
from feeds.models import FeedToken
from tests.feeds.conftest import ical_js, icalendar_events, iso, js_instants, uid_of

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 1, 9, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _book(room, member, starts_on: dt.date, count: int) -> Series:
    def make() -> Series:
        return new_series(
            space=room,
            booker=member,
            starts_on=starts_on,
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=count,
            title="Choir",
        )

    preview = preview_series(series=make(), now=NOW)
    return book_series(series=make(), expected=preview.fingerprint(), now=NOW).series


def test_a_series_feed_reads_the_same_in_ical_js_and_icalendar_across_both_clock_changes(
    client, clock, member, room
):
    spring = _book(room, member, dt.date(2026, 3, 17), 4)  # the clocks go forward on 29 March
    autumn = _book(room, member, dt.date(2026, 10, 13), 4)  # and back on 25 October
    bookings = list(spring.bookings.all()) + list(autumn.bookings.all())
    token = FeedToken.objects.create(owner=member, scope=FeedToken.Scope.MEMBER)
    body = client.get(reverse("feeds:token_feed", kwargs={"token": token.token})).content

    expected = {uid_of(b): (iso(b.starts_at), iso(b.ends_at), "CONFIRMED") for b in bookings}
    assert len(expected) == 8
    assert js_instants(ical_js(body)) == expected
    events = icalendar_events(body)
    assert {
        uid: (iso(e.start), iso(e.end), str(e["STATUS"])) for uid, e in events.items()
    } == expected
    # Every date at 10:00 on the venue's wall clock, whichever side of the change it falls.
    assert {e.start.astimezone(LONDON).time() for e in events.values()} == {time(10)}
    assert sorted({e.start.astimezone(UTC).hour for e in events.values()}) == [9, 10]
    assert "RRULE" not in body.decode()
