"""Waiting lists: a member waits for a taken time; when it frees up (a cancellation, a decline, an
expired request, a move away) the first in line is emailed a claim link valid for two hours and
never past the start; an offer not claimed passes to the next; a claim books through the normal
service and works once. Driven by frozen time.

NOW is Monday 4 January 2027, 08:00 (London on GMT, so local == UTC); the slots are on Tuesday.
"""

import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from bookings.expiry import expire_requests
from bookings.models import Booking, WaitlistEntry
from bookings.rules import BookingError
from bookings.services import cancel_booking, decline_booking, move_booking, request_booking
from bookings.waitlist_claims import ClaimRefused, claim_offer
from bookings.waitlists import join_waitlist, leave_waitlist, offer_waitlists
from tests.conftest import NOW
from tests.factories import DeskPoolFactory, MemberFactory, SpaceFactory, WaitlistEntryFactory

TEN = datetime(2027, 1, 5, 10, tzinfo=UTC)
ELEVEN = TEN + timedelta(hours=1)
SITE = "https://book.example.org"
CLAIM = re.compile(re.escape(SITE) + r"/waitlist/claim/([\w-]+)/")


@pytest.fixture
def clock():
    """Frozen at NOW; `clock.move_to(...)` moves it. The hooks that run on commit read it."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what waits for the commit (the waiting list's offer, the emails) as each call ends."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def book(space, member, starts_at=TEN, ends_at=ELEVEN, **kwargs) -> Booking:
    kwargs.setdefault("title", "Planning meeting")
    return request_booking(
        booker=member, space=space, starts_at=starts_at, ends_at=ends_at, now=NOW, **kwargs
    )


def join(space, member, starts_at=TEN, ends_at=ELEVEN, **kwargs) -> WaitlistEntry:
    kwargs.setdefault("title", "Waiting for it")
    return join_waitlist(
        member=member, space=space, starts_at=starts_at, ends_at=ends_at, now=NOW, **kwargs
    )


def states() -> list[tuple[str, str]]:
    return list(WaitlistEntry.objects.order_by("pk").values_list("title", "state"))


def claim_links() -> list[str]:
    return [token for message in mail.outbox for token in CLAIM.findall(message.body)]


# --- Joining -----------------------------------------------------------------------------------


def test_a_member_joins_the_list_for_a_taken_time_once(clock, room, member, other_member):
    book(room, other_member)
    entry = join(room, member, title="Trustees")
    assert (entry.state, entry.title, entry.offer_token) == ("waiting", "Trustees", None)
    with pytest.raises(BookingError, match="already on the waiting list"):
        join(room, member)
    assert WaitlistEntry.objects.count() == 1


def test_a_free_time_is_booked_not_waited_for(clock, room, member):
    with pytest.raises(BookingError, match="is free then"):
        join(room, member)
    assert not WaitlistEntry.objects.exists()


def test_a_time_outside_the_rules_cannot_be_waited_for(clock, room, member, other_member):
    book(room, other_member, starts_at=TEN.replace(hour=16), ends_at=TEN.replace(hour=17))
    with pytest.raises(BookingError, match="not open"):
        join(room, member, starts_at=TEN.replace(hour=16), ends_at=TEN.replace(hour=18))
    assert not WaitlistEntry.objects.exists()


def test_the_holder_of_a_time_cannot_wait_for_it(clock, room, member):
    book(room, member)
    with pytest.raises(BookingError, match="already have"):
        join(room, member)
    assert not WaitlistEntry.objects.exists()


def test_a_desk_pool_is_waited_for_only_when_every_desk_is_taken(clock, venue, member):
    pool = DeskPoolFactory(venue=venue, seats=2)
    book(pool, MemberFactory())
    with pytest.raises(BookingError, match="is free then"):
        join(pool, member)
    book(pool, MemberFactory())
    assert join(pool, member).state == "waiting"


# --- Offers ------------------------------------------------------------------------------------


@override_settings(SITE_URL=SITE)
def test_the_first_to_join_is_offered_first_by_email_with_a_claim_link(
    clock, on_commit, room, member, other_member
):
    taken = book(room, other_member)
    first = join(room, member, title="First")
    clock.shift(timedelta(minutes=5))
    join(room, MemberFactory(), title="Second")
    mail.outbox.clear()
    on_commit(cancel_booking, booking=taken, by=other_member, now=NOW)
    assert states() == [("First", "offered"), ("Second", "waiting")]
    first.refresh_from_db()
    # Two hours from when it was offered (the clock reads 08:05 then).
    assert first.offer_expires_at == NOW + timedelta(minutes=5, hours=2)
    offers = [message for message in mail.outbox if message.to == [member.email]]
    assert len(offers) == 1
    assert claim_links() == [first.offer_token]
    assert len(first.offer_token) >= 40


@override_settings(WAITLIST_OFFER_MINUTES=30)
def test_the_time_to_claim_is_configurable_and_never_past_the_start(
    clock, on_commit, room, member, other_member
):
    soon = NOW.replace(hour=9), NOW.replace(hour=10)
    taken = book(room, other_member, *soon)
    later = book(room, other_member)
    join(room, member, *soon, title="Soon")
    join(room, member, title="Later")
    clock.move_to(NOW.replace(hour=8, minute=45))
    now = NOW.replace(hour=8, minute=45)
    on_commit(cancel_booking, booking=taken, by=other_member, now=now)
    on_commit(cancel_booking, booking=later, by=other_member, now=now)
    expiries = dict(WaitlistEntry.objects.values_list("title", "offer_expires_at"))
    assert expiries == {"Soon": soon[0], "Later": now + timedelta(minutes=30)}


def test_an_offer_not_claimed_passes_to_the_next(clock, on_commit, room, member, other_member):
    taken = book(room, other_member)
    join(room, member, title="First")
    join(room, MemberFactory(), title="Second")
    on_commit(cancel_booking, booking=taken, by=other_member, now=NOW)
    mail.outbox.clear()
    clock.move_to(NOW + timedelta(hours=1, minutes=59))
    assert on_commit(offer_waitlists) == []
    assert states() == [("First", "offered"), ("Second", "waiting")]
    clock.move_to(NOW + timedelta(hours=2))
    offered = on_commit(offer_waitlists)
    assert [entry.title for entry in offered] == ["Second"]
    assert states() == [("First", "expired"), ("Second", "offered")]
    assert len(mail.outbox) == 1


def test_the_offer_job_run_twice_offers_and_emails_once(
    clock, on_commit, room, member, other_member
):
    taken = book(room, other_member)
    join(room, member, title="First")
    join(room, MemberFactory(), title="Second")
    # Freed without the hook (as if its commit hook was lost): the job catches up.
    Booking.objects.filter(pk=taken.pk).update(status=Booking.Status.CANCELLED)
    mail.outbox.clear()
    out = StringIO()
    with_command = lambda: call_command("offer_waitlists", stdout=out)  # noqa: E731
    on_commit(with_command)
    on_commit(with_command)
    assert states() == [("First", "offered"), ("Second", "waiting")]
    assert len(mail.outbox) == 1
    assert out.getvalue().splitlines()[-1] == "0 offers made."


def test_a_freed_room_is_offered_to_one_member_at_a_time(
    clock, on_commit, room, member, other_member
):
    taken = book(room, other_member, ends_at=TEN + timedelta(hours=2))
    join(room, member, title="Ten to eleven")
    join(
        room,
        MemberFactory(),
        title="Eleven to twelve",
        starts_at=ELEVEN,
        ends_at=ELEVEN + timedelta(hours=1),
    )
    join(room, MemberFactory(), title="Ten to twelve", ends_at=TEN + timedelta(hours=2))
    on_commit(cancel_booking, booking=taken, by=other_member, now=NOW)
    # The two that do not clash are both offered; the third overlaps both offers.
    assert states() == [
        ("Ten to eleven", "offered"),
        ("Eleven to twelve", "offered"),
        ("Ten to twelve", "waiting"),
    ]


def test_a_freed_desk_goes_to_the_first_in_line(clock, on_commit, venue, member):
    pool = DeskPoolFactory(venue=venue, seats=2)
    leaving = book(pool, MemberFactory())
    book(pool, MemberFactory())
    join(pool, member, title="First")
    join(pool, MemberFactory(), title="Second")
    on_commit(cancel_booking, booking=leaving, by=leaving.booker, now=NOW)
    assert states() == [("First", "offered"), ("Second", "waiting")]


def test_a_decline_an_expired_request_and_a_move_free_time_for_the_list(
    clock, on_commit, venue, manager, member, other_member
):
    hall = SpaceFactory(venue=venue, requires_approval=True, approval_deadline=timedelta(hours=2))
    room = SpaceFactory(venue=venue)
    declined = book(
        hall, other_member, starts_at=TEN.replace(day=12), ends_at=ELEVEN.replace(day=12)
    )
    book(hall, other_member)  # expires at 10:00
    moving = book(room, other_member)
    join(hall, member, TEN.replace(day=12), ELEVEN.replace(day=12), title="After the decline")
    join(hall, member, title="After the expiry")
    join(room, member, title="After the move")
    on_commit(decline_booking, booking=declined, by=manager, reason="Full", now=NOW)
    clock.move_to(NOW + timedelta(hours=2))
    on_commit(expire_requests, now=NOW + timedelta(hours=2))
    on_commit(
        move_booking,
        booking=moving,
        by=other_member,
        starts_at=TEN.replace(hour=14),
        ends_at=ELEVEN.replace(hour=15),
        now=NOW + timedelta(hours=2),
    )
    assert {state for _title, state in states()} == {"offered"}


def test_a_move_that_fails_frees_nothing(clock, on_commit, room, member, other_member):
    moving = book(room, other_member)
    book(room, MemberFactory(), starts_at=TEN.replace(hour=14), ends_at=ELEVEN.replace(hour=15))
    join(room, member)
    with pytest.raises(BookingError):
        on_commit(
            move_booking,
            booking=moving,
            by=other_member,
            starts_at=TEN.replace(hour=14),
            ends_at=ELEVEN.replace(hour=15),
            now=NOW,
        )
    assert states() == [("Waiting for it", "waiting")]


def test_leaving_passes_an_offer_on_to_the_next(clock, on_commit, room, member, other_member):
    taken = book(room, other_member)
    first = join(room, member, title="First")
    join(room, MemberFactory(), title="Second")
    on_commit(cancel_booking, booking=taken, by=other_member, now=NOW)
    with pytest.raises(BookingError, match="Only the member"):
        leave_waitlist(entry=first, member=other_member)
    on_commit(leave_waitlist, entry=first, member=member)
    assert states() == [("First", "withdrawn"), ("Second", "offered")]


def test_an_entry_whose_time_has_come_expires(clock, on_commit, room, member, other_member):
    book(room, other_member)
    join(room, member)
    clock.move_to(TEN)
    on_commit(offer_waitlists)
    assert states() == [("Waiting for it", "expired")]


# --- Claims ------------------------------------------------------------------------------------


def offered(room, member, other_member, on_commit) -> WaitlistEntry:
    taken = book(room, other_member)
    entry = join(room, member, title="Claimed")
    join(room, MemberFactory(), title="Next")
    on_commit(cancel_booking, booking=taken, by=other_member, now=NOW)
    entry.refresh_from_db()
    assert entry.state == "offered"
    return entry


def test_a_claim_books_the_time_and_the_link_works_once(
    clock, on_commit, room, member, other_member
):
    entry = offered(room, member, other_member, on_commit)
    booking = on_commit(claim_offer, token=entry.offer_token, member=member)
    assert (booking.booker, booking.starts_at, booking.title, booking.status) == (
        member,
        TEN,
        "Claimed",
        "confirmed",
    )
    entry.refresh_from_db()
    assert (entry.state, entry.booking) == ("claimed", booking)
    with pytest.raises(ClaimRefused, match="has been used") as refused:
        claim_offer(token=entry.offer_token, member=member)
    assert refused.value.status == 410
    assert Booking.objects.active().count() == 1
    assert states() == [("Claimed", "claimed"), ("Next", "waiting")]


def test_another_member_cannot_use_a_claim_link(clock, on_commit, room, member, other_member):
    entry = offered(room, member, other_member, on_commit)
    with pytest.raises(ClaimRefused, match="sent to another member") as refused:
        claim_offer(token=entry.offer_token, member=other_member)
    assert refused.value.status == 403
    assert not Booking.objects.active().exists()
    assert states() == [("Claimed", "offered"), ("Next", "waiting")]


def test_a_claim_after_the_offer_expired_is_refused(clock, on_commit, room, member, other_member):
    entry = offered(room, member, other_member, on_commit)
    clock.move_to(NOW + timedelta(hours=2))
    with pytest.raises(ClaimRefused, match="expired"):
        claim_offer(token=entry.offer_token, member=member)
    assert not Booking.objects.active().exists()
    on_commit(offer_waitlists)
    with pytest.raises(ClaimRefused, match="expired"):
        claim_offer(token=entry.offer_token, member=member)
    assert states() == [("Claimed", "expired"), ("Next", "offered")]


def test_a_claim_when_someone_booked_meanwhile_is_refused_and_writes_nothing(
    clock, on_commit, room, member, other_member
):
    entry = offered(room, member, other_member, on_commit)
    quick = book(room, MemberFactory(), title="Got there first")
    mail.outbox.clear()
    with pytest.raises(BookingError, match="already booked"):
        on_commit(claim_offer, token=entry.offer_token, member=member)
    assert list(Booking.objects.active().values_list("pk", flat=True)) == [quick.pk]
    # The offer stays open until it expires; the time is taken, so nobody else is offered it.
    assert states() == [("Claimed", "offered"), ("Next", "waiting")]
    clock.move_to(NOW + timedelta(hours=2))
    assert on_commit(offer_waitlists) == []
    assert states() == [("Claimed", "expired"), ("Next", "waiting")]
    assert mail.outbox == []


def test_an_unknown_claim_link_is_refused(clock, member):
    with pytest.raises(ClaimRefused) as refused:
        claim_offer(token="not-a-token", member=member)
    assert refused.value.status == 404


def test_a_claim_is_priced_like_a_booking(clock, on_commit, venue, member, other_member):
    from decimal import Decimal

    priced = SpaceFactory(venue=venue, rate=Decimal("12.50"))
    entry = offered(priced, member, other_member, on_commit)
    preview = claim_offer(token=entry.offer_token, member=member, preview=True)
    assert preview.pk is None and preview.price == Decimal("12.50")
    entry.refresh_from_db()
    assert entry.state == "offered"
    booking = on_commit(
        claim_offer, token=entry.offer_token, member=member, expected_price=Decimal("12.50")
    )
    assert booking.price == Decimal("12.50")


def test_the_factory_makes_a_waiting_entry(db):
    assert WaitlistEntryFactory().state == "waiting"
