"""Repeating bookings through the API: preview the dates, then book the free ones, exactly as
the repeat page does (`bookings.series`: `new_series`, `preview_series`, `book_series`). The
booking is refused with a 409 if the free dates changed since the preview.

A series is changed and cancelled from one of its dates, as on the booking's page:
`bookings.series_edit.change_series` (a preview without `expected`, then the change with it)
and `bookings.series.cancel_series`. The date is found through `visible_booking`, so another
member's series is a 404; the services ask `members.permissions` for each date.
"""

from datetime import timedelta

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.models import Booking, Series
from bookings.rules import BookingError
from bookings.series import (
    Outcome,
    SeriesChanged,
    book_series,
    cancel_series,
    new_series,
    preview_series,
)
from bookings.series_edit import (
    Change,
    ChangeDiffers,
    ChangeOutcome,
    NothingChanges,
    change_series,
)
from members.models import Organisation

from ..access import SignedIn, TokenScope, member_of
from ..errors import ApiError, refused
from ..serializers.bookings import BookingSerializer, SeriesSerializer
from ..serializers.series import (
    SeriesBookSerializer,
    SeriesCancelSerializer,
    SeriesChangeOutcomeSerializer,
    SeriesChangeSerializer,
    SeriesPreviewSerializer,
    SeriesRequestSerializer,
)
from .bookings import BOOKING_COLUMNS, bookable_space, visible_booking
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


class CancelSeries(APIView):
    """Cancel this date (`one`), it and the later ones (`following`) or every date still to come
    (`all`) of its series (`cancel_series`): each date as if cancelled on its own; a refusal
    of one still to come cancels nothing. Answers the cancelled bookings."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_cancel_series",
        request=SeriesCancelSerializer,
        responses={200: BookingSerializer(many=True), **ERRORS},
    )
    def post(self, request: Request, pk: int) -> Response:
        booking = visible_booking(request, pk)
        shape = SeriesCancelSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        try:
            cancelled = cancel_series(
                booking=booking,
                by=member_of(request),
                scope=shape.validated_data["scope"],
                reason=shape.validated_data["reason"],
            )
        except BookingError as error:
            raise refused(error) from error
        found = (
            Booking.objects.filter(pk__in=[one.pk for one in cancelled])
            .select_related(*BOOKING_COLUMNS)
            .order_by("starts_at")
        )
        return Response(BookingSerializer(found, many=True).data)


def _change(booking: Booking, data: dict) -> Change:
    """The change asked for; what was left out stays as `booking` has it."""
    space = booking.space
    if "space" in data:
        space = bookable_space(data["space"])
    duration = booking.ends_at - booking.starts_at
    if "duration_minutes" in data:
        duration = timedelta(minutes=data["duration_minutes"])
    return Change(
        start_time=data.get("start_time", booking.local_starts_at.time()),
        duration=duration,
        space=space,
        title=data.get("title", booking.title),
        purpose=data.get("purpose", booking.purpose),
        activity=data.get("activity", booking.activity),
        attendees=data.get("attendees", booking.attendees),
    )


def _changed_dates(outcome: ChangeOutcome, *, applied: bool) -> dict:
    zone = outcome.series.space.venue.zone

    def local(moment):
        return moment.astimezone(zone) if moment else None

    return {
        # A preview's new series (a split) was rolled back: it has no address yet.
        "series": outcome.series.pk if applied else None,
        "applied": applied,
        "dates": [
            {
                "booking": date.booking.pk,
                "starts_at": local(date.starts_at),
                "ends_at": local(date.ends_at),
                "changes": date.changes,
                "reason": date.reason,
                "kept": date.kept,
            }
            for date in outcome.dates
        ],
        "expected": outcome.fingerprint(),
    }


class ChangeSeries(APIView):
    """Change this date and the later ones (`following`) or every date still to come (`all`) of
    its series (`change_series`). Without `expected`: the preview, each date with what would
    happen, nothing written. With the preview's `expected`: the dates that can change are
    changed; if the dates that cannot changed meanwhile, nothing is (409 with them as now).
    If not one date can change, a 400 `refused` with each date's reason."""

    permission_classes = [SignedIn, TokenScope]

    @extend_schema(
        operation_id="bookings_change_series",
        request=SeriesChangeSerializer,
        responses={
            200: SeriesChangeOutcomeSerializer,
            **ERRORS,
            409: OpenApiResponse(ERROR, description="The dates changed: preview again"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        booking = visible_booking(request, pk)
        shape = SeriesChangeSerializer(data=request.data)
        shape.is_valid(raise_exception=True)
        data = shape.validated_data
        if booking.series_id is None:
            raise ApiError(_("This booking is not part of a series."), code="refused")
        expected = data.get("expected")
        try:
            outcome = change_series(
                booking=booking,
                by=member_of(request),
                scope=data["scope"],
                change=_change(booking, data),
                expected=expected,
            )
        except ChangeDiffers as changed:
            raise ApiError(
                changed.message,
                code="series_changed",
                status_code=status.HTTP_409_CONFLICT,
                extra=_changed_dates(changed.outcome, applied=False),
            ) from changed
        except NothingChanges as none:
            raise ApiError(
                none.message, code="refused", extra=_changed_dates(none.outcome, applied=False)
            ) from none
        except BookingError as error:
            raise refused(error) from error
        shown = _changed_dates(outcome, applied=expected is not None)
        return Response(SeriesChangeOutcomeSerializer(shown).data)
