"""Booking a series: every date through request_booking's rules, one transaction, clashes reported."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from schedule.models import Event

from bookings.models import Booking, Series
from bookings.rules import BookingError
from bookings.series import SeriesChanged, book_series, new_series, preview_series
from memberships.models import Allowance, Plan
from memberships.services import grant_membership
from tests.conftest import NOW
from tests.factories import BookingFactory, ClosureFactory

from .conftest import assert_readable

# Tuesdays from 5 January 2027 (GMT: local time == UTC), 10:00–12:00.
TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]


@pytest.fixture
def series(room, member):
    def _make(**kwargs) -> Series:
        kwargs.setdefault("starts_on", dt.date(2027, 1, 5))
        kwargs.setdefault("start_time", time(10))
        kwargs.setdefault("duration", timedelta(hours=2))
        kwargs.setdefault("frequency", Series.Frequency.WEEKLY)
        kwargs.setdefault("count", 10)
        kwargs.setdefault("space", room)
        return new_series(booker=member, title="Food bank", **kwargs)

    return _make


def _counts():
    return (Booking.objects.count(), Series.objects.count(), Event.objects.count())


def test_the_preview_gives_each_date_its_state_and_writes_nothing(series, room, other_member):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[2])
    ClosureFactory(
        venue=room.venue,
        starts_at=TUESDAYS[5] - timedelta(hours=1),
        ends_at=TUESDAYS[5] + timedelta(hours=5),
        reason="Roof repair",
    )
    before = _counts()
    outcome = preview_series(series=series(), now=NOW)
    assert _counts() == before
    assert [d.starts_at for d in outcome.dates] == TUESDAYS
    assert [d.free for d in outcome.dates] == [True] * 2 + [False] + [True] * 2 + [False] + [
        True
    ] * 4
    taken, closed = outcome.skipped
    assert "already booked" in taken.reason
    assert "closed then (Roof repair)" in closed.reason
    for date in outcome.skipped:
        assert_readable(date.reason)
    assert outcome.series.pk is None


def test_booking_the_free_dates_books_each_as_its_own_row_and_skips_the_rest(
    series, room, other_member
):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[2])
    preview = preview_series(series=series(), now=NOW)
    outcome = book_series(series=series(), expected=preview.fingerprint(), now=NOW)
    saved = Series.objects.get()
    rows = list(saved.bookings.order_by("starts_at"))
    assert [b.starts_at for b in rows] == TUESDAYS[:2] + TUESDAYS[3:]
    assert {b.status for b in rows} == {Booking.Status.CONFIRMED}
    assert all(b.event is not None for b in rows)
    assert saved.event is not None and saved.event.rule.params == "interval:1;count:10"
    assert len(outcome.skipped) == 1
    # One email for the whole series, listing the skipped date.
    assert len(mail.outbox) == 0  # sent on commit


def test_the_series_email_is_one_message_with_the_skipped_dates(
    series, room, other_member, django_capture_on_commit_callbacks
):
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[2])
    preview = preview_series(series=series(), now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        book_series(series=series(), expected=preview.fingerprint(), now=NOW)
    (message,) = mail.outbox
    assert message.subject.endswith("Series booked: Food bank, 9 dates")
    assert "Skipped (1 date, not booked):" in message.body
    assert "Tue 19 Jan 2027, 10:00: Meeting room is already booked then." in message.body


def test_a_date_taken_since_the_preview_books_nothing_and_shows_the_dates_again(
    series, room, other_member
):
    preview = preview_series(series=series(), now=NOW)
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[7])
    before = _counts()
    with pytest.raises(SeriesChanged) as changed:
        book_series(series=series(), expected=preview.fingerprint(), now=NOW)
    assert _counts() == before
    assert not changed.value.outcome.dates[7].free


def test_a_failure_on_any_date_rolls_the_whole_series_back(series, monkeypatch):
    from bookings import series as series_module

    calls = []
    real = series_module.request_booking

    def failing(**kwargs):
        calls.append(kwargs)
        if len(calls) == 4:
            raise RuntimeError("the disk is full")
        return real(**kwargs)

    preview = preview_series(series=series(), now=NOW)
    monkeypatch.setattr(series_module, "request_booking", failing)
    before = _counts()
    with pytest.raises(RuntimeError):
        book_series(series=series(), expected=preview.fingerprint(), now=NOW)
    assert _counts() == before


def test_dates_beyond_the_horizon_are_listed_and_not_booked(series, room):
    room.horizon = timedelta(days=30)
    room.save()
    outcome = preview_series(series=series(), now=NOW)
    # Up to 3 February 08:00: the Tuesdays to 2 February fit.
    assert [d.free for d in outcome.dates] == [True] * 5 + [False] * 5
    assert "up to 30 days ahead" in outcome.dates[5].reason


def test_a_series_entirely_beyond_the_horizon_books_nothing(series, room):
    room.horizon = timedelta(days=1)
    room.save()
    preview = preview_series(series=series(), now=NOW)
    assert not preview.free
    with pytest.raises(BookingError, match="None of these dates is free"):
        book_series(series=series(), expected=preview.fingerprint(), now=NOW)
    assert not Series.objects.exists()


def test_dates_outside_opening_hours_are_listed_with_why(series):
    outcome = preview_series(series=series(start_time=time(16)), now=NOW)
    assert not outcome.free
    assert "not open for all of that time" in outcome.dates[0].reason


def test_a_series_starting_in_the_past_is_refused(series):
    with pytest.raises(BookingError, match="already passed") as refused:
        preview_series(series=series(starts_on=dt.date(2027, 1, 4), start_time=time(7)), now=NOW)
    assert refused.value.field == "starts_on"


def test_the_series_uses_the_allowance_date_by_date(series, room, member):
    plan = Plan.objects.create(
        venue=room.venue, name="Room hours", space_kinds=[room.kind], booking_window=timedelta(365)
    )
    Allowance.objects.create(plan=plan, kind=room.kind, hours_per_month=Decimal(5))
    membership = grant_membership(plan=plan, member=member, starts_on=dt.date(2027, 1, 1))
    outcome = preview_series(series=series(), membership=membership, now=NOW)
    # Five hours a month: two 2-hour dates fit in January, the third does not; February renews.
    january = [d for d in outcome.dates if d.starts_at.month == 1]
    assert [d.free for d in january] == [True, True, False, False]
    assert "left in January" in january[2].reason
    assert [d.free for d in outcome.dates if d.starts_at.month == 2][:3] == [True, True, False]
