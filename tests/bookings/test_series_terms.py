"""A series re-confirmed each term: the next block waits for the organiser's answer."""

import datetime as dt
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from bookings.models import Series
from bookings.rules import BookingError
from bookings.series_extend import extend_series
from bookings.series_terms import answer_term, next_block_states, set_reconfirm
from tests.conftest import NOW
from tests.factories import BookingFactory

from .test_jobs_concurrency import at_once
from .test_series_extend import TUESDAYS, _book, _dates


@pytest.fixture
def near_room(room):
    room.horizon = timedelta(days=21)
    room.save()
    return room


@pytest.fixture
def termly(near_room, member):
    """Ten Tuesdays from 5 Jan 2027, re-confirmed every 4 weeks: confirmed up to 22 Feb."""
    series = _book(near_room, member)
    set_reconfirm(series=series, weeks=4, now=NOW)
    return series


ASKED = NOW + timedelta(days=35)  # 8 Feb: the horizon passes the confirmed block


def _ask(series: Series) -> None:
    """The daily runs up to the ask: 18 Jan books two more dates, 8 Feb the last confirmed two."""
    extend_series(now=NOW + timedelta(days=14))
    extend_series(now=ASKED)


def _fresh(series: Series) -> Series:
    return Series.objects.get(pk=series.pk)


def test_the_next_block_waits_and_the_organiser_is_asked_once(
    termly, mailoutbox, django_capture_on_commit_callbacks
):
    assert [b.starts_at for b in extend_series(now=NOW + timedelta(days=14))] == TUESDAYS[3:5]
    assert _fresh(termly).confirm_by is None
    with django_capture_on_commit_callbacks(execute=True):
        extend_series(now=ASKED)
    assert _dates(termly) == TUESDAYS[:7]  # up to 16 Feb, not the 23rd
    series = _fresh(termly)
    assert series.confirm_by == series.confirmed_until  # the start of the next block
    asked = [m for m in mailoutbox if "confirm the next dates" in m.subject]
    assert len(asked) == 1 and asked[0].to == ["freelancer@example.org"]
    assert reverse("bookings:confirm_term", kwargs={"pk": termly.pk}) in asked[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert extend_series(now=ASKED) == []
        assert extend_series(now=ASKED + timedelta(days=1)) == []
    assert _dates(termly) == TUESDAYS[:7]
    assert len([m for m in mailoutbox if "confirm the next dates" in m.subject]) == 1
    assert _fresh(termly).confirm_by == series.confirm_by


def test_keeping_books_the_next_block_and_a_second_answer_changes_nothing(termly):
    _ask(termly)
    assert answer_term(series=termly, keep=True, now=ASKED + timedelta(days=2)) == 2
    assert _dates(termly) == TUESDAYS[:9]  # 23 Feb and 2 Mar, within the horizon on 10 Feb
    with pytest.raises(BookingError, match="not waiting"):
        answer_term(series=termly, keep=True, now=ASKED + timedelta(days=2))
    assert extend_series(now=ASKED + timedelta(days=9)) and _dates(termly) == TUESDAYS


def test_unanswered_by_the_deadline_the_series_ends_with_the_confirmed_block(termly):
    _ask(termly)
    deadline = _fresh(termly).confirm_by
    with pytest.raises(BookingError, match="deadline"):
        answer_term(series=termly, keep=True, now=deadline)
    assert _dates(termly) == TUESDAYS[:7]
    assert extend_series(now=deadline + timedelta(hours=1)) == []
    series = _fresh(termly)
    assert series.tried_until is None and series.confirm_by is None
    assert extend_series(now=deadline + timedelta(days=30)) == []
    assert _dates(termly) == TUESDAYS[:7]
    with pytest.raises(BookingError, match="not waiting"):
        answer_term(series=termly, keep=True, now=deadline + timedelta(days=1))


def test_a_series_ending_unconfirmed_tells_the_organiser_and_the_managers_once(
    termly, manager, mailoutbox, django_capture_on_commit_callbacks, time_machine
):
    _ask(termly)
    deadline = _fresh(termly).confirm_by
    mailoutbox.clear()
    time_machine.move_to(deadline + timedelta(hours=1), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("extend_series", stdout=StringIO())
    ended = [m for m in mailoutbox if "has ended" in m.subject]
    assert sorted(m.to for m in ended) == [["freelancer@example.org"], ["manager@example.org"]]
    organiser = next(m for m in ended if m.to == ["freelancer@example.org"])
    # The next term's dates still to come (23 Feb, 2 and 9 Mar), not those already booked.
    assert "Released (3 dates):" in organiser.body
    for day in ("Tue 23 Feb 2027, 10:00", "Tue 2 Mar 2027, 10:00", "Tue 9 Mar 2027, 10:00"):
        assert day in organiser.body
    assert "Tue 16 Feb 2027" not in organiser.body
    again = reverse("bookings:repeat", args=[termly.space.venue.slug, termly.space.slug])
    assert f"{again}?start=2027-02-23T10%3A00&end=2027-02-23T12%3A00" in organiser.body
    managers = next(m for m in ended if m.to == ["manager@example.org"])
    assert "Fay Freelancer did not confirm the next dates" in managers.body
    assert "Released (3 dates):" in managers.body
    # The command run again, and again a week later: the series has ended, nothing is sent.
    for later in (timedelta(hours=2), timedelta(days=8)):
        time_machine.move_to(deadline + later, tick=False)
        with django_capture_on_commit_callbacks(execute=True):
            call_command("extend_series", stdout=StringIO())
    assert len([m for m in mailoutbox if "has ended" in m.subject]) == 2


def test_a_series_the_organiser_stops_sends_no_ended_email(
    termly, manager, mailoutbox, django_capture_on_commit_callbacks
):
    _ask(termly)
    with django_capture_on_commit_callbacks(execute=True):
        answer_term(series=termly, keep=False, now=ASKED)
        extend_series(now=ASKED + timedelta(days=30))
    assert not [m for m in mailoutbox if "has ended" in m.subject]


def test_stopping_ends_the_series(termly):
    _ask(termly)
    assert answer_term(series=termly, keep=False, now=ASKED) == 0
    assert extend_series(now=ASKED + timedelta(days=30)) == []
    assert _dates(termly) == TUESDAYS[:7]


def test_the_organiser_answers_on_the_page(termly, client, member, other_member, time_machine):
    _ask(termly)
    BookingFactory(space=termly.space, booker=other_member, starts_at=TUESDAYS[8])
    time_machine.move_to(ASKED + timedelta(days=2), tick=False)
    client.force_login(member)
    url = reverse("bookings:confirm_term", kwargs={"pk": termly.pk})
    page = client.get(url)
    assert page.status_code == 200
    assert (
        "Tue 23 Feb 2027" in page.content.decode() and "Keep these dates" in page.content.decode()
    )
    states = [row.state for row in next_block_states(termly)]
    assert states == ["free", "taken", "free"]  # 23 Feb, 2 Mar (another's), 9 Mar
    assert "Taken: would be skipped" in page.content.decode()
    assert client.post(url, {"answer": "keep"}).status_code == 302
    assert _dates(termly) == TUESDAYS[:8]  # 2 Mar was taken: skipped
    again = client.post(url, {"answer": "keep"})
    assert again.status_code == 409 and "not waiting" in again.content.decode()
    assert _dates(termly) == TUESDAYS[:8]


def test_someone_elses_link_shows_nothing_and_changes_nothing(
    termly, client, other_member, manager, time_machine
):
    _ask(termly)
    time_machine.move_to(ASKED + timedelta(days=1), tick=False)
    url = reverse("bookings:confirm_term", kwargs={"pk": termly.pk})
    for person in (other_member, manager):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "stop"}).status_code == 404
    assert _fresh(termly).confirm_by is not None and _dates(termly) == TUESDAYS[:7]


def test_a_manager_sets_the_term_and_others_may_not(near_room, member, manager, client):
    series = _book(near_room, member)
    url = reverse("bookings:series_term", kwargs={"pk": series.pk})
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.post(url, {"weeks": "4"}).status_code == 404
    assert _fresh(series).reconfirm_every is None
    client.force_login(manager)
    assert client.get(url).status_code == 200
    assert client.post(url, {"weeks": "0"}).status_code == 400
    assert _fresh(series).reconfirm_every is None
    assert client.post(url, {"weeks": "4"}).status_code == 302
    saved = _fresh(series)
    assert saved.reconfirm_every == 4 and saved.confirmed_until is not None
    assert client.post(url, {"weeks": ""}).status_code == 302
    assert _fresh(series).reconfirm_every is None and _fresh(series).confirmed_until is None


def test_a_series_split_by_a_change_keeps_its_term(termly, member):
    from bookings.series import Scope
    from bookings.series_edit import Change, change_series

    _ask(termly)
    later = termly.bookings.order_by("starts_at")[6]
    change = Change(
        start_time=dt.time(10), duration=timedelta(hours=1), space=termly.space, title="Choir"
    )
    when = ASKED
    preview = change_series(
        booking=later, by=member, scope=Scope.FOLLOWING, change=change, now=when
    )
    change_series(
        booking=later,
        by=member,
        scope=Scope.FOLLOWING,
        change=change,
        expected=preview.fingerprint(),
        now=when,
    )
    rest = Series.objects.exclude(pk=termly.pk).get()
    old = _fresh(termly)
    assert (rest.reconfirm_every, rest.confirmed_until) == (4, old.confirmed_until)
    assert rest.confirm_by == old.confirm_by is not None


def _each_date_once(series: Series) -> None:
    dates = _dates(series)
    assert len(dates) == len(set(dates)), dates


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_book_the_confirmed_block_once_and_ask_once(termly, mailoutbox):
    extend_series(now=NOW + timedelta(days=14))
    mailoutbox.clear()
    results = at_once(lambda: extend_series(now=ASKED), machines=2)
    assert sorted(len(added) for added in results) == [0, 2]  # one run books, the other skips
    _each_date_once(termly)
    assert _dates(termly) == TUESDAYS[:7]
    series = _fresh(termly)
    assert series.confirm_by == series.confirmed_until
    assert len([m for m in mailoutbox if "confirm the next dates" in m.subject]) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_keeping_while_two_runs_extend_books_the_next_block_once(termly, mailoutbox):
    _ask(termly)
    kept_at = ASKED + timedelta(days=2)

    turns, lock = iter(range(3)), threading.Lock()

    def keep_or_extend() -> int:
        """The organiser keeps the next term on one thread; two cron runs on the others."""
        with lock:
            turn = next(turns)
        if turn == 0:
            return answer_term(series=termly, keep=True, now=kept_at)
        return len(extend_series(now=kept_at))

    results = at_once(keep_or_extend, machines=3)
    assert sum(results) == 2  # 23 Feb and 2 Mar, by whichever got the series first
    _each_date_once(termly)
    assert _dates(termly) == TUESDAYS[:9]
    assert _fresh(termly).confirmed_until == termly.confirmed_until + timedelta(weeks=4)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_after_the_deadline_end_the_series_with_one_email_each(
    termly, manager, mailoutbox
):
    _ask(termly)
    deadline = _fresh(termly).confirm_by
    mailoutbox.clear()
    results = at_once(lambda: extend_series(now=deadline + timedelta(hours=1)), machines=2)
    assert results == [[], []]
    _each_date_once(termly)
    assert _dates(termly) == TUESDAYS[:7]
    assert _fresh(termly).tried_until is None
    ended = sorted(m.to[0] for m in mailoutbox if "has ended" in m.subject)
    assert ended == ["freelancer@example.org", "manager@example.org"]
