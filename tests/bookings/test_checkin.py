"""Check-in and no-shows (bookings.checkin), with the clock frozen: the check-in window's edges,
the grace period's edge, who may check in, release that is idempotent and frees the time."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from bookings import checkin
from bookings.checkin import check_in, release_no_shows
from bookings.ical import ICS_STATUS
from bookings.models import Booking
from bookings.rules import BookingError
from bookings.services import cancel_booking, move_booking, request_booking
from bookings.statement_tables import StatementTable
from bookings.statements import member_statement
from memberships.funds import fund_used
from tests.conftest import NOW
from tests.factories import (
    BookingFactory,
    CommunityFundFactory,
    DeskPoolFactory,
    MemberFactory,
    SpaceFactory,
)

pytestmark = pytest.mark.django_db

# Tuesday 5 January 2027, 10:00–12:00 in London (GMT: local time is UTC).
START = datetime(2027, 1, 5, 10, tzinfo=UTC)
END = START + timedelta(hours=2)


@pytest.fixture
def desks(venue):
    return DeskPoolFactory(
        venue=venue, name="Hot desks", slug="hot-desks", grace_period=timedelta(minutes=20)
    )


@pytest.fixture
def desk_booking(desks, member):
    return request_booking(
        booker=member, space=desks, starts_at=START, ends_at=END, title="Desk", now=NOW
    )


def refused(booking, by, now) -> str:
    before = Booking.objects.values().get(pk=booking.pk)
    with pytest.raises(BookingError) as error:
        check_in(booking=booking, by=by, now=now)
    assert Booking.objects.values().get(pk=booking.pk) == before  # nothing written
    return error.value.message


# --- The check-in window -------------------------------------------------------------------


def test_check_in_opens_fifteen_minutes_before_the_start(desk_booking, member):
    opens = START - timedelta(minutes=15)
    message = refused(desk_booking, member, opens - timedelta(seconds=1))
    assert "opens at Tue 5 Jan 2027 09:45" in message
    done = check_in(booking=desk_booking, by=member, now=opens)
    assert done.checked_in_at == opens and done.checked_in_by == member


def test_check_in_closes_when_the_booking_ends(desk_booking, member):
    assert "already ended" in refused(desk_booking, member, END)
    last = END - timedelta(seconds=1)
    assert check_in(booking=desk_booking, by=member, now=last).checked_in_at == last


def test_the_window_follows_the_space(venue, member):
    room = SpaceFactory(venue=venue, check_in_opens_before=timedelta(hours=1))
    booking = BookingFactory(space=room, booker=member, starts_at=START)
    refused(booking, member, START - timedelta(minutes=61))
    check_in(booking=booking, by=member, now=START - timedelta(hours=1))


def test_twice_is_refused(desk_booking, member):
    check_in(booking=desk_booking, by=member, now=START)
    assert "already checked in" in refused(desk_booking, member, START + timedelta(minutes=5))


def test_someone_elses_booking_is_refused(desk_booking, other_member):
    assert "Only the booker or a venue manager" in refused(desk_booking, other_member, START)


def test_a_manager_checks_anyone_in(desk_booking, manager):
    done = check_in(booking=desk_booking, by=manager, now=START)
    assert done.checked_in_by == manager


def test_a_manager_of_another_venue_may_not(desk_booking):
    other = SpaceFactory().venue
    stranger = MemberFactory()
    other.managers.add(stranger)
    refused(desk_booking, stranger, START)


def test_cancelled_pending_and_released_bookings_are_refused(venue, member, desks):
    cancelled = BookingFactory(space=desks, booker=member, status=Booking.Status.CANCELLED)
    assert "cancelled" in refused(cancelled, member, START)
    pending = BookingFactory(space=desks, booker=member, status=Booking.Status.PENDING)
    assert "not been approved" in refused(pending, member, START)
    released = BookingFactory(space=desks, booker=member, status=Booking.Status.NO_SHOW)
    assert "released as a no-show" in refused(released, member, START)


# --- Release of no-shows -------------------------------------------------------------------


def test_release_waits_for_the_grace_period_to_pass(
    desk_booking, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert release_no_shows(now=START + timedelta(minutes=19, seconds=59)) == []
        mail.outbox.clear()
        assert release_no_shows(now=START + timedelta(minutes=20)) == [desk_booking]
    desk_booking.refresh_from_db()
    assert desk_booking.status == Booking.Status.NO_SHOW
    assert desk_booking.event is None  # gone from the space's calendar
    assert [m.subject for m in mail.outbox] == ["[Commonshare] Released as a no-show: Desk"]
    assert mail.outbox[0].to == ["freelancer@example.org"]


def test_release_is_idempotent(desk_booking, django_capture_on_commit_callbacks):
    later = START + timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        mail.outbox.clear()
        assert release_no_shows(now=later) == [desk_booking]
        assert release_no_shows(now=later) == []
        assert release_no_shows(now=later + timedelta(minutes=5)) == []
    assert len(mail.outbox) == 1
    assert desk_booking.sequence + 1 == Booking.objects.get(pk=desk_booking.pk).sequence


def test_a_checked_in_booking_is_never_released(desk_booking, member):
    check_in(booking=desk_booking, by=member, now=START + timedelta(minutes=19))
    assert release_no_shows(now=START + timedelta(hours=1)) == []


def test_rooms_without_a_grace_period_are_never_released(room, member):
    booking = BookingFactory(space=room, booker=member, starts_at=START)
    assert room.grace_period is None
    assert release_no_shows(now=START + timedelta(minutes=59)) == []
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED


def test_an_ended_booking_is_not_released(desk_booking):
    """Release frees the rest of the time; once it has ended there is none (cron was down)."""
    assert release_no_shows(now=END) == []


def test_release_offers_the_freed_time_to_the_waiting_list_after_commit(
    desk_booking, monkeypatch, django_capture_on_commit_callbacks
):
    from bookings import waitlists

    seen: list[tuple] = []
    monkeypatch.setattr(
        waitlists,
        "slot_freed",
        lambda *, space, starts_at, ends_at: seen.append((space.pk, starts_at, ends_at)),
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        release_no_shows(now=START + timedelta(minutes=20))
    assert seen == []  # not before the commit
    for callback in callbacks:
        callback()
    assert seen == [(desk_booking.space_id, desk_booking.starts_at, desk_booking.blocked_until)]


def test_a_no_show_frees_its_slot_for_a_new_booking(venue, member, other_member):
    room = SpaceFactory(venue=venue, grace_period=timedelta(minutes=10))
    booking = request_booking(
        booker=member, space=room, starts_at=START, ends_at=END, title="Team", now=NOW
    )
    later = START + timedelta(minutes=30)
    with pytest.raises(BookingError):
        request_booking(
            booker=other_member, space=room, starts_at=later, ends_at=END, title="Mine", now=later
        )
    assert release_no_shows(now=later) == [booking]
    taken = request_booking(
        booker=other_member, space=room, starts_at=later, ends_at=END, title="Mine", now=later
    )
    assert taken.status == Booking.Status.CONFIRMED


def test_a_no_show_is_not_cancellable_and_its_feed_entry_is_cancelled(desk_booking, member):
    release_no_shows(now=START + timedelta(minutes=20))
    desk_booking.refresh_from_db()
    with pytest.raises(BookingError):
        cancel_booking(booking=desk_booking, by=member, now=START + timedelta(minutes=30))
    assert str(ICS_STATUS[desk_booking.status]) == "CANCELLED"


def test_a_no_show_is_still_charged_on_the_statement(venue, member, desks):
    venue_booking = BookingFactory(
        space=desks,
        booker=member,
        starts_at=START,
        status=Booking.Status.NO_SHOW,
        price=Decimal("8.00"),
        full_price=Decimal("8.00"),
        price_basis=Booking.PriceBasis.FULL,
    )
    statement = member_statement(member=member, venue=venue, month=START.date().replace(day=1))
    assert [line.booking for line in statement.lines] == [venue_booking]
    assert statement.total == Decimal("8.00")


def test_the_command_releases_and_says_so(desk_booking, capsys):
    with time_machine.travel(START + timedelta(minutes=25), tick=False):
        call_command("release_no_shows")
        call_command("release_no_shows")
    out = capsys.readouterr().out
    assert out.count("released as a no-show") == 1
    assert "1 no-shows released." in out and "0 no-shows released." in out


def test_no_show_counts_per_booker(venue, desks, member, other_member):
    for days in (1, 10, 100):
        BookingFactory(
            space=desks,
            booker=member,
            status=Booking.Status.NO_SHOW,
            starts_at=START - timedelta(days=days),
        )
    BookingFactory(space=desks, booker=other_member, starts_at=START - timedelta(days=2))
    counts = checkin.no_show_counts(
        venue_id=venue.pk, booker_ids={member.pk, other_member.pk}, now=START
    )
    assert counts == {member.pk: 2}  # 100 days ago is past the 90 days remembered


def test_booking_to_check_in_picks_the_members_booking_in_the_window(desks, member, other_member):
    mine = BookingFactory(space=desks, booker=member, starts_at=START)
    BookingFactory(space=desks, booker=other_member, starts_at=START)
    find = checkin.booking_to_check_in
    assert find(space=desks, member=member, now=START - timedelta(minutes=16)) is None
    assert find(space=desks, member=member, now=START - timedelta(minutes=15)) == mine
    assert find(space=desks, member=member, now=END) is None
    check_in(booking=mine, by=member, now=START)
    assert find(space=desks, member=member, now=START) is None


def test_a_no_show_says_so_on_the_statement_and_keeps_its_fund_drawn(venue, member, desks):
    fund = CommunityFundFactory(venue=venue)
    BookingFactory(
        space=desks,
        booker=member,
        starts_at=START,
        status=Booking.Status.NO_SHOW,
        title="Missed desk",
        fund=fund,
        fund_drawn=Decimal("2.00"),
    )
    assert fund_used(fund=fund) == Decimal("2.00")
    statement = member_statement(member=member, venue=venue, month=START.date().replace(day=1))
    table = StatementTable(statement.lines, currency=venue.currency)
    assert [row.get_cell("title") for row in table.rows] == ["Missed desk (no-show)"]


def test_a_booking_checked_in_early_can_no_longer_be_moved(desk_booking, member):
    early = START - timedelta(minutes=10)
    check_in(booking=desk_booking, by=member, now=early)
    with pytest.raises(BookingError) as error:
        move_booking(
            booking=desk_booking,
            by=member,
            starts_at=START + timedelta(days=1),
            ends_at=END + timedelta(days=1),
            now=early,
        )
    assert "already checked in" in error.value.message
    desk_booking.refresh_from_db()
    assert desk_booking.starts_at == START
