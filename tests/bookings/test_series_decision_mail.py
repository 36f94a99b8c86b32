"""One email per decision of a series (approve all or some, cancel the following or all), with
each date's own invitation: REQUEST for a date kept, CANCEL for one declined or cancelled."""

import datetime as dt
from datetime import time, timedelta

import pytest
from django.core import mail
from icalendar import Calendar

from bookings.models import Series
from bookings.series import (
    Scope,
    book_series,
    cancel_series,
    decide_series,
    new_series,
    preview_series,
)
from tests.conftest import NOW
from tests.factories import SpaceFactory


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Main hall", slug="main-hall", requires_approval=True)


def _series(space, member) -> Series:
    def make():
        return new_series(
            space=space,
            booker=member,
            title="Choir",
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=4,
        )

    fingerprint = preview_series(series=make(), now=NOW).fingerprint()
    return book_series(series=make(), expected=fingerprint, now=NOW).series


def _invitations(message) -> dict[str, str]:
    """UID -> METHOD of each attached date-N.ics."""
    found = {}
    for part in message.message().walk():
        if part.get_filename("").startswith("date-"):
            calendar = Calendar.from_ical(part.get_payload(decode=True))
            (event,) = calendar.walk("VEVENT")
            found[str(event["UID"])] = str(calendar["METHOD"])
    return found


def test_deciding_a_series_sends_the_booker_one_email_with_each_dates_invitation(
    hall, member, manager, django_capture_on_commit_callbacks
):
    series = _series(hall, member)
    dates = list(series.bookings.order_by("starts_at"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_series(
            series=series,
            by=manager,
            approve=[d.pk for d in dates[:3]],
            reason="Hall repairs",
            now=NOW,
        )
    (email,) = mail.outbox
    assert email.to == [member.email]
    assert "Hall repairs" in email.body and "3 dates approved" in email.subject
    methods = _invitations(email)
    uids = [d.uid for d in dates]
    assert len(methods) == 4
    assert [methods[next(k for k in methods if k.startswith(str(u)))] for u in uids] == [
        "REQUEST",
        "REQUEST",
        "REQUEST",
        "CANCEL",
    ]


def test_cancelling_the_following_dates_sends_one_email_each_way_with_the_cancels(
    room, member, manager, django_capture_on_commit_callbacks
):
    series = _series(room, member)
    dates = list(series.bookings.order_by("starts_at"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_series(
            booking=dates[1], by=member, scope=Scope.FOLLOWING, reason="Choir ends", now=NOW
        )
    booker_email, managers_email = sorted(mail.outbox, key=lambda m: m.to != [member.email])
    assert booker_email.to == [member.email] and "3 dates" in booker_email.subject
    assert set(_invitations(booker_email).values()) == {"CANCEL"}
    assert len(_invitations(booker_email)) == 3
    assert managers_email.to == [manager.email] and "Choir ends" in managers_email.body
    assert not _invitations(managers_email)
