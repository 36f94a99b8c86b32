"""allauth's own emails (confirm an address, reset a password, change an address) go through the
task queue (members/adapter.py → members/mail.py): written in the request, sent after commit,
retried when the mail server fails."""

import re

import pytest
from django.core import mail
from django.tasks import task_backends
from django.test import override_settings

from members.mail import RETRY_DELAYS, send_email
from tests.bookings.test_mail_tasks import DUMMY_TASKS, FAILING_MAILER

RESET_LINK = re.compile(r"http://testserver(/accounts/password/reset/key/\S+/)")


def test_a_password_reset_email_is_a_queued_task_carrying_the_right_link(
    client, member, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": member.email})
        [queued] = task_backends["default"].results
        assert queued.task.name == send_email.name
        assert mail.outbox == []  # not sent in the request: the queue sends it
    assert queued.kwargs["to"] == [member.email]
    assert queued.kwargs["subject"] == "[Commonshare] Choose a new password"
    send_email.call(**queued.kwargs)  # what the worker does
    [message] = mail.outbox
    link = RESET_LINK.search(message.body)
    assert link, message.body
    # The link works: it opens the page to choose a new password, and setting one logs in.
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"password1": "a brand new phrase 44", "password2": "a brand new phrase 44"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a brand new phrase 44")


def test_nothing_is_queued_before_the_transaction_commits(client, member):
    """Queued on commit: inside a transaction that has not committed (the test's), nothing yet."""
    with override_settings(TASKS=DUMMY_TASKS):
        client.post("/accounts/password/reset/", {"email": member.email})
        assert task_backends["default"].results == []
    assert mail.outbox == []


def test_a_failed_send_is_retried_later(client, member, django_capture_on_commit_callbacks):
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": member.email})
        backend = task_backends["default"]
        [first] = backend.results
        with override_settings(MAILERS=FAILING_MAILER), pytest.raises(ConnectionRefusedError):
            send_email.call(**first.kwargs)
        [_, retry] = backend.results
        assert retry.kwargs == {**first.kwargs, "attempt": 2}
        assert retry.task.run_after is not None
    send_email.call(**retry.kwargs)
    [message] = mail.outbox
    assert RESET_LINK.search(message.body)
    assert len(RETRY_DELAYS) == 5


def test_signing_up_queues_the_confirmation_with_its_link(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
        )
    [message] = mail.outbox
    assert message.to == ["new@example.org"]
    assert "http://testserver/accounts/confirm-email/" in message.body


def test_adding_an_address_queues_its_confirmation(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/email/", {"action_add": "", "email": "second@example.org"}
        )
    assert response.status_code in {200, 302}
    assert [message.to for message in mail.outbox] == [["second@example.org"]]
    assert "http://testserver/accounts/confirm-email/" in mail.outbox[0].body
