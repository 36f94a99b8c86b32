"""What a webhook says: the event, and the booking (or series) as the venue's managers see it on
their own pages, minus the people. No booker name or email, no title or purpose (free text a
member wrote for the venue, not for the systems the venue wires up), no price: the space, the
times in the venue's zone with their offset, the status, the organisation booked for."""

import uuid
from datetime import UTC, datetime

from bookings.models import Booking, Series
from spaces.models import Venue


def rfc3339(moment: datetime, zone=None) -> str:
    """RFC 3339: in UTC with "Z", or in `zone` with its offset then (+00:00 or +01:00 in London)."""
    if zone is None:
        return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return moment.astimezone(zone).isoformat(timespec="seconds")


def booking_fields(booking: Booking) -> dict:
    zone = booking.space.venue.zone
    return {
        "id": booking.pk,
        "space": booking.space.slug,
        "space_name": booking.space.name,
        "starts_at": rfc3339(booking.starts_at, zone),
        "ends_at": rfc3339(booking.ends_at, zone),
        "status": booking.status,
        "organisation": booking.organisation.name if booking.organisation else None,
        "series": booking.series_id,
    }


def series_fields(series: Series, booking_ids: list[int]) -> dict:
    return {"id": series.pk, "space": series.space.slug, "booking_ids": booking_ids}


def event_payload(
    *,
    event_id: uuid.UUID,
    kind: str,
    occurred_at: datetime,
    venue: Venue,
    booking: Booking | None = None,
    series: Series | None = None,
    detail: dict,
) -> dict:
    """The JSON body of one event, the same for every endpoint and every attempt."""
    payload: dict = {
        "id": str(event_id),
        "kind": kind,
        "occurred_at": rfc3339(occurred_at),
        "venue": venue.slug,
    }
    if booking is not None:
        payload["booking"] = booking_fields(booking)
    if series is not None:
        payload["series"] = series_fields(series, list(detail.get("booking_ids", [])))
    extra = {key: value for key, value in detail.items() if key != "booking_ids"}
    if extra:
        payload["detail"] = extra
    return payload
