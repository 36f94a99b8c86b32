"""Sending email in the background, for every app: a django.tasks task sends each message, after
the transaction that caused it commits, and a failed send is tried again later.

In the lowest layer so that spaces (manager invitations) and bookings (everything about a
booking) share one retry policy. The apps build their messages; this module only delivers them.

Retries: django-tasks-db does not re-run a failed task by itself, so a send that raises enqueues
the same task again with `run_after` (1 min, 5 min, 30 min, 2 h, then 6 h later), and re-raises
so that the failed attempt is recorded with its traceback. After the last attempt it gives up
and logs an error. A backend that cannot defer (the immediate backend of `make run` and the
tests) records the failure and does not retry. Nothing a task does touches the booking, so a
failed or repeated send never changes, loses or duplicates one.
"""

import logging
from datetime import timedelta

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import connection, router, transaction
from django.tasks import Task, task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# The wait before attempt 2, 3, ...; its length is the number of retries.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


def one_line(subject: str) -> str:
    """A subject on one line with single spaces: a title holding a newline would make the
    Subject header invalid, and the send would fail every time it is retried."""
    return " ".join(subject.split())


def after_commit(task_: Task, **kwargs) -> None:
    """Enqueue `task_` with `kwargs` (JSON values only) so that it runs only if the current
    transaction commits: a rolled-back change sends nothing, and no mail server is waited for
    inside a transaction.

    Where the queue is a table of this database (TASKS_BACKEND=database, django-tasks-db), the
    task's row is written in the transaction itself: it commits with the change or not at all,
    and no worker can see it before (a transactional outbox), so it needs no commit of its own
    after the change's (docs/design.md, "Mail and periodic work"). Other queues are told once it commits, robustly:
    a queue that fails then (its server away) must not turn a saved booking into a 500; the
    error is logged."""
    if connection.in_atomic_block and _queued_in(task_, connection.alias):
        task_.enqueue(**kwargs)
        return
    transaction.on_commit(lambda: task_.enqueue(**kwargs), robust=True)


def _queued_in(task_: Task, alias: str) -> bool:
    """Whether `task_`'s queue is django-tasks-db's table in the database `alias`."""
    backend = task_.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    return router.db_for_write(DBTaskResult) == alias


def send_or_retry(message: EmailMessage, *, retry: Task, kwargs: dict, attempt: int) -> None:
    """Send `message`; if that raises, enqueue `retry` with `kwargs` and the next attempt number
    to run later (where the backend can defer), and re-raise so this attempt is recorded failed."""
    # A closed account's address is at the reserved .invalid domain: never written to.
    message.to = [address for address in message.to if not address.endswith(".invalid")]
    if not message.to and not message.cc and not message.bcc:
        return
    try:
        message.send()
    except Exception:
        _schedule_retry(retry, kwargs=kwargs, attempt=attempt)
        raise


def _schedule_retry(retry: Task, *, kwargs: dict, attempt: int) -> None:
    if attempt > len(RETRY_DELAYS):
        logger.error("Email %s gave up after %d attempts: %s", retry.name, attempt, kwargs)
        return
    if not retry.get_backend().supports_defer:
        logger.error("Email %s failed; this task backend cannot retry it later", retry.name)
        return
    run_after = timezone.now() + RETRY_DELAYS[attempt - 1]
    retry.using(run_after=run_after).enqueue(**kwargs, attempt=attempt + 1)
    logger.warning("Email %s failed (attempt %d); retrying at %s", retry.name, attempt, run_after)


@task
def send_text_email(*, subject: str, body: str, to: list[str], attempt: int = 1) -> None:
    """A plain-text email already written (e.g. a manager invitation), sent with retries."""
    if not to:
        return
    message = EmailMessage(subject=one_line(subject), body=body, to=to)
    send_or_retry(
        message,
        retry=send_text_email,
        kwargs={"subject": subject, "body": body, "to": to},
        attempt=attempt,
    )


def queue_text_email(*, subject: str, body: str, to: list[str]) -> None:
    """Send a plain-text email after the transaction commits, through the task queue."""
    if to:
        after_commit(send_text_email, subject=subject, body=body, to=to)


@task
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    attempt: int = 1,
) -> None:
    """An email already written elsewhere (allauth's, members/adapter.py), with an optional HTML
    alternative, sent with retries."""
    if not to:
        return
    message = EmailMultiAlternatives(
        subject=one_line(subject), body=body, from_email=from_email, to=to, headers=headers
    )
    if html:
        message.attach_alternative(html, "text/html")
    kwargs = {
        "subject": subject,
        "body": body,
        "to": to,
        "from_email": from_email,
        "html": html,
        "headers": headers,
    }
    send_or_retry(message, retry=send_email, kwargs=kwargs, attempt=attempt)


def queue_email(message: EmailMessage) -> None:
    """Send `message` (rendered already: its words and links are fixed) after the transaction
    commits, through the task queue. Only what a task can carry is kept: subject, plain body,
    recipients, sender, an HTML alternative and extra headers (no attachments)."""
    html: str | None = None
    body = str(message.body)
    if message.content_subtype == "html":
        html, body = body, ""
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            html = str(content)
    if message.to:
        after_commit(
            send_email,
            subject=str(message.subject),
            body=body,
            to=[str(address) for address in message.to],
            from_email=message.from_email,
            html=html,
            headers=dict(message.extra_headers) or None,
        )
