"""Repeating bookings through the API: preview the dates, then book the free ones, exactly as
the repeat page does (`bookings.series`: `new_series`, `preview_series`, `book_series`). The
booking is refused with a 409 if the free dates changed since the preview."""

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.models import Series
from bookings.rules import BookingError
from bookings.series import Outcome, SeriesChanged, book_series, new_series, preview_series
from members.models import Organisation

from ..access import SignedIn, TokenScope, member_of
from ..errors import ApiError, refused
from ..serializers.bookings import SeriesSerializer
from ..serializers.series import (
    SeriesBookSerializer,
    SeriesPreviewSerializer,
    SeriesRequestSerializer,
)
from .bookings import bookable_space
from .common import ERROR, ERRORS


def _dates(outcome: Outcome, *, booked: bool = False) -> dict:
    """The dates of an outcome; booking ids only once booked (a preview's were rolled back)."""
    zone = outcome.series.space.venue.zone
    return {
        "dates": [
            {
                "starts_at": date.starts_at.astimezone(zone) if date.starts_at else None,
                "free": date.free,
                "reason": date.reason,
                "booking": date.booking.pk if booked and date.booking else None,
            }
            for date in outcome.dates
        ],
        "expected": outcome.fingerprint(),
    }


def _series(request: Request, data: dict) -> Series:
    space = bookable_space(data["space"])
    organisation = None
    if data["organisation"]:
        organisation = Organisation.objects.filter(slug=data["organisation"]).first()
        if organisation is None:
            message = _("You can only book for an organisation you belong to.")
            raise ApiError(message, code="invalid", fields={"organisation": [message]})
    try:
        return new_series(
            space=space,
            booker=member_of(request),
            starts_on=data["starts_on"],
            start_time=data["start_time"],
            duration=timedelta(minutes=data["duration_minutes"]),
            frequency=data["frequency"],
            interval=data["interval"],
            until=data["until"],
            count=data["count"],
            week_of_month=data["week_of_month"],
            title=data["title"],
            purpose=data["purpose"],
            activity=data["activity"],
            attendees=data["attendees"],
            organisation=organisation,
        )
    except BookingError as error:
        raise refused(error) from error


class PreviewSeries(APIView):
    """Every date the rule gives, each free or with the rule that refuses it; nothing written."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="series_preview",
        request=SeriesRequestSerializer,
        responses={200: SeriesPreviewSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        shape = SeriesRequestSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        series = _series(request, shape.validated_data)
        try:
            outcome = preview_series(series=series)
        except BookingError as error:
            raise refused(error) from error
        return Response(SeriesPreviewSerializer(_dates(outcome)).data)


class BookSeries(APIView):
    """Book the free dates of the preview (send its `expected` back) and skip the others; if
    the free dates changed meanwhile, nothing is booked (409 with the dates as they are now)."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="series_book",
        request=SeriesBookSerializer,
        responses={
            201: SeriesSerializer,
            **ERRORS,
            409: OpenApiResponse(ERROR, description="The free dates changed: preview again"),
        },
    )
    def post(self, request: Request) -> Response:
        shape = SeriesBookSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        series = _series(request, shape.validated_data)
        try:
            done = book_series(series=series, expected=shape.validated_data["expected"])
        except SeriesChanged as changed:
            raise ApiError(
                changed.message,
                code="series_changed",
                status_code=status.HTTP_409_CONFLICT,
                extra=_dates(changed.outcome),
            ) from changed
        except BookingError as error:
            raise refused(error) from error
        found = Series.objects.select_related("space__venue", "organisation").get(pk=done.series.pk)
        return Response(SeriesSerializer(found).data, status=status.HTTP_201_CREATED)
