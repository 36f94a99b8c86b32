"""A manager closes a venue or a space: the bookings it hits are listed, then cancelled (each
booker told, with the reason and a CANCEL) or kept; nothing is half-written."""

import pytest
from django.core import mail

from bookings.closures import add_closure, bookings_hit
from bookings.models import Booking
from bookings.services import BookingError
from spaces.models import Closure
from tests.bookings.conftest import at
from tests.conftest import NOW
from tests.factories import SpaceFactory, VenueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(book, room, venue, member, other_member):
    studio = SpaceFactory(venue=venue, name="Studio", slug="studio")
    return {
        "morning": book(room, at(10), at(11)),
        "afternoon": book(room, at(14), at(15), booker=other_member),
        "studio": book(studio, at(10), at(12)),
        "studio_space": studio,
    }


def test_it_lists_the_active_bookings_a_closure_would_hit(day, venue, room):
    hit = bookings_hit(venue=venue, starts_at=at(9), ends_at=at(12), space=None, now=NOW)
    assert list(hit) == [day["morning"], day["studio"]]
    only_room = bookings_hit(venue=venue, starts_at=at(9), ends_at=at(12), space=room, now=NOW)
    assert list(only_room) == [day["morning"]]


def test_closing_and_cancelling_tells_each_booker_with_the_reason_and_a_cancel(
    day, venue, manager, member, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        closure, hit = add_closure(
            venue=venue,
            by=manager,
            starts_at=at(9),
            ends_at=at(12),
            reason="Burst pipe",
            cancel_hit=True,
            now=NOW,
        )
    assert {b.pk for b in hit} == {day["morning"].pk, day["studio"].pk}
    assert all(b.status == Booking.Status.CANCELLED for b in hit)
    assert Booking.objects.get(pk=day["afternoon"].pk).status == Booking.Status.CONFIRMED
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == [member.email])
    assert "Burst pipe" in message.body
    assert "METHOD:CANCEL" in message.attachments[0].get_content()
    assert closure.reason == "Burst pipe"


def test_closing_and_keeping_leaves_the_bookings_and_sends_nothing(
    day, venue, manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _closure, hit = add_closure(
            venue=venue,
            by=manager,
            starts_at=at(9),
            ends_at=at(12),
            reason="Quiet morning",
            cancel_hit=False,
            now=NOW,
        )
    assert len(hit) == 2
    assert Booking.objects.active().count() == 3
    assert mail.outbox == []
    assert Closure.objects.filter(reason="Quiet morning").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reason": "  "}, "reason"),
        ({"starts_at": at(12), "ends_at": at(9)}, "ends_at"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(day, venue, manager, changes, field):
    arguments = {"starts_at": at(9), "ends_at": at(12), "reason": "Repairs"} | changes
    with pytest.raises(BookingError) as refused:
        add_closure(venue=venue, by=manager, cancel_hit=True, now=NOW, **arguments)
    assert refused.value.field == field
    assert not Closure.objects.exists()
    assert Booking.objects.active().count() == 3


def test_a_space_of_another_venue_or_a_non_manager_is_refused(day, venue, manager, member):
    elsewhere = SpaceFactory(venue=VenueFactory(name="Elsewhere"))
    with pytest.raises(BookingError):
        add_closure(
            venue=venue,
            by=manager,
            space=elsewhere,
            starts_at=at(9),
            ends_at=at(12),
            reason="Repairs",
            cancel_hit=True,
            now=NOW,
        )
    with pytest.raises(BookingError, match="Only a manager"):
        add_closure(
            venue=venue,
            by=member,
            starts_at=at(9),
            ends_at=at(12),
            reason="Repairs",
            cancel_hit=True,
            now=NOW,
        )
    assert not Closure.objects.exists()
    assert Booking.objects.active().count() == 3


def test_a_closed_time_cannot_then_be_booked(day, venue, manager, book, room):
    add_closure(
        venue=venue,
        by=manager,
        starts_at=at(15),
        ends_at=at(17),
        reason="Deep clean",
        cancel_hit=False,
        now=NOW,
    )
    with pytest.raises(BookingError, match="closed then"):
        book(room, at(15), at(16))
