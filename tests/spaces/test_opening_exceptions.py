"""Dated exceptions to the weekly opening hours: a bank holiday opening 10:00–14:00 replaces that
day's hours everywhere the hours are read (the rules, the grid, the free-then filter, the stats)."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.availability import free_intervals, prefetch
from bookings.services import BookingError, request_booking
from spaces.intervals import Interval
from spaces.models import OpeningException
from spaces.open_hours import opening_intervals
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 1, 5)  # London is on UTC in January


def at(hour: int, day: date = TUESDAY) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def whole(day: date = TUESDAY) -> Interval:
    return Interval(at(0, day), at(0, day + timedelta(days=1)))


def test_an_exception_replaces_the_weekly_hours_of_its_date_only(venue):
    OpeningException.objects.create(venue=venue, date=TUESDAY, opens=time(10), closes=time(14))
    assert opening_intervals(venue, whole()) == [Interval(at(10), at(14))]
    wednesday = TUESDAY + timedelta(days=1)
    assert opening_intervals(venue, whole(wednesday)) == [
        Interval(at(9, wednesday), at(17, wednesday))
    ]


def test_several_exceptions_give_several_intervals_and_one_without_times_closes_the_day(venue):
    OpeningException.objects.create(venue=venue, date=TUESDAY, opens=time(9), closes=time(12))
    OpeningException.objects.create(venue=venue, date=TUESDAY, opens=time(18), closes=time(21))
    assert opening_intervals(venue, whole()) == [Interval(at(9), at(12)), Interval(at(18), at(21))]
    friday = TUESDAY + timedelta(days=3)
    OpeningException.objects.create(venue=venue, date=friday, note="Staff training")
    assert opening_intervals(venue, whole(friday)) == []


def test_the_booking_rules_follow_the_exception(venue, room, member):
    OpeningException.objects.create(venue=venue, date=TUESDAY, opens=time(10), closes=time(14))
    with pytest.raises(BookingError, match="not open for all of that time"):
        request_booking(
            booker=member, space=room, starts_at=at(15), ends_at=at(16), title="Late", now=NOW
        )
    booking = request_booking(
        booker=member, space=room, starts_at=at(10), ends_at=at(11), title="Early", now=NOW
    )
    assert booking.pk


def test_prefetched_availability_agrees_with_its_own_queries(venue, room):
    OpeningException.objects.create(venue=venue, date=TUESDAY, opens=time(10), closes=time(14))
    known = prefetch([room], whole())
    assert free_intervals(room, whole(), now=NOW, known=known) == free_intervals(
        room, whole(), now=NOW
    )
    assert free_intervals(room, whole(), now=NOW) == [Interval(at(10), at(14))]


def test_the_database_refuses_an_exception_that_closes_before_it_opens_or_has_one_time(venue):
    for opens, closes in [(time(14), time(10)), (time(10), None), (None, time(10))]:
        with pytest.raises(IntegrityError), transaction.atomic():
            OpeningException.objects.create(venue=venue, date=TUESDAY, opens=opens, closes=closes)
    assert not OpeningException.objects.exists()
