"""Booking events reach a venue's endpoints signed, once each, with retries when they fail."""

import datetime as dt
import json
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.db import transaction

from bookings import events
from bookings.checkin import release_no_show
from bookings.expiry import expire_request
from bookings.models import Booking, Series
from bookings.series import book_series, new_series, preview_series
from bookings.series_edit import Change, change_series
from bookings.services import (
    approve_booking,
    cancel_booking,
    decline_booking,
    move_booking,
    request_booking,
)
from members.mail import RETRY_DELAYS
from tests.conftest import NOW
from tests.factories import MemberFactory, OrganisationFactory, SpaceFactory
from webhooks import signing
from webhooks.models import WebhookDelivery
from webhooks.sending import body_of, send_delivery, send_due

TUESDAY = datetime(2027, 1, 5, 10, tzinfo=UTC)


def _book(space, booker, starts_at=TUESDAY, **kwargs) -> Booking:
    return request_booking(
        booker=booker,
        space=space,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        title="Trustees' meeting",
        now=NOW,
        **kwargs,
    )


@pytest.fixture
def hall(venue):
    return SpaceFactory(venue=venue, name="Hall", slug="hall", requires_approval=True)


def test_a_booking_made_reaches_the_receiver_signed_with_what_a_manager_sees(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(name="Food Bank")
    organisation.memberships.create(member=member)
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(room, member, organisation=organisation)
    [got] = receiver.received
    assert got.signed and got.answered == 200
    assert got.body == {
        "id": got.event_id,
        "kind": "booking.created",
        "occurred_at": "2027-01-04T08:00:00Z",
        "venue": "st-lukes",
        "booking": {
            "id": booking.pk,
            "space": "meeting-room",
            "space_name": "Meeting room",
            "starts_at": "2027-01-05T10:00:00+00:00",
            "ends_at": "2027-01-05T11:00:00+00:00",
            "status": "confirmed",
            "organisation": "Food Bank",
            "series": None,
        },
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert str(delivery.event_id) == got.event_id


def test_the_payload_names_nobody_and_carries_no_free_text(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member, purpose="Private: about our chair's illness")
    sent = json.dumps(receiver.received[0].body)
    for personal in (member.email, member.display_name, "Trustees", "illness"):
        assert personal not in sent


def test_local_times_carry_the_summer_offset_after_the_clocks_go_forward(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    # Sunday 29 March 2026 is the change; a booking on the Monday after is at +01:00.
    starts_at = datetime(2026, 3, 30, 9, tzinfo=UTC)
    with (
        time_machine.travel(datetime(2026, 3, 27, 12, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request_booking(
            booker=member,
            space=room,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            title="Clinic",
        )
    booking = receiver.received[0].body["booking"]
    assert (booking["starts_at"], booking["ends_at"]) == (
        "2026-03-30T10:00:00+01:00",
        "2026-03-30T11:00:00+01:00",
    )


def test_local_times_carry_the_winter_offset_after_the_clocks_go_back(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    starts_at = datetime(2026, 10, 26, 9, tzinfo=UTC)  # the Monday after 25 October
    with (
        time_machine.travel(datetime(2026, 10, 23, 12, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        request_booking(
            booker=member,
            space=room,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            title="Clinic",
        )
    assert receiver.received[0].body["booking"]["starts_at"] == "2026-10-26T09:00:00+00:00"


def test_each_change_of_a_booking_sends_one_event(
    endpoint, receiver, room, hall, member, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        kept = _book(hall, member)
        dropped = _book(hall, member, starts_at=TUESDAY + timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        approve_booking(booking=kept, by=manager, now=NOW)
        decline_booking(booking=dropped, by=manager, reason="Hall closed for painting", now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        move_booking(
            booking=kept,
            by=manager,
            starts_at=TUESDAY + timedelta(hours=2),
            ends_at=TUESDAY + timedelta(hours=3),
            now=NOW,
        )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=kept, by=member, now=NOW)
    assert receiver.kinds() == [
        "booking.created",
        "booking.created",
        "booking.decided",
        "booking.decided",
        "booking.moved",
        "booking.cancelled",
    ]
    assert all(one.signed for one in receiver.received)
    bodies = [one.body for one in receiver.received]
    assert [b.get("detail") for b in bodies[2:]] == [
        {"decision": "approved"},
        {"decision": "declined"},
        None,
        {"reason": "cancelled"},
    ]
    assert bodies[4]["booking"]["starts_at"] == "2027-01-05T12:00:00+00:00"
    assert len({one.event_id for one in receiver.received}) == 6
    assert WebhookDelivery.objects.filter(status="delivered").count() == 6


def test_a_request_that_expires_and_a_no_show_are_events_too(
    endpoint, receiver, room, hall, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pending = _book(hall, member)
    with django_capture_on_commit_callbacks(execute=True):
        expire_request(booking_id=pending.pk, now=pending.expires_at + timedelta(minutes=1))
    room.grace_period = timedelta(minutes=15)
    room.save()
    with django_capture_on_commit_callbacks(execute=True):
        missed = _book(room, member)
    with django_capture_on_commit_callbacks(execute=True):
        release_no_show(booking_id=missed.pk, now=missed.starts_at + timedelta(minutes=20))
    details = [(one.body["kind"], one.body.get("detail")) for one in receiver.delivered()]
    assert details == [
        ("booking.created", None),
        ("booking.decided", {"decision": "expired"}),
        ("booking.created", None),
        ("booking.cancelled", {"reason": "no_show"}),
    ]
    assert receiver.delivered()[3].body["booking"]["status"] == "no_show"


def _series(room, member, count: int = 4) -> list[Booking]:
    def make():
        return new_series(
            space=room,
            booker=member,
            title="Choir practice",
            duration=timedelta(hours=2),
            frequency=Series.Frequency.WEEKLY,
            starts_on=dt.date(2027, 1, 5),
            start_time=time(10),
            count=count,
        )

    fingerprint = preview_series(series=make(), now=NOW).fingerprint()
    outcome = book_series(series=make(), expected=fingerprint, now=NOW)
    return [date.booking for date in outcome.free if date.booking]


def test_a_series_sends_one_created_event_per_date_and_one_change_event(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dates = _series(room, member)
    assert receiver.kinds() == ["booking.created"] * 4
    assert {one.body["booking"]["id"] for one in receiver.received} == {d.pk for d in dates}
    change = Change(start_time=time(14), duration=timedelta(hours=2), space=room, title="Choir")
    preview = change_series(booking=dates[2], by=member, scope="following", change=change, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        done = change_series(
            booking=dates[2],
            by=member,
            scope="following",
            change=change,
            expected=preview.fingerprint(),
            now=NOW,
        )
    assert receiver.kinds()[4:] == ["booking.moved", "booking.moved", "series.changed"]
    last = receiver.received[-1].body
    assert last["series"] == {
        "id": done.series.pk,
        "space": "meeting-room",
        "booking_ids": [dates[2].pk, dates[3].pk],
    }
    assert "booking" not in last


def test_a_rolled_back_booking_sends_nothing(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _book(room, member)
        raise RuntimeError("something after the booking failed")
    assert receiver.received == [] and not WebhookDelivery.objects.exists()
    assert not Booking.objects.exists()


def test_a_failing_receiver_is_retried_and_gets_the_event_exactly_once_when_it_recovers(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    start = datetime(2027, 1, 4, 8, tzinfo=UTC)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    assert delivery.next_attempt_at == start + RETRY_DELAYS[0]
    assert send_due(now=start + RETRY_DELAYS[0] - timedelta(seconds=1)) == []  # not yet due
    with time_machine.travel(start + RETRY_DELAYS[0], tick=False):
        send_due()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_error) == (2, "Answered 503")
    later = start + RETRY_DELAYS[0] + RETRY_DELAYS[1]
    with time_machine.travel(later, tick=False):
        [tried] = send_due()
    assert (tried.status, tried.attempts, tried.delivered_at) == ("delivered", 3, later)
    with time_machine.travel(later + timedelta(days=1), tick=False):
        assert send_due() == []
        assert send_delivery(delivery_id=delivery.pk) is None  # delivered: never sent again
    assert [one.answered for one in receiver.received] == [500, 503, 200]
    assert len({one.event_id for one in receiver.received}) == 1  # the same event each time
    assert all(one.signed for one in receiver.received)
    assert len(receiver.delivered()) == 1


def test_a_receiver_that_never_recovers_is_given_up_on_after_the_last_retry(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500] * 10
    moment = datetime(2027, 1, 4, 8, tzinfo=UTC)
    with time_machine.travel(moment, tick=False), django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    for delay in RETRY_DELAYS:
        moment += delay
        with time_machine.travel(moment, tick=False):
            send_due()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", len(RETRY_DELAYS) + 1)
    assert delivery.next_attempt_at is None
    assert send_due(now=moment + timedelta(days=2)) == []


def test_a_backend_that_can_defer_gets_the_retry_queued_for_later(
    endpoint, receiver, room, member, settings, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 500]
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    from django.tasks import default_task_backend

    with (
        time_machine.travel(delivery.next_attempt_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_delivery(delivery_id=delivery.pk)
    [queued] = default_task_backend.results
    assert queued.task.run_after == delivery.next_attempt_at + RETRY_DELAYS[1]
    assert queued.kwargs == {"delivery_id": delivery.pk}


def test_a_delivery_claimed_by_another_sender_is_not_posted_twice(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    due = delivery.next_attempt_at
    WebhookDelivery.objects.filter(pk=delivery.pk).update(claimed_until=due + timedelta(minutes=1))
    assert send_delivery(delivery_id=delivery.pk, now=due) is None
    assert send_delivery(delivery_id=delivery.pk, now=due + timedelta(minutes=1)) is not None
    assert len(receiver.received) == 2


def test_an_endpoint_gets_only_the_events_it_chose(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    endpoint.events = ["booking.cancelled"]
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = _book(room, member)
    assert receiver.received == [] and not WebhookDelivery.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=booking, by=member, now=NOW)
    assert receiver.kinds() == ["booking.cancelled"]


def test_events_while_an_endpoint_is_paused_wait_and_are_sent_once_it_resumes(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    endpoint.active = False
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    assert receiver.received == [] and delivery.status == "pending"
    assert send_due(now=delivery.next_attempt_at) == []
    endpoint.active = True
    endpoint.save()
    [sent] = send_due(now=delivery.next_attempt_at)
    assert sent.status == "delivered" and receiver.kinds() == ["booking.created"]


def test_events_waiting_when_an_endpoint_is_paused_are_sent_once_it_resumes(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    endpoint.active = False
    endpoint.save()
    delivery = WebhookDelivery.objects.get()
    assert send_due(now=delivery.next_attempt_at) == []
    endpoint.active = True
    endpoint.save()
    [sent] = send_due(now=delivery.next_attempt_at)
    assert sent.status == "delivered" and len(receiver.delivered()) == 1


def test_another_venues_endpoint_hears_nothing(
    endpoint, receiver, member, django_capture_on_commit_callbacks
):
    elsewhere = SpaceFactory(name="Studio", slug="studio")
    with django_capture_on_commit_callbacks(execute=True):
        _book(elsewhere, member)
    assert receiver.received == []


def test_an_address_that_turned_private_is_refused_at_send_time_and_retried(
    endpoint, room, member, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False  # the receiver's http://127.0.0.1 now refused
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code is None
    assert "Only https://" in delivery.last_error


def test_the_signature_detects_a_changed_body_a_wrong_secret_and_a_replay():
    body = b'{"id":"1","kind":"booking.created"}'
    sent_at = 1_800_000_000
    header = signing.signature("whsec_abc", body, timestamp=sent_at)
    assert signing.verify("whsec_abc", body, header, now=sent_at + 10)
    assert not signing.verify("whsec_abc", body + b" ", header, now=sent_at + 10)
    assert not signing.verify("whsec_other", body, header, now=sent_at + 10)
    # The same request replayed six minutes later: the signature is good, but it is too old.
    assert not signing.verify("whsec_abc", body, header, now=sent_at + 6 * 60)
    assert not signing.verify("whsec_abc", body, "v1=deadbeef", now=sent_at)
    assert not signing.verify("whsec_abc", body, "t=soon,v1=x", now=sent_at)


def test_every_attempt_sends_the_same_bytes_with_a_fresh_timestamp(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
    delivery = WebhookDelivery.objects.get()
    first = body_of(delivery)
    send_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert body_of(delivery) == first
    assert receiver.received[0].body == receiver.received[1].body


def test_the_signal_says_nothing_for_a_booking_deleted_before_it_is_heard(
    endpoint, receiver, room, member
):
    from webhooks.services import record_event

    assert (
        record_event(
            kind=events.CREATED, occurred_at=NOW, venue_id=room.venue_id, booking_id=999, detail={}
        )
        == []
    )
    assert receiver.received == []


def test_a_member_who_is_not_a_manager_changes_nothing(db, venue):
    from webhooks.services import WebhookError, add_endpoint

    with pytest.raises(WebhookError, match="Only a manager"):
        add_endpoint(
            venue=venue,
            by=MemberFactory(),
            url="https://hooks.example.org/x",
            events=["booking.created"],
        )


def test_a_slow_sweep_signs_and_claims_each_delivery_with_the_time_it_is_sent(
    endpoint, receiver, room, member, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 500]
    start = datetime(2027, 1, 4, 8, tzinfo=UTC)
    with time_machine.travel(start, tick=False), django_capture_on_commit_callbacks(execute=True):
        _book(room, member)
        _book(room, member, starts_at=TUESDAY + timedelta(hours=2))
    later = start + timedelta(minutes=20)  # the sweep began at +1 min; the clock has moved on
    with time_machine.travel(later, tick=False):
        tried = send_due(now=start + RETRY_DELAYS[0])
    assert [one.delivered_at for one in tried] == [later, later]
    assert all(one.signed for one in receiver.received)  # within five minutes of the receiver


def test_deciding_a_whole_series_sends_one_decided_event_per_date(
    endpoint, receiver, venue, member, manager, django_capture_on_commit_callbacks
):
    from bookings.series import decide_series
    from tests.factories import SpaceFactory

    hall = SpaceFactory(venue=venue, name="Main hall", slug="main-hall", requires_approval=True)
    with django_capture_on_commit_callbacks(execute=True):
        _series(hall, member, count=3)
    dates = list(Booking.objects.filter(space=hall).order_by("starts_at"))
    with django_capture_on_commit_callbacks(execute=True):
        decide_series(
            series=dates[0].series,
            by=manager,
            approve=[dates[0].pk, dates[2].pk],
            reason="Half term",
            now=NOW,
        )
    decided = [
        (one.body["booking"]["id"], one.body["detail"]["decision"])
        for one in receiver.delivered()
        if one.body["kind"] == "booking.decided"
    ]
    assert sorted(decided) == [
        (dates[0].pk, "approved"),
        (dates[1].pk, "declined"),
        (dates[2].pk, "approved"),
    ]
