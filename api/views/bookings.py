"""The member's bookings: list, book (idempotently), read, move, cancel; and their series.

Every change is a call of `bookings.services`, which asks `members.permissions`; a booking
the member may not see is a 404, found through `Booking.objects.visible_to`.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.models import Booking, Series
from bookings.rules import BookingError
from bookings.services import cancel_booking, move_booking, request_booking
from members import permissions
from members.models import Organisation
from memberships.models import Membership
from spaces.models import Space

from ..access import SignedIn, TokenScope, member_of
from ..errors import ApiError, refused
from ..idempotency import HEADER, checked_key, create_once, request_hash
from ..serializers.bookings import (
    BookingCreateSerializer,
    BookingFilterSerializer,
    BookingSerializer,
    MoveSerializer,
    ReasonSerializer,
    SeriesSerializer,
)
from .changes import change_with_reason
from .common import ERRORS, WRITE_ERRORS, query

BOOKING_COLUMNS = ("space__venue", "organisation", "booker")


def filtered(bookings: QuerySet[Booking], request: Request) -> QuerySet[Booking]:
    """The bookings list's filters, checked (a 400 if they do not fit)."""
    asked = query(BookingFilterSerializer, request)
    if asked.get("status"):
        bookings = bookings.filter(status=asked["status"])
    if asked.get("space"):
        bookings = bookings.filter(space_id=asked["space"])
    if asked.get("starts_after"):
        bookings = bookings.filter(ends_at__gt=asked["starts_after"])
    if asked.get("starts_before"):
        bookings = bookings.filter(starts_at__lt=asked["starts_before"])
    return bookings.select_related(*BOOKING_COLUMNS)


def bookable_space(pk: int) -> Space:
    """The bookable space a client named, or a 400 naming the field (not a 404: the address
    was right, the body was not)."""
    space = Space.objects.filter(is_active=True, pk=pk).select_related("venue").first()
    if space is None:
        message = _("There is no such space.")
        raise ApiError(message, code="invalid", fields={"space": [message]})
    return space


class MyBookings(generics.ListCreateAPIView):
    """GET: the member's own bookings (newest start first unless `ordering` says otherwise).
    POST: book a space; with an `Idempotency-Key` header a retry returns the same booking."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = BookingSerializer
    ordering_fields = ["starts_at", "created_at", "id"]
    ordering = ["-starts_at"]

    def get_queryset(self) -> QuerySet[Booking]:
        return filtered(Booking.objects.for_member(self.request.user), self.request)

    @extend_schema(
        parameters=[BookingFilterSerializer],
        responses={200: BookingSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=BookingCreateSerializer,
        parameters=[OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=False)],
        responses={
            201: BookingSerializer,
            **WRITE_ERRORS,
            422: OpenApiResponse(ERRORS[400].response, description="Idempotency-Key reused"),
        },
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        key = checked_key(request.headers.get(HEADER))
        shape = BookingCreateSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        data = shape.validated_data
        member = member_of(request)

        def create() -> Booking:
            space = bookable_space(data["space"])
            organisation = None
            if data["organisation"]:
                organisation = Organisation.objects.filter(slug=data["organisation"]).first()
                if organisation is None:
                    message = _("You can only book for an organisation you belong to.")
                    raise ApiError(message, code="invalid", fields={"organisation": [message]})
            membership = None
            if data["membership"] is not None:
                membership = (
                    Membership.objects.filter(permissions.usable_memberships_filter(member))
                    .filter(pk=data["membership"])
                    .select_related("plan")
                    .first()
                )
                if membership is None:
                    message = _("That is not a membership you can book with.")
                    raise ApiError(message, code="invalid", fields={"membership": [message]})
            now = timezone.now()
            try:
                booking = request_booking(
                    booker=member,
                    space=space,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    title=data["title"],
                    purpose=data["purpose"],
                    activity=data["activity"],
                    attendees=data["attendees"],
                    organisation=organisation,
                    membership=membership,
                    now=now,
                )
            except BookingError as error:
                raise refused(
                    error,
                    space=space,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    now=now,
                ) from error
            return booking

        def show(booking: Booking) -> dict:
            found = Booking.objects.select_related(*BOOKING_COLUMNS).get(pk=booking.pk)
            return dict(BookingSerializer(found).data)

        if key is None:
            return Response(show(create()), status=status.HTTP_201_CREATED)
        code, body, replayed = create_once(
            member=member, key=key, digest=request_hash(request.data), create=create, show=show
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def visible_booking(request: Request, pk: int) -> Booking:
    return get_object_or_404(
        Booking.objects.visible_to(request.user).select_related(*BOOKING_COLUMNS), pk=pk
    )


class BookingDetail(generics.RetrieveAPIView):
    """One booking: the member's own, or one of a venue they manage; else a 404."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = BookingSerializer

    def get_object(self) -> Booking:
        return visible_booking(self.request, self.kwargs["pk"])

    @extend_schema(responses={200: BookingSerializer, **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class MoveBooking(APIView):
    """Move a booking to another time, or another space of its venue (`move_booking`): all or
    nothing; a clash is a 409 with the nearest free times."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_move",
        request=MoveSerializer,
        responses={200: BookingSerializer, **WRITE_ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        booking = visible_booking(request, pk)
        shape = MoveSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        data = shape.validated_data
        target = booking.space
        if data["space"] is not None:
            target = bookable_space(data["space"])
        now = timezone.now()
        try:
            moved = move_booking(
                booking=booking,
                by=member_of(request),
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                space=target,
                now=now,
            )
        except BookingError as error:
            raise refused(
                error, space=target, starts_at=data["starts_at"], ends_at=data["ends_at"], now=now
            ) from error
        return Response(BookingSerializer(visible_booking(request, moved.pk)).data)


class CancelBooking(APIView):
    """Cancel a booking (`cancel_booking`): the booker until it starts, its venue's managers
    until it ends."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_cancel",
        request=ReasonSerializer,
        responses={200: BookingSerializer, **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        return change_with_reason(
            request, pk, find=visible_booking, shape=ReasonSerializer, service=cancel_booking
        )


class MySeries(generics.ListAPIView):
    """The member's series (repeating bookings); each date is a booking of its own."""

    permission_classes = [SignedIn, TokenScope]
    serializer_class = SeriesSerializer
    ordering_fields = ["starts_on", "id"]
    ordering = ["-starts_on", "-id"]

    def get_queryset(self) -> QuerySet[Series]:
        return Series.objects.filter(
            permissions.series_organised_filter(self.request.user)
        ).select_related("space__venue", "organisation")

    @extend_schema(responses={200: SeriesSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class SeriesDetail(generics.RetrieveAPIView):
    permission_classes = [SignedIn, TokenScope]
    serializer_class = SeriesSerializer

    def get_queryset(self) -> QuerySet[Series]:
        return Series.objects.filter(
            permissions.series_organised_filter(self.request.user)
        ).select_related("space__venue", "organisation")

    @extend_schema(responses={200: SeriesSerializer, **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
