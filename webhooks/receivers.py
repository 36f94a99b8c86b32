"""Hearing bookings.events: each committed event becomes one delivery per endpoint of the venue
that subscribed to its kind (webhooks.services.record_event)."""

from datetime import datetime

from .services import record_event


def on_booking_event(
    sender,
    *,
    kind: str,
    occurred_at: datetime,
    venue_id: int,
    detail: dict,
    booking_id: int | None = None,
    series_id: int | None = None,
    **kwargs,
) -> None:
    record_event(
        kind=kind,
        occurred_at=occurred_at,
        venue_id=venue_id,
        booking_id=booking_id,
        series_id=series_id,
        detail=detail,
    )
