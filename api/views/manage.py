"""A venue's bookings for its managers: list, approve, decline (with a reason). Anyone else
gets a 404: the venue and its bookings are found through `managed_by`."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.models import Booking
from bookings.services import approve_booking, decline_booking
from spaces.models import Venue

from ..access import SignedIn, TokenScope
from ..serializers.bookings import (
    BookingFilterSerializer,
    BookingSerializer,
    DeclineSerializer,
    ReasonSerializer,
)
from .bookings import BOOKING_COLUMNS, filtered
from .changes import change_with_reason
from .common import ERRORS


class VenueBookings(generics.ListAPIView):
    """Every booking of the venue, for its managers (soonest first unless `ordering` says)."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = BookingSerializer
    ordering_fields = ["starts_at", "created_at", "id"]
    ordering = ["starts_at"]

    def get_queryset(self) -> QuerySet[Booking]:
        venue = get_object_or_404(
            Venue.objects.managed_by(self.request.user), slug=self.kwargs["venue_slug"]
        )
        return filtered(
            Booking.objects.managed_by(self.request.user).filter(space__venue=venue), self.request
        )

    @extend_schema(
        parameters=[BookingFilterSerializer],
        responses={200: BookingSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def managed_booking(request: Request, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.managed_by(request.user).select_related(*BOOKING_COLUMNS), pk=pk
    )


class ApproveBooking(APIView):
    """Confirm a request, checked again against the rules as they are now."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_approve",
        request=ReasonSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return change_with_reason(
            request, pk, find=managed_booking, shape=ReasonSerializer, service=approve_booking
        )


class DeclineBooking(APIView):
    """Decline a request with a reason the booker reads, freeing its time."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_decline",
        request=DeclineSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return change_with_reason(
            request, pk, find=managed_booking, shape=DeclineSerializer, service=decline_booking
        )
