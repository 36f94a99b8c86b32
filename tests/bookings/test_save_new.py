"""A new booking is written with its django-scheduler event and its audit entry
(bookings.saving.save_new): on PostgreSQL in one chained statement, elsewhere by the ORM, and
either way the rows hold exactly what the instances say, each row linked to the one before."""

import datetime as dt
from datetime import time, timedelta

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from schedule.models import Event

from bookings.models import Booking, Series
from bookings.series import book_series, new_series, preview_series
from members.audit import AuditEntry
from spaces.models import Space
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import OrganisationFactory, OrganisationMembershipFactory

pytestmark = pytest.mark.django_db


def assert_stored_as(instance: Model) -> None:
    """Every column of `instance`'s row is what the instance holds, as a save would leave it."""
    assert not instance._state.adding
    stored = type(instance).objects.get(pk=instance.pk)
    for field in instance._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(instance, field.attname), field.name


def test_the_booking_its_event_and_its_entry_hold_what_the_instances_say(book, room, member):
    organisation = OrganisationFactory()
    OrganisationMembershipFactory(organisation=organisation, member=member)
    booking = book(
        room,
        at(10),
        at(12),
        title="Trustees",
        purpose="Annual meeting",
        activity=Booking.Activity.values[0],
        attendees=5,
        organisation=organisation,
    )

    assert_stored_as(booking)
    assert_stored_as(booking.event)
    entry = AuditEntry.objects.get(subject_type="booking", subject_id=booking.pk)
    assert (entry.action, entry.actor, entry.venue_id) == (
        "booking.created",
        member,
        room.venue_id,
    )
    assert entry.changes["title"] == [None, "Trustees"]
    assert entry.changes["attendees"] == [None, 5]
    assert (booking.event.start, booking.event.end, booking.event.title) == (
        at(10),
        at(12),
        "Trustees",
    )
    assert booking.event.calendar_id == Space.objects.get(pk=room.pk).calendar_id is not None


def test_the_rows_written_are_the_ones_an_orm_save_writes(book, room):
    """The same booking made twice, once through save_new and once saved by the ORM: the
    columns differ only where they must (ids, uid, the times written)."""
    made = book(room, at(10), at(11))
    twin = Booking.objects.get(pk=made.pk)
    twin.pk, twin.uid, twin.event = None, Booking._meta.get_field("uid").get_default(), None
    twin.starts_at, twin.ends_at, twin.blocked_until = at(14), at(15), at(15)
    twin.save()
    differ = {
        "id",
        "uid",
        "event",
        "starts_at",
        "ends_at",
        "blocked_until",
        "created_at",
        "updated_at",
    }
    for field in Booking._meta.concrete_fields:
        if field.name not in differ:
            assert getattr(twin, field.attname) == getattr(made, field.attname), field.name


@pytest.mark.postgres
def test_on_postgresql_the_three_rows_are_one_statement(book, room):
    book(room, at(9), at(10))  # the room's calendar exists

    with CaptureQueriesContext(connection) as queries:
        booking = book(room, at(10), at(11))

    writes = [query["sql"] for query in queries if "INSERT" in query["sql"]]
    assert len(writes) == 1, writes
    for model in (Event, Booking, AuditEntry):
        assert f'INSERT INTO "{model._meta.db_table}"' in writes[0]
    assert Event.objects.get(booking=booking) == booking.event


def test_a_series_writes_each_dates_entry_with_its_bookings_id(room, member):
    def make():
        return new_series(
            space=room,
            booker=member,
            title="Food bank",
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            count=4,
        )

    fingerprint = preview_series(series=make(), now=NOW).fingerprint()
    series = book_series(series=make(), expected=fingerprint, now=NOW).series

    bookings = list(Booking.objects.filter(series=series))
    assert len(bookings) == 4
    created = AuditEntry.objects.filter(subject_type="booking", action="booking.created")
    assert sorted(created.values_list("subject_id", flat=True)) == sorted(b.pk for b in bookings)
    for booking in bookings:
        assert booking.event is not None and booking.event.start == booking.starts_at
