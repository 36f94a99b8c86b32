"""Booking creation over HTTP: the real booking form (its "Book" step, price confirmed) against a
bare insert view on the same stack, into free times of the same room; then no two active
bookings of a room may overlap, and what the bench made is deleted."""

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from schedule.models import Event

from bookings.availability import free_intervals
from bookings.mail_tasks import send_booking_email
from bookings.models import Booking
from spaces.intervals import Interval

from .city import City
from .measure import Case, Runner

CONTENDER_TITLE = "Bench: booked over HTTP"
FLOOR_TITLE = "Bench: bare insert"
LENGTH = timedelta(hours=1)
# A booking takes a few milliseconds, and one slow request in a few dozen moved the median by
# a tenth of the ratio: it is run ten times as often as the other cases.
ROUNDS = 10
# What a browser sends for the booking page's form (it has no file field); the test client's
# default, multipart, costs the parser more per field.
FORM = "application/x-www-form-urlencoded"

OVERLAPS = """
SELECT count(*) FROM bookings_booking a JOIN bookings_booking b
  ON a.space_id = b.space_id AND a.id < b.id AND a.exclusive AND b.exclusive
 AND a.starts_at < b.blocked_until AND b.starts_at < a.blocked_until
WHERE a.space_id = %s AND a.status IN ('pending', 'confirmed') AND b.status IN ('pending', 'confirmed')
"""


def _free_slots(city: City) -> Iterator[Interval]:
    """Free hours of the room from tomorrow on, on its slot steps, earliest first."""
    space = city.space
    start = city.now.replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    window = Interval(start, start + timedelta(days=80))
    step = space.slot_step

    def on_step(instant: datetime) -> datetime:
        # The next step boundary (steps count from the hour).
        offset = (instant - instant.replace(minute=0, second=0, microsecond=0)) % step
        return instant + (step - offset if offset else timedelta(0))

    for piece in free_intervals(space, window, now=city.now):
        here = on_step(piece.start)
        while here + LENGTH <= piece.end:
            yield Interval(here, here + LENGTH)
            # Each slot taken holds its buffer after it too.
            here = on_step(here + LENGTH + space.buffer_after)


def overlaps(city: City) -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS, [city.space.pk])
        return int(cursor.fetchone()[0])


def clean_up(city: City) -> int:
    """Delete the bookings the bench made (and their mirror events and queued emails)."""
    with transaction.atomic():
        made = Booking.objects.filter(space=city.space, title__in=[CONTENDER_TITLE, FLOOR_TITLE])
        events = list(made.exclude(event=None).values_list("event_id", flat=True))
        ids = list(made.values_list("pk", flat=True))
        count, _by_model = made.delete()
        Event.objects.filter(pk__in=events).delete()
        DBTaskResult.objects.filter(
            task_path=send_booking_email.module_path, args_kwargs__kwargs__booking_id__in=ids
        ).delete()
    return count


def booking_creation(city: City, client: Client) -> Case:
    space = city.space
    clean_up(city)  # a run interrupted before its clean-up
    slots = _free_slots(city)
    zone = space.venue.zone
    book = reverse(
        "bookings:book", kwargs={"venue_slug": space.venue.slug, "space_slug": space.slug}
    )
    insert = reverse("bench_insert", kwargs={"space_id": space.pk})
    price = (space.rate * Decimal(LENGTH.total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"))
    state: dict[str, Interval] = {}

    def take(key: str) -> None:
        state[key] = next(slots)
        # The member's browser follows each redirect, and that page shows (and so clears) the
        # "Booked" message: without this the client's cookie would carry every earlier run's.
        client.cookies.pop("messages", None)

    def post_form():
        slot = state["form"]
        local_start, local_end = slot.start.astimezone(zone), slot.end.astimezone(zone)
        return client.post(
            book,
            urlencode(
                {
                    "date": local_start.date().isoformat(),
                    "start_time": f"{local_start:%H:%M}",
                    "end_time": f"{local_end:%H:%M}",
                    "title": CONTENDER_TITLE,
                    "purpose": "",
                    "activity": "",
                    "attendees": "1",
                    "organisation": "",
                    "membership": "",
                    "confirm": "1",
                    "shown_price": str(price),
                }
            ),
            content_type=FORM,
        )

    def post_bare():
        slot = state["bare"]
        return client.post(
            insert,
            urlencode(
                {
                    "starts_at": slot.start.isoformat(),
                    "ends_at": slot.end.isoformat(),
                    "title": FLOOR_TITLE,
                }
            ),
            content_type=FORM,
        )

    def booked(response: object) -> str:
        code = getattr(response, "status_code", 0)
        if code == 302:
            return ""
        page = getattr(response, "content", b"")[:0]
        return f"not booked: status {code} {page!r}"

    def made(response: object) -> str:
        code = getattr(response, "status_code", 0)
        return "" if code == 201 else f"not inserted: status {code}"

    def after() -> str:
        found = overlaps(city)
        made_count = clean_up(city)
        return (
            f"run {ROUNDS} times as often as the other cases; {made_count} bookings made,"
            f" {found} overlapping active bookings in the room"
        )

    return Case(
        key="create",
        title="Booking creation over HTTP (signed in, the Book step)",
        contender=Runner("booking form", post_form, prepare=lambda: take("form"), check=booked),
        floor=Runner("bare insert view", post_bare, prepare=lambda: take("bare"), check=made),
        goal="≥ 1/2 the floor's rate, zero overlaps",
        within_floor=2,
        per_second=True,
        rounds_per_repeat=ROUNDS,
        extra=after,
    )
