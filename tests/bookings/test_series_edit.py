"""Changing this date and the following ones, or every date to come, of a series."""

import datetime as dt
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from schedule.models import Event, Rule

from bookings import recurrence
from bookings.models import Booking, Series
from bookings.rules import BookingError
from bookings.series import Scope, book_series, cancel_series, new_series, preview_series
from bookings.series_edit import Change, ChangeDiffers, change_series
from bookings.services import change_booking
from tests.conftest import NOW
from tests.factories import BookingFactory

from .conftest import assert_readable

TUESDAYS = [datetime(2027, 1, 5, 10, tzinfo=UTC) + timedelta(weeks=n) for n in range(10)]
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def booked(room, member):
    def _book(**kwargs) -> list[Booking]:
        kwargs.setdefault("starts_on", dt.date(2027, 1, 5))
        kwargs.setdefault("start_time", time(10))
        kwargs.setdefault("count", 10)

        def make():
            return new_series(
                space=room,
                booker=member,
                title="Food bank",
                duration=timedelta(hours=2),
                frequency=Series.Frequency.WEEKLY,
                **kwargs,
            )

        fingerprint = preview_series(series=make(), now=NOW).fingerprint()
        outcome = book_series(series=make(), expected=fingerprint, now=NOW)
        return [date.booking for date in outcome.free if date.booking]

    return _book


def _choir(room, hour: int = 14) -> Change:
    return Change(start_time=time(hour), duration=timedelta(hours=2), space=room, title="Choir")


def _rows():
    return list(Booking.objects.order_by("starts_at").values_list("starts_at", "title", "status"))


def test_this_and_following_splits_the_series_and_changes_the_later_dates(booked, room, member):
    dates = booked()
    before = _rows()
    preview = change_series(
        booking=dates[3], by=member, scope=Scope.FOLLOWING, change=_choir(room), now=NOW
    )
    assert _rows() == before and Series.objects.count() == 1
    assert all(date.changes for date in preview.dates) and len(preview.dates) == 7
    done = change_series(
        booking=dates[3],
        by=member,
        scope=Scope.FOLLOWING,
        change=_choir(room),
        expected=preview.fingerprint(),
        now=NOW,
    )
    rows = _rows()
    assert [r[0] for r in rows] == TUESDAYS[:3] + [t + timedelta(hours=4) for t in TUESDAYS[3:]]
    assert [r[1] for r in rows] == ["Food bank"] * 3 + ["Choir"] * 7
    old, new = Series.objects.order_by("pk")
    assert (old.count, new.count, new.start_time, new.title) == (3, 7, time(14), "Choir")
    assert new.pk == done.series.pk
    assert [o.starts_at for o in recurrence.planned_dates(old)] == TUESDAYS[:3]
    assert [o.starts_at for o in recurrence.planned_dates(new)] == [r[0] for r in rows[3:]]
    assert set(new.bookings.values_list("starts_at", flat=True)) == {r[0] for r in rows[3:]}
    # The old rule was written again: one Rule per series, no leftovers.
    assert Rule.objects.count() == 2
    assert Event.objects.filter(series__isnull=False).count() == 2


def test_dates_changed_or_cancelled_on_their_own_keep_their_own_state(booked, room, member):
    dates = booked()
    change_booking(
        booking=dates[5],
        by=member,
        starts_at=TUESDAYS[5] + timedelta(hours=1),
        ends_at=TUESDAYS[5] + timedelta(hours=3),
        space=room,
        title="Food bank",
        now=NOW,
    )
    cancel_series(booking=dates[6], by=member, scope=Scope.ONE, now=NOW)
    preview = change_series(
        booking=dates[0], by=member, scope=Scope.ALL, change=_choir(room), now=NOW
    )
    done = change_series(
        booking=dates[0],
        by=member,
        scope=Scope.ALL,
        change=_choir(room),
        expected=preview.fingerprint(),
        now=NOW,
    )
    assert Series.objects.count() == 1  # edited in place: no date had passed
    moved, cancelled = Booking.objects.get(pk=dates[5].pk), Booking.objects.get(pk=dates[6].pk)
    assert (moved.starts_at, moved.title) == (TUESDAYS[5] + timedelta(hours=1), "Food bank")
    assert cancelled.status == Booking.Status.CANCELLED and cancelled.starts_at == TUESDAYS[6]
    others = [Booking.objects.get(pk=d.pk) for i, d in enumerate(dates) if i not in (5, 6)]
    assert {(b.local_starts_at.time(), b.title) for b in others} == {(time(14), "Choir")}
    assert [d.kept != "" for d in done.dates].count(True) == 1
    # The rule read back from the scheduler gives the new time on every date; the moved date
    # stands apart as an exception.
    planned = [one.starts_at for one in recurrence.planned_dates(Series.objects.get())]
    assert planned == [t + timedelta(hours=4) for t in TUESDAYS]
    assert done.series.event_id == Series.objects.get().event_id


def test_dates_that_cannot_move_are_listed_and_the_member_chooses(
    booked, room, member, other_member
):
    dates = booked()
    BookingFactory(space=room, booker=other_member, starts_at=TUESDAYS[7] + timedelta(hours=4))
    preview = change_series(
        booking=dates[2], by=member, scope=Scope.FOLLOWING, change=_choir(room), now=NOW
    )
    (refused,) = preview.refused
    assert refused.booking.pk == dates[7].pk and "already booked" in refused.reason
    assert_readable(refused.reason)
    before = _rows()
    with pytest.raises(ChangeDiffers):
        change_series(
            booking=dates[2],
            by=member,
            scope=Scope.FOLLOWING,
            change=_choir(room),
            expected="",
            now=NOW,
        )
    assert _rows() == before and Series.objects.count() == 1
    change_series(
        booking=dates[2],
        by=member,
        scope=Scope.FOLLOWING,
        change=_choir(room),
        expected=preview.fingerprint(),
        now=NOW,
    )
    assert Booking.objects.get(pk=dates[7].pk).starts_at == TUESDAYS[7]
    assert Booking.objects.get(pk=dates[8].pk).starts_at == TUESDAYS[8] + timedelta(hours=4)


def test_a_date_that_has_started_cannot_be_changed(booked, room, member):
    dates = booked()
    later = TUESDAYS[1] + timedelta(minutes=5)
    with pytest.raises(BookingError) as refused:
        change_series(
            booking=dates[1], by=member, scope=Scope.FOLLOWING, change=_choir(room), now=later
        )
    assert "already started" in refused.value.message
    assert_readable(refused.value.message)


def test_changing_all_after_some_dates_passed_leaves_the_past_in_the_old_series(
    booked, room, member
):
    dates = booked()
    later = TUESDAYS[2] + timedelta(hours=3)
    change_series(
        booking=dates[5],
        by=member,
        scope=Scope.ALL,
        change=_choir(room, 15),
        expected="",
        now=later,
    )
    old, new = Series.objects.order_by("pk")
    assert old.count == 3 and new.count == 7 and new.starts_on == dt.date(2027, 1, 26)
    assert Booking.objects.get(pk=dates[2].pk).starts_at == TUESDAYS[2]
    assert Booking.objects.get(pk=dates[3].pk).local_starts_at.time() == time(15)


def test_a_new_time_stays_put_on_the_wall_clock_across_the_clock_change(booked, room, member):
    dates = booked(starts_on=dt.date(2027, 3, 16), count=4)  # clocks go forward on 28 March
    change_series(
        booking=dates[0],
        by=member,
        scope=Scope.ALL,
        change=_choir(room, 15),
        expected="",
        now=NOW,
    )
    local = [b.starts_at.astimezone(LONDON).time() for b in Booking.objects.order_by("starts_at")]
    assert local == [time(15)] * 4


def test_a_change_sends_one_email_each_way_not_one_per_date(
    booked, room, member, manager, django_capture_on_commit_callbacks
):
    from django.core import mail

    dates = booked()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change_series(
            booking=dates[0], by=member, scope=Scope.ALL, change=_choir(room), expected="", now=NOW
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, manager.email])
    (to_booker,) = [m for m in mail.outbox if m.to == [member.email]]
    assert "10 dates" in to_booker.subject and len(to_booker.attachments) == 10
