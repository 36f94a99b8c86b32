"""Approve, decline and cancel: who may, when, and what follows (the django-scheduler mirror, the
sequence for calendar clients, and emails sent only after the transaction commits).

Days are in January 2027, when London is on GMT (local == UTC). NOW is Monday 4 January, 08:00.
"""

from datetime import time, timedelta

import pytest
from django.core import mail
from schedule.models import Event

from bookings.models import Booking
from bookings.services import BookingError, approve_booking, cancel_booking, decline_booking
from spaces.models import CalendarImport, OpeningHours, Unavailability
from tests.bookings.conftest import assert_readable, at, change_stored
from tests.conftest import NOW
from tests.factories import (
    ClosureFactory,
    DeskPoolFactory,
    MemberFactory,
    SpaceFactory,
    VenueFactory,
)

# --- Approval -------------------------------------------------------------------------------


@pytest.fixture
def hall(venue):
    return SpaceFactory(
        venue=venue, name="Main hall", kind="hall", capacity=80, requires_approval=True
    )


@pytest.fixture
def request_(book, hall):
    return book(hall, at(10), at(12), title="Choir rehearsal")


def test_a_space_that_requires_approval_gives_a_pending_booking(request_):
    assert request_.status == Booking.Status.PENDING
    assert request_.decided_by is None


def test_a_manager_approves_a_request(request_, manager):
    booking = approve_booking(booking=request_, by=manager, reason=" Welcome! ", now=NOW)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert (booking.decided_by, booking.decided_at, booking.decision_reason) == (
        manager,
        NOW,
        "Welcome!",
    )


def test_a_superuser_may_decide_any_request(request_):
    boss = MemberFactory(is_superuser=True, is_staff=True)
    assert approve_booking(booking=request_, by=boss, now=NOW).status == Booking.Status.CONFIRMED


def test_a_manager_of_another_venue_may_not_decide(request_):
    elsewhere = MemberFactory()
    VenueFactory().managers.add(elsewhere)
    with pytest.raises(BookingError):
        approve_booking(booking=request_, by=elsewhere, now=NOW)


@pytest.mark.parametrize("who", ["booker", "other member"])
def test_only_managers_decide_requests(request_, member, other_member, who):
    person = member if who == "booker" else other_member
    for decide in (approve_booking, decline_booking):
        with pytest.raises(BookingError) as caught:
            decide(booking=request_, by=person, reason="Because.", now=NOW)
        assert_readable(caught.value.message)
    request_.refresh_from_db()
    assert request_.status == Booking.Status.PENDING
    assert request_.decided_by is None


def test_a_manager_declines_a_request_with_a_reason(request_, manager):
    booking = decline_booking(
        booking=request_, by=manager, reason="The hall is being painted.", now=NOW
    )
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DECLINED
    assert booking.decision_reason == "The hall is being painted."


@pytest.mark.parametrize("reason", ["", "   "])
def test_declining_needs_a_reason(request_, manager, reason):
    with pytest.raises(BookingError) as caught:
        decline_booking(booking=request_, by=manager, reason=reason, now=NOW)
    assert_readable(caught.value.message)
    assert caught.value.field == "reason"
    request_.refresh_from_db()
    assert request_.status == Booking.Status.PENDING


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (approve_booking, approve_booking),
        (approve_booking, decline_booking),
        (decline_booking, approve_booking),
        (decline_booking, decline_booking),
    ],
)
def test_a_decided_request_cannot_be_decided_again(request_, manager, first, second):
    first(booking=request_, by=manager, reason="First decision.", now=NOW)
    with pytest.raises(BookingError) as caught:
        second(booking=request_, by=manager, reason="Second thoughts.", now=NOW)
    assert "already been decided" in caught.value.message
    request_.refresh_from_db()
    assert request_.decision_reason == "First decision."
    assert request_.sequence == 1


def test_a_confirmed_booking_of_a_space_without_approval_cannot_be_approved(book, room, manager):
    booking = book(room, at(10), at(11))
    with pytest.raises(BookingError):
        approve_booking(booking=booking, by=manager, now=NOW)


def test_a_request_whose_time_has_passed_cannot_be_approved_but_can_be_declined(request_, manager):
    later = at(12, 30)
    with pytest.raises(BookingError):
        approve_booking(booking=request_, by=manager, now=later)
    assert (
        decline_booking(booking=request_, by=manager, reason="Too late.", now=later).status
        == "declined"
    )


def test_a_cancelled_request_cannot_be_decided(request_, member, manager):
    cancel_booking(booking=request_, by=member, now=NOW)
    with pytest.raises(BookingError):
        approve_booking(booking=request_, by=manager, now=NOW)


# --- Approval checks the request against the rules as they are now ----------------------------


def assert_refused_and_unchanged(booking: Booking, manager, *, now=NOW, says: str) -> None:
    """Approval fails with a sentence naming the reason and pointing to decline; the row is as it was."""
    event_id = booking.event_id
    with pytest.raises(BookingError) as caught:
        approve_booking(booking=booking, by=manager, reason="Welcome.", now=now)
    message = caught.value.message
    assert_readable(message)
    assert message.startswith("This request can no longer be approved."), message
    assert says in message, message
    assert "Decline it" in message, message
    booking.refresh_from_db()
    assert booking.status == Booking.Status.PENDING
    assert (booking.decided_by, booking.decided_at, booking.decision_reason) == (None, None, "")
    assert booking.sequence == 0
    assert booking.event_id == event_id
    assert Event.objects.filter(pk=event_id).exists()
    assert mail.outbox == []


def test_a_closure_added_after_the_request_stops_its_approval(request_, manager, venue):
    ClosureFactory(venue=venue, starts_at=at(11), ends_at=at(15), reason="Roof repair")
    assert_refused_and_unchanged(request_, manager, says="Main hall is closed then (Roof repair)")


def test_a_closure_of_another_space_does_not_stop_the_approval(request_, manager, venue, room):
    ClosureFactory(venue=venue, space=room, starts_at=at(9), ends_at=at(17))
    assert approve_booking(booking=request_, by=manager, now=NOW).status == "confirmed"


def test_imported_unavailability_added_after_the_request_stops_its_approval(
    request_, manager, venue, hall
):
    source = CalendarImport.objects.create(venue=venue, space=hall, name="Church services")
    Unavailability.objects.create(
        source=source,
        venue=venue,
        space=hall,
        starts_at=at(9),
        ends_at=at(10, 30),
        summary="Funeral",
    )
    assert_refused_and_unchanged(request_, manager, says="closed then (Funeral)")


def test_shorter_opening_hours_stop_the_approval_of_a_request_outside_them(
    request_, manager, venue
):
    OpeningHours.objects.filter(venue=venue).update(opens=time(11))
    assert_refused_and_unchanged(request_, manager, says="not open for all of that time")


def test_a_space_no_longer_taking_bookings_stops_the_approval(request_, manager, hall):
    change_stored(hall, is_active=False)
    assert_refused_and_unchanged(request_, manager, says="not taking bookings")


def test_a_pool_booking_confirmed_meanwhile_stops_the_approval_once_a_seat_is_gone(
    book, venue, manager, other_member
):
    """The request held one of two desks; the other went to a confirmed booking, then one desk was removed."""
    pool = DeskPoolFactory(
        venue=venue, name="Quiet desks", seats=2, capacity=2, requires_approval=True
    )
    request = book(pool, at(10), at(12))
    change_stored(pool, requires_approval=False)
    confirmed = book(pool, at(11), at(13), booker=other_member)
    assert confirmed.status == Booking.Status.CONFIRMED
    change_stored(pool, seats=1)
    assert_refused_and_unchanged(request, manager, says="Quiet desks is already booked then")


def test_a_pool_request_is_approved_while_its_seat_is_still_there(book, venue, manager):
    pool = DeskPoolFactory(venue=venue, seats=2, capacity=2, requires_approval=True)
    first, second = book(pool, at(10), at(12)), book(pool, at(10), at(12), booker=MemberFactory())
    for request in (first, second):
        assert approve_booking(booking=request, by=manager, now=NOW).status == "confirmed"


def test_the_approval_counts_the_buffer_the_request_already_holds(book, venue, manager):
    """A longer buffer set after the request does not stop it: the request keeps the one it was given."""
    hall = SpaceFactory(venue=venue, requires_approval=True, buffer_after=timedelta(minutes=30))
    request = book(hall, at(10), at(12))
    change_stored(hall, requires_approval=False)
    book(hall, at(12, 30), at(13))
    change_stored(hall, buffer_after=timedelta(hours=1))
    assert approve_booking(booking=request, by=manager, now=NOW).status == "confirmed"


def test_the_minimum_notice_and_horizon_do_not_stop_a_late_approval(book, venue, manager):
    """The member met both when asking; the manager may decide up to the start."""
    hall = SpaceFactory(venue=venue, requires_approval=True, min_notice=timedelta(hours=24))
    request = book(hall, at(10), at(12))  # 26 hours ahead of NOW
    change_stored(hall, horizon=timedelta(hours=1))
    booking = approve_booking(booking=request, by=manager, now=at(9, 59))
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.decided_at == at(9, 59)


@pytest.mark.parametrize("when", [at(10), at(11)], ids=["at the start", "during"])
def test_a_request_whose_start_has_passed_cannot_be_approved(request_, manager, when):
    with pytest.raises(BookingError) as caught:
        approve_booking(booking=request_, by=manager, now=when)
    assert_readable(caught.value.message)
    assert "can only be declined" in caught.value.message
    request_.refresh_from_db()
    assert (request_.status, request_.decided_by, request_.sequence) == ("pending", None, 0)


# --- Cancelling -------------------------------------------------------------------------------


def test_the_booker_cancels_before_the_start(book, room, member):
    booking = book(room, at(10), at(11))
    cancel_booking(booking=booking, by=member, reason=" Plans changed ", now=at(9, 59))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert (booking.cancelled_by, booking.cancelled_at, booking.cancellation_reason) == (
        member,
        at(9, 59),
        "Plans changed",
    )


@pytest.mark.parametrize(
    "when", [at(10), at(10, 30), at(12)], ids=["at the start", "during", "after"]
)
def test_the_booker_cannot_cancel_once_the_booking_has_started(book, room, member, when):
    booking = book(room, at(10), at(11))
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=booking, by=member, now=when)
    assert_readable(caught.value.message)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_a_manager_can_cancel_while_the_booking_runs(book, room, manager):
    booking = book(room, at(10), at(11))
    cancel_booking(booking=booking, by=manager, reason="Fire alarm.", now=at(10, 30))
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == (Booking.Status.CANCELLED, manager)


@pytest.mark.parametrize("who", ["booker", "manager"])
@pytest.mark.parametrize("when", [at(11), at(15)], ids=["at the end", "later"])
def test_nobody_can_cancel_a_booking_that_has_ended(book, room, member, manager, who, when):
    booking = book(room, at(10), at(11))
    event_id = booking.event_id
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=booking, by=member if who == "booker" else manager, now=when)
    assert_readable(caught.value.message)
    assert "already ended" in caught.value.message
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.sequence) == ("confirmed", None, 0)
    assert Event.objects.filter(pk=event_id).exists()


def test_a_pending_request_that_has_ended_cannot_be_cancelled_but_can_be_declined(
    request_, member, manager
):
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=request_, by=member, now=at(12))
    assert "already ended" in caught.value.message
    assert decline_booking(booking=request_, by=manager, reason="Missed.", now=at(12)).status == (
        "declined"
    )


def test_another_member_cannot_cancel_a_booking(book, room, other_member):
    booking = book(room, at(10), at(11))
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=booking, by=other_member, now=NOW)
    assert_readable(caught.value.message)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.event_id is not None


def test_a_cancelled_booking_cannot_be_cancelled_again(book, room, member):
    booking = book(room, at(10), at(11))
    cancel_booking(booking=booking, by=member, now=NOW)
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=booking, by=member, now=NOW)
    assert "already cancelled" in caught.value.message


def test_a_declined_request_cannot_be_cancelled(request_, member, manager):
    decline_booking(booking=request_, by=manager, reason="Full.", now=NOW)
    with pytest.raises(BookingError) as caught:
        cancel_booking(booking=request_, by=member, now=NOW)
    assert "already declined" in caught.value.message


# --- The django-scheduler mirror and the sequence --------------------------------------------


def test_an_active_booking_has_an_event_on_the_space_calendar(book, room, request_, hall):
    confirmed = book(room, at(10), at(11), title="Planning")
    room.refresh_from_db()
    hall.refresh_from_db()
    for booking, space in ((confirmed, room), (request_, hall)):
        event = Event.objects.get(pk=booking.event_id)
        assert event.calendar == space.calendar
        assert (event.start, event.end, event.title) == (
            booking.starts_at,
            booking.ends_at,
            booking.title,
        )


def test_each_space_has_its_own_calendar_reused_for_later_bookings(book, room, venue):
    first = book(room, at(10), at(11))
    second = book(room, at(11), at(12))
    other = book(SpaceFactory(venue=venue), at(10), at(11))
    assert first.event.calendar == second.event.calendar != other.event.calendar


def test_the_event_stays_when_a_request_is_approved(request_, manager):
    approve_booking(booking=request_, by=manager, now=NOW)
    request_.refresh_from_db()
    assert Event.objects.filter(pk=request_.event_id).exists()


def test_the_event_is_removed_on_cancel(book, room, member):
    booking = book(room, at(10), at(11))
    event_id = booking.event_id
    cancel_booking(booking=booking, by=member, now=NOW)
    booking.refresh_from_db()
    assert booking.event_id is None
    assert not Event.objects.filter(pk=event_id).exists()


def test_the_event_is_removed_on_decline(request_, manager):
    event_id = request_.event_id
    decline_booking(booking=request_, by=manager, reason="Full.", now=NOW)
    request_.refresh_from_db()
    assert request_.event_id is None
    assert not Event.objects.filter(pk=event_id).exists()


def test_the_sequence_rises_on_each_change(request_, member, manager):
    assert request_.sequence == 0
    approve_booking(booking=request_, by=manager, now=NOW)
    request_.refresh_from_db()
    assert request_.sequence == 1
    cancel_booking(booking=request_, by=member, now=NOW)
    request_.refresh_from_db()
    assert request_.sequence == 2


# --- Emails, sent only after the transaction commits ----------------------------------------


def test_a_confirmed_booking_emails_the_booker_after_commit(
    book, room, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        book(room, at(10), at(11), title="Planning")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 2  # the email and the booking event (bookings.events)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([member.email], "[Commonshare] Booked: Planning")
    ]
    assert "Tuesday 5 January 2027, 10:00" in mail.outbox[0].body


def test_a_request_emails_the_booker_and_the_managers(
    book, hall, member, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(hall, at(10), at(12), title="Choir rehearsal")
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        (member.email, "[Commonshare] Request received: Choir rehearsal"),
        (manager.email, "[Commonshare] Needs your decision: Choir rehearsal in Main hall"),
    ]


@pytest.mark.parametrize(
    ("decide", "subject"), [(approve_booking, "Approved"), (decline_booking, "Declined")]
)
def test_a_decision_emails_the_booker(
    request_, member, manager, decide, subject, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(booking=request_, by=manager, reason="Sorry, full.", now=NOW)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([member.email], f"[Commonshare] {subject}: Choir rehearsal")
    ]


def test_a_cancellation_emails_the_booker(book, room, member, django_capture_on_commit_callbacks):
    booking = book(room, at(10), at(11), title="Planning")
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=member, now=NOW)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([member.email], "[Commonshare] Cancelled: Planning")
    ]


def test_a_refused_booking_sends_no_email(book, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(BookingError):
        book(room, at(10), at(11), attendees=99)
    assert callbacks == []
    assert mail.outbox == []
