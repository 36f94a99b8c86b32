"""Attended hours and the realisation rate (docs/occupancy.md, "Check-in and attendance"),
computed by hand: the table on the stats page, its CSV and the funder report (print mode)."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import Booking
from stats.attendance import attendance
from stats.periods import Period
from tests.factories import BookingFactory, DeskPoolFactory, SpaceFactory

pytestmark = pytest.mark.django_db

JANUARY = Period(date(2027, 1, 1), date(2027, 1, 31))


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, 1, day, hour, minute, tzinfo=UTC)  # London is on GMT in January


@pytest.fixture
def scene(venue, room):
    desks = DeskPoolFactory(
        venue=venue, name="Hot desks", slug="hot-desks", grace_period=timedelta(minutes=20)
    )

    def desk(**kwargs):
        return BookingFactory(space=desks, starts_at=at(5, 9), ends_at=at(5, 13), **kwargs)

    desk(checked_in_at=at(5, 8, 50))  # early: attended 4 h of 4
    desk(checked_in_at=at(5, 9, 30))  # late: attended 3.5 h of 4
    desk(status=Booking.Status.NO_SHOW)  # attended 0 of 4
    desk(status=Booking.Status.CANCELLED)  # not counted
    desk(status=Booking.Status.PENDING)  # not counted
    BookingFactory(  # February: another period
        space=desks, starts_at=datetime(2027, 2, 1, 9, tzinfo=UTC), checked_in_at=at(5, 9)
    )
    # The meeting room has no grace period but a check-in: it counts. 2 h of 3.
    BookingFactory(space=room, starts_at=at(6, 10), ends_at=at(6, 12), checked_in_at=at(6, 10))
    BookingFactory(space=room, starts_at=at(6, 14), ends_at=at(6, 15))
    # A room with neither: not counted at all.
    quiet = SpaceFactory(venue=venue, name="Quiet room", slug="quiet-room")
    BookingFactory(space=quiet, starts_at=at(7, 10), ends_at=at(7, 12))
    return desks


def test_attended_hours_and_realisation_by_hand(venue, scene):
    rows = {row.name: row for row in attendance(venue, JANUARY)}
    assert set(rows) == {"Hot desks", "Meeting room"}
    desks = rows["Hot desks"]
    assert (desks.bookings, desks.checked_in, desks.no_shows) == (3, 2, 1)
    assert desks.booked_hours == Decimal("12.00")
    assert desks.attended_hours == Decimal("7.50")
    assert desks.realisation == Decimal("62.5")
    room = rows["Meeting room"]
    assert (room.bookings, room.checked_in, room.no_shows) == (2, 1, 0)
    assert (room.booked_hours, room.attended_hours) == (Decimal("3.00"), Decimal("2.00"))
    assert room.realisation == Decimal("66.7")  # 2 / 3, rounded half up once


def test_a_space_with_a_grace_period_and_nothing_booked_shows_no_rate(venue):
    DeskPoolFactory(venue=venue, grace_period=timedelta(minutes=20))
    (row,) = attendance(venue, JANUARY)
    assert row.bookings == 0 and row.realisation is None


def test_several_desk_pools_get_a_total_never_added_to_rooms(venue, scene):
    other = DeskPoolFactory(venue=venue, name="Lab desks", grace_period=timedelta(minutes=20))
    BookingFactory(space=other, starts_at=at(8, 9), ends_at=at(8, 11), checked_in_at=at(8, 9))
    rows = attendance(venue, JANUARY)
    total = rows[-1]
    assert total.total and total.desk_pool
    assert (total.booked_hours, total.attended_hours) == (Decimal("14.00"), Decimal("9.50"))
    assert total.realisation == Decimal("67.9")  # 9.5 / 14


def test_the_stats_page_the_csv_and_the_funder_report_show_it(client, manager, venue, scene):
    client.force_login(manager)
    url = reverse("stats:venue", kwargs={"venue_slug": venue.slug})
    month = {"kind": "month", "on": "2027-01-15"}
    page = client.get(url, month).content.decode()
    assert "Check-in: attended hours and the realisation rate" in page
    assert "Desk pools: 62.5%" in page and "Rooms: 66.7%" in page
    report = client.get(url, {**month, "print": "1"}).content.decode()
    assert "Check-in: attended hours and the realisation rate" in report
    exported = client.get(url, {**month, "_export": "csv", "_table": "attendance"})
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    desks = next(row for row in rows if row["Space"] == "Hot desks")
    assert desks["Attended (seat-)hours"] == "7.50"
    assert desks["Realisation %"] == "62.5"
