"""What Booking.objects can be narrowed to: the slots held, a space's overlaps, a window, what a
member may see or manages (members.permissions decides)."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models

from members import permissions

if TYPE_CHECKING:
    from .models import Booking  # noqa: F401  (named in the base class, as a string)


class BookingQuerySet(models.QuerySet["Booking"]):
    def active(self) -> "BookingQuerySet":
        """Bookings that hold their slot: pending (awaiting approval) or confirmed."""
        return self.filter(status__in=self.model.ACTIVE_STATUSES)

    def overlapping(self, space, starts_at: datetime, blocked_until: datetime) -> "BookingQuerySet":
        """Bookings of `space` whose blocked time (booking plus buffer) meets [starts_at, blocked_until).

        Half-open on both sides, so back-to-back bookings do not overlap.
        """
        return self.filter(space=space, starts_at__lt=blocked_until, blocked_until__gt=starts_at)

    def between(self, starts_at: datetime, ends_at: datetime) -> "BookingQuerySet":
        """Bookings that meet the window [starts_at, ends_at) (buffers not counted)."""
        return self.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)

    def for_member(self, member) -> "BookingQuerySet":
        """The bookings `member` made: My bookings, their own feed."""
        return self.filter(booker=member)

    def visible_to(self, member) -> "BookingQuerySet":
        """Bookings `member` may see in full (members.permissions): their own, and those of the
        venues they manage. Anything else is a 404 to them."""
        return self.filter(permissions.bookings_visible_filter(member))

    def managed_by(self, member) -> "BookingQuerySet":
        """Bookings of the venues `member` manages (all of them for a superuser)."""
        return self.filter(permissions.bookings_managed_filter(member))
