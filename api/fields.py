"""Times in and out of the API: RFC 3339 with an offset, shown in the venue's own zone."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

EARLIEST, LATEST = 2000, 2999  # as the forms: far-off years overflow between zones


class AwareDateTimeField(serializers.DateTimeField):
    """A time sent by a client: RFC 3339 with its offset (`Z` or `+01:00`), never a bare local
    time, which would have to guess a zone."""

    def to_internal_value(self, value: Any) -> datetime:
        if isinstance(value, str) and len(value) > 40:
            self.fail("invalid", format="RFC 3339")
        parsed = super().to_internal_value(value)
        if isinstance(value, str) and not _has_offset(value):
            raise serializers.ValidationError(
                _("Give the time with its offset, e.g. 2027-01-04T10:00:00+00:00.")
            )
        if not EARLIEST <= parsed.year <= LATEST:
            raise serializers.ValidationError(
                _("Choose a time between the years %(first)d and %(last)d.")
                % {"first": EARLIEST, "last": LATEST}
            )
        return parsed


def _has_offset(text: str) -> bool:
    tail = text.strip()[-6:]
    return text.strip().endswith(("Z", "z")) or tail[:1] in {"+", "-"} and ":" in tail


class OffsetTimeField(serializers.DateTimeField):
    """An aware time written as it is, with its own offset (already in the venue's zone)."""

    def to_representation(self, value: datetime | None) -> str | None:  # type: ignore[override]
        return value.isoformat() if value is not None else None


class VenueTimeField(serializers.DateTimeField):
    """A stored UTC time shown in the zone of the venue found at `venue` (a dotted path from
    the object), e.g. 2026-10-24T10:00:00+01:00 and, after the clocks change,
    2026-10-26T10:00:00+00:00."""

    def __init__(self, *, venue: str = "space.venue", **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
        self.venue_path = venue.split(".")

    def get_attribute(self, instance: Any) -> Any:
        value = super().get_attribute(instance)
        if value is None:
            return None
        venue = instance
        for name in self.venue_path:
            venue = getattr(venue, name)
        return value.astimezone(venue.zone)

    def to_representation(self, value: datetime | None) -> str | None:  # type: ignore[override]
        return value.isoformat() if value is not None else None
