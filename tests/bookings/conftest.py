"""Helpers for the booking-rule tests: book at a local wall time, and check that a refusal wrote nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from schedule.models import Event

from bookings.models import Booking
from bookings.services import request_booking
from tests.conftest import NOW

# Tuesday 5 January 2027: the day after NOW, when London is on GMT (local time == UTC).
DAY = datetime(2027, 1, 5, tzinfo=UTC)


def at(hour: int, minute: int = 0, *, day: datetime = DAY) -> datetime:
    return day + timedelta(hours=hour, minutes=minute)


@pytest.fixture
def book(member):
    """Call request_booking with sensible defaults; tests pass only what they are about."""

    def _book(space, starts_at, ends_at, **kwargs):
        kwargs.setdefault("booker", member)
        kwargs.setdefault("title", "Planning meeting")
        kwargs.setdefault("now", NOW)
        return request_booking(space=space, starts_at=starts_at, ends_at=ends_at, **kwargs)

    return _book


@pytest.fixture
def nothing_written(db):
    """Counts Booking and Event rows now; calling it later asserts that none were added."""
    before = (Booking.objects.count(), Event.objects.count())

    def _check():
        assert (Booking.objects.count(), Event.objects.count()) == before

    return _check


def assert_readable(message: str) -> None:
    """A sentence a member can read: capitalised, ends with a full stop, no code or repr."""
    assert message[:1].isupper(), message
    assert message.rstrip().endswith("."), message
    assert "<" not in message and "Interval(" not in message and "datetime" not in message, message
    assert len(message.split()) >= 4, message


@pytest.fixture
def database_alone(monkeypatch):
    """The booking service without its own space lock and free-time check: only PostgreSQL guards."""
    from bookings import services
    from spaces.models import Space

    monkeypatch.setattr(services, "check_free", lambda **kwargs: None)

    def unlocked(space):
        return Space.objects.select_related("venue").get(pk=space.pk)

    monkeypatch.setattr(services, "lock_space", unlocked)
    monkeypatch.setattr(
        services, "lock_for_checks", lambda space, *args, **kwargs: (unlocked(space), None, None)
    )


def change_stored(space, **fields) -> None:
    """Change the space's row behind the caller's copy, as another request saving it would (its
    updated_at moves), without the checks of bookings.services.save_space."""
    from spaces.models import Space

    stored = Space.objects.get(pk=space.pk)
    for name, value in fields.items():
        setattr(stored, name, value)
    stored.save()
