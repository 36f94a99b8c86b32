"""What approving, declining and cancelling a booking share: one booking, one reason, one service.

Each is a POST on `/bookings/{id}/<action>/` whose body is only `{"reason"}`. The view says how
the booking is found (scoped to the caller, so anyone else's is a 404), how the reason is checked
and which service of `bookings.services` to call; the rest is here, once.
"""

from collections.abc import Callable
from typing import Protocol

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from bookings.models import Booking
from bookings.rules import BookingError
from members.models import Member

from ..access import member_of
from ..errors import refused
from ..serializers.bookings import BookingSerializer


class ChangeWithReason(Protocol):
    """A service such as `approve_booking`, `decline_booking` or `cancel_booking`."""

    def __call__(self, *, booking: Booking, by: Member, reason: str) -> Booking: ...


def change_with_reason(
    request: Request,
    pk: int,
    *,
    find: Callable[[Request, int], Booking],
    shape: type[serializers.Serializer],
    service: ChangeWithReason,
) -> Response:
    """Change booking `pk` through `service` with the reason `shape` checked: a 404 unless `find`
    finds it, a 400 for a bad body, the service's refusal in the API's error shape (nothing
    changed), else the booking as it is now."""
    booking = find(request, pk)
    checked = shape(data=request.data)
    checked.is_valid(raise_exception=True)
    try:
        service(booking=booking, by=member_of(request), reason=checked.validated_data["reason"])
    except BookingError as error:
        raise refused(error) from error
    # Read again through `find`, not the service's copy: the row as saved, with the related
    # rows `find` selects.
    return Response(BookingSerializer(find(request, pk)).data)
