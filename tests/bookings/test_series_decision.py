"""decide_series: a manager decides a whole series request in one transaction, each date meeting
approve_booking's rules, all or nothing."""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import time, timedelta

import pytest
from django.db import transaction

from bookings import series as series_module
from bookings.models import Booking, Series
from bookings.rules import BookingError
from bookings.series import book_series, decide_series, new_series, preview_series
from bookings.services import approve_booking
from tests.conftest import NOW
from tests.factories import ClosureFactory, MemberFactory, SpaceFactory, VenueFactory


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Main hall", slug="main-hall", requires_approval=True)


@pytest.fixture
def choir(hall, member) -> Series:
    def make():
        return new_series(
            space=hall,
            booker=member,
            title="Choir",
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=6,
        )

    fingerprint = preview_series(series=make(), now=NOW).fingerprint()
    return book_series(series=make(), expected=fingerprint, now=NOW).series


@contextmanager
def transaction_rolled_back() -> Iterator[None]:
    """The block in a transaction that is always rolled back; an error goes on."""
    with transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


def _rows(series: Series) -> list[tuple]:
    return list(
        series.bookings.order_by("starts_at").values_list(
            "status", "sequence", "event_id", "decided_by", "decision_reason"
        )
    )


def test_the_ticked_dates_are_approved_and_the_others_declined_with_the_reason(
    choir, manager, monkeypatch
):
    freed = []
    monkeypatch.setattr(series_module.freed, "on_slot_freed", freed.append)
    dates = list(choir.bookings.order_by("starts_at"))
    before = _rows(choir)
    approved, declined = decide_series(
        series=choir, by=manager, approve=[d.pk for d in dates[:4]], reason=" Exams ", now=NOW
    )
    assert [b.pk for b in approved] == [d.pk for d in dates[:4]]
    assert [b.pk for b in declined] == [d.pk for d in dates[4:]]
    after = _rows(choir)
    assert [row[0] for row in after] == ["confirmed"] * 4 + ["declined"] * 2
    assert [row[1] for row in after] == [row[1] + 1 for row in before]  # calendars update
    assert [row[2] for row in after[:4]] == [row[2] for row in before[:4]]  # mirror kept
    assert [row[2] for row in after[4:]] == [None, None]  # and dropped for the declined
    assert {row[3] for row in after} == {manager.pk}
    assert [row[4] for row in after] == [""] * 4 + ["Exams"] * 2
    # The declined dates' time is offered to the waiting list, as each decline does.
    assert [b.pk for b in freed] == [d.pk for d in dates[4:]]


def test_a_date_closed_since_refuses_the_whole_decision_naming_it(choir, manager, hall):
    fifth = choir.bookings.order_by("starts_at")[4]
    ClosureFactory(
        venue=hall.venue,
        starts_at=fifth.starts_at - timedelta(hours=1),
        ends_at=fifth.ends_at + timedelta(hours=1),
        reason="Boiler",
    )
    before = _rows(choir)
    everything = list(choir.bookings.values_list("pk", flat=True))
    with pytest.raises(BookingError, match=r"^Tue 2 Feb 2027, 10:00: This request can no longer"):
        decide_series(series=choir, by=manager, approve=everything, now=NOW)
    assert _rows(choir) == before
    # Declining that date instead decides the rest.
    keep = [pk for pk in everything if pk != fifth.pk]
    approved, declined = decide_series(
        series=choir, by=manager, approve=keep, reason="Boiler", now=NOW
    )
    assert (len(approved), [b.pk for b in declined]) == (5, [fifth.pk])


def test_a_date_that_has_started_can_only_be_declined(choir, manager):
    first = choir.bookings.order_by("starts_at")[0]
    everything = list(choir.bookings.values_list("pk", flat=True))
    later = first.starts_at + timedelta(minutes=5)
    with pytest.raises(BookingError, match="start has passed; it can only be declined"):
        decide_series(series=choir, by=manager, approve=everything, now=later)
    rest = [pk for pk in everything if pk != first.pk]
    decide_series(series=choir, by=manager, approve=rest, reason="Too late", now=later)
    assert choir.bookings.get(pk=first.pk).status == Booking.Status.DECLINED


def test_a_manager_of_another_venue_decides_nothing(choir):
    stranger = MemberFactory()
    VenueFactory().managers.add(stranger)
    before = _rows(choir)
    with pytest.raises(BookingError, match="Only a manager of St Luke's can decide"):
        decide_series(series=choir, by=stranger, approve=[], reason="No", now=NOW)
    assert _rows(choir) == before


def test_each_date_gets_the_answer_approving_it_alone_would_give(
    choir, manager, hall, other_member
):
    """The batch reads the rules' data once; one date at a time reads it per date: same answers."""
    dates = list(choir.bookings.order_by("starts_at"))
    ClosureFactory(
        venue=hall.venue,
        starts_at=dates[2].starts_at,
        ends_at=dates[2].starts_at + timedelta(minutes=30),
        reason="Cleaning",
    )
    alone = {}
    for booking in dates:
        try:
            with transaction_rolled_back():
                approve_booking(booking=booking, by=manager, now=NOW)
            alone[booking.pk] = "approvable"
        except BookingError as exc:
            alone[booking.pk] = exc.message
    together = {}
    for booking in dates:
        try:
            with transaction_rolled_back():
                decide_series(series=choir, by=manager, approve=[booking.pk], reason="x", now=NOW)
            together[booking.pk] = "approvable"
        except BookingError as exc:
            together[booking.pk] = exc.message.split(": ", 1)[1]
    assert together == alone
    assert list(alone.values()).count("approvable") == 5
