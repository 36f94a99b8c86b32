"""Every email goes through a django.tasks task that runs only once the booking's transaction
commits (the database queue's row written in that transaction, other queues told on commit):
what it says (built from the row when the task runs), that a rolled-back booking sends nothing,
that a failing mail server leaves the booking as it was and the send is retried later, and that
the database queue of production (django-tasks-db) holds the email until its worker runs it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.tasks import task_backends
from django.test import override_settings
from django.utils import timezone

from bookings.mail_tasks import send_booking_email
from bookings.models import Booking
from bookings.services import cancel_booking, change_booking_details, request_booking
from members.mail import RETRY_DELAYS, send_text_email
from tests.bookings.conftest import at
from tests.conftest import NOW

SITE = "https://book.example.org"
FAILING_MAILER = {"default": {"BACKEND": "tests.bookings.test_mail_tasks.FailingBackend"}}
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class FailingBackend:
    """A mail server that is down: every send raises."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages) -> int:
        raise ConnectionRefusedError("the mail server is down")


def book(member, room, **kwargs) -> Booking:
    return request_booking(
        booker=member, space=room, starts_at=at(10), ends_at=at(11), title="Planning", now=NOW
    )


@override_settings(SITE_URL=SITE)
def test_a_confirmation_is_plain_text_with_site_links_and_the_invitation(
    member, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(member, room)
    [message] = mail.outbox
    assert message.to == [member.email]
    assert message.subject == "[Commonshare] Booked: Planning"
    assert f"{SITE}/bookings/{booking.pk}/" in message.body
    parts = [part.get_content_type() for part in message.message().walk()]
    assert parts[:3] == ["multipart/mixed", "multipart/alternative", "text/plain"]
    assert "text/calendar" in parts
    assert "METHOD:REQUEST" in message.message().as_string()


def test_nothing_is_sent_inside_the_transaction(member, room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        book(member, room)
        assert mail.outbox == []
    assert len(callbacks) == 2  # the confirmation and the booking event, for after commit


def test_a_rolled_back_booking_sends_nothing(member, room, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        book(member, room)
        raise RuntimeError("something after the booking failed")
    assert mail.outbox == []
    assert not Booking.objects.exists()


@override_settings(MAILERS=FAILING_MAILER)
def test_a_failing_mail_server_leaves_the_booking_intact(
    member, room, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = book(member, room)  # no exception reaches the member
    stored = Booking.objects.get()
    assert (stored.pk, stored.status, stored.title, stored.sequence) == (
        booking.pk,
        Booking.Status.CONFIRMED,
        "Planning",
        0,
    )
    with django_capture_on_commit_callbacks(execute=True):
        cancel_booking(booking=stored, by=member, now=NOW)
    assert Booking.objects.get().status == Booking.Status.CANCELLED


def test_the_email_is_built_from_the_booking_as_it_is_when_the_task_runs(
    member, room, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            booking = book(member, room)
        [queued] = task_backends["default"].results
        assert queued.kwargs == {
            "booking_id": booking.pk,
            "template": "confirmed",
            "audience": "booker",
            "besides_id": None,
            "invitation": True,
        }
        assert mail.outbox == []
        change_booking_details(booking=booking, by=member, title="Planning, renamed")
    send_booking_email.call(**queued.kwargs)
    [message] = mail.outbox
    assert "Planning, renamed" in message.subject and "SEQUENCE:1" in message.message().as_string()


def test_a_failed_send_is_enqueued_again_for_later_and_then_sent_once(
    member, room, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            booking = book(member, room)
        backend = task_backends["default"]
        [first] = backend.results
        before = timezone.now()
        with override_settings(MAILERS=FAILING_MAILER), pytest.raises(ConnectionRefusedError):
            send_booking_email.call(**first.kwargs)
        [_, retry] = backend.results
        assert retry.kwargs == {**first.kwargs, "attempt": 2}
        assert retry.task.run_after >= before + RETRY_DELAYS[0]
    send_booking_email.call(**retry.kwargs)
    assert len(mail.outbox) == 1
    assert Booking.objects.get().status == booking.status


def test_after_the_last_attempt_the_send_is_given_up(member, room, caplog):
    last = len(RETRY_DELAYS) + 1
    with override_settings(TASKS=DUMMY_TASKS, MAILERS=FAILING_MAILER):
        with pytest.raises(ConnectionRefusedError):
            send_text_email.call(subject="Hello", body="Hi", to=[member.email], attempt=last)
        assert task_backends["default"].results == []
    assert "gave up" in caplog.text


def test_an_email_for_a_booking_that_is_gone_sends_nothing(db):
    send_booking_email.call(booking_id=999_999, template="confirmed")
    assert mail.outbox == []


@pytest.fixture
def worker_in_the_test_transaction(monkeypatch):
    """db_worker closes "old" connections between tasks, and inside a test's transaction (not in
    autocommit) PostgreSQL's would count as old: keep it, as the test's data lives there."""
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )


def test_the_database_queue_holds_the_email_until_the_worker_runs_it(
    member, room, django_capture_on_commit_callbacks, worker_in_the_test_transaction
):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            book(member, room)
        assert mail.outbox == []
        assert DBTaskResult.objects.count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        assert len(mail.outbox) == 1
        assert DBTaskResult.objects.get().status == "SUCCESSFUL"
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1


def test_a_failed_send_in_the_database_queue_is_retried_later(
    member, room, django_capture_on_commit_callbacks, worker_in_the_test_transaction
):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            book(member, room)
        with override_settings(MAILERS=FAILING_MAILER):
            call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
        failed, retry = DBTaskResult.objects.order_by("enqueued_at")
        assert failed.status == "FAILED" and retry.status == "READY"
        assert retry.run_after > timezone.now() + timedelta(seconds=30)
        DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert len(mail.outbox) == 1
    assert Booking.objects.get().status == Booking.Status.CONFIRMED


def test_the_database_queue_takes_the_email_in_the_bookings_own_transaction(
    member, room, django_capture_on_commit_callbacks
):
    """A transactional outbox: the task's row is written with the booking, so it commits with
    it or not at all, and needs no write after the commit."""
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            booking = book(member, room)
            queued = DBTaskResult.objects.get()  # already there, before the commit
        assert queued.task_path == send_booking_email.module_path
        assert queued.args_kwargs["kwargs"]["booking_id"] == booking.pk
        # The one callback left for the commit is the webhook question, not the email.
        assert len(callbacks) == 1


def test_a_rolled_back_booking_leaves_nothing_in_the_database_queue(member, room):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        with pytest.raises(RuntimeError), transaction.atomic():
            book(member, room)
            assert DBTaskResult.objects.count() == 1
            raise RuntimeError("the request failed after the booking")
        assert DBTaskResult.objects.count() == 0
    assert not Booking.objects.exists()
