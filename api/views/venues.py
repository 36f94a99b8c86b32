"""Venues and spaces: lists with filters, free time over a window, and published usage figures."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from bookings.availability import free_intervals, free_throughout, venue_free_intervals
from members import permissions
from spaces.intervals import Interval
from spaces.models import Space, Venue
from stats.cache import cached_stats
from stats.occupancy import daily_rows
from stats.periods import local_today, parse_open_data_range

from ..errors import ApiError
from ..serializers.venues import (
    SpaceAvailabilitySerializer,
    SpaceFilterSerializer,
    SpaceSerializer,
    UsageQuerySerializer,
    UsageSerializer,
    VenueSerializer,
    WindowSerializer,
)
from .common import ERRORS, query


class VenueList(generics.ListAPIView):
    """Every venue, by name."""

    serializer_class = VenueSerializer
    ordering_fields = ["name", "slug"]
    ordering = ["name"]

    def get_queryset(self) -> QuerySet[Venue]:
        return Venue.objects.all()

    @extend_schema(responses={200: VenueSerializer(many=True), **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class VenueDetail(generics.RetrieveAPIView):
    serializer_class = VenueSerializer
    lookup_field = "slug"
    lookup_url_kwarg = "venue_slug"
    queryset = Venue.objects.all()

    @extend_schema(responses={200: VenueSerializer, **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class SpaceList(generics.ListAPIView):
    """Bookable spaces, filtered by venue, kind, capacity, an amenity, accessibility, and (with
    free_from and free_to) free for the whole of that time, as the venues page's filter."""

    serializer_class = SpaceSerializer
    ordering_fields = ["name", "capacity", "id"]
    ordering = ["venue__name", "name"]

    def get_queryset(self) -> QuerySet[Space]:
        asked = query(SpaceFilterSerializer, self.request)
        spaces = Space.objects.filter(is_active=True).select_related("venue")
        if asked.get("venue"):
            spaces = spaces.filter(venue__slug=asked["venue"])
        if asked.get("kind"):
            spaces = spaces.filter(kind=asked["kind"])
        if asked.get("capacity"):
            spaces = spaces.filter(capacity__gte=asked["capacity"])
        if asked.get("amenity"):
            spaces = spaces.filter(amenities__icontains=asked["amenity"])
        for feature in ("step_free", "hearing_loop", "accessible_toilet", "quiet"):
            if asked.get(feature) is not None:
                spaces = spaces.filter(**{feature: asked[feature]})
        if asked.get("free_from"):
            wanted = Interval(asked["free_from"], asked["free_to"])
            free = free_throughout(list(spaces), wanted, now=timezone.now())
            spaces = spaces.filter(pk__in=[space.pk for space in free])
        return spaces

    @extend_schema(
        parameters=[SpaceFilterSerializer],
        responses={200: SpaceSerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class SpaceDetail(generics.RetrieveAPIView):
    serializer_class = SpaceSerializer
    queryset = Space.objects.filter(is_active=True).select_related("venue")

    @extend_schema(responses={200: SpaceSerializer, **ERRORS})
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _free(space_id: int, pieces: list[Interval], zone) -> dict:
    return {
        "space": space_id,
        "free": [
            {"starts_at": p.start.astimezone(zone), "ends_at": p.end.astimezone(zone)}
            for p in pieces
        ],
    }


class SpaceAvailability(APIView):
    """When a new booking of the space could run inside [start, end): opening hours, closures,
    bookings, buffers, seats, notice and horizon, as the week page shows it."""

    @extend_schema(
        parameters=[WindowSerializer],
        responses={200: SpaceAvailabilitySerializer, **ERRORS},
    )
    def get(self, request: Request, pk: int) -> Response:
        space = get_object_or_404(
            Space.objects.filter(is_active=True).select_related("venue"), pk=pk
        )
        window = query(WindowSerializer, request)
        pieces = free_intervals(space, Interval(window["start"], window["end"]), now=timezone.now())
        body = _free(space.pk, pieces, space.venue.zone)
        return Response(SpaceAvailabilitySerializer(body).data)


class VenueAvailability(APIView):
    """Free time of every bookable space of the venue inside [start, end)."""

    @extend_schema(
        parameters=[WindowSerializer],
        responses={200: SpaceAvailabilitySerializer(many=True), **ERRORS},
    )
    def get(self, request: Request, venue_slug: str) -> Response:
        venue = get_object_or_404(Venue, slug=venue_slug)
        window = query(WindowSerializer, request)
        found = venue_free_intervals(
            venue, Interval(window["start"], window["end"]), now=timezone.now()
        )
        body = [
            _free(space.pk, pieces, venue.zone)
            for space, pieces in sorted(found.items(), key=lambda item: item[0].name)
        ]
        return Response(SpaceAvailabilitySerializer(body, many=True).data)


class VenueUsage(APIView):
    """The venue's daily open and booked hours per space: the same figures as its usage.json,
    for anyone once it publishes its impact, for its managers before."""

    @extend_schema(parameters=[UsageQuerySerializer], responses={200: UsageSerializer, **ERRORS})
    def get(self, request: Request, venue_slug: str) -> Response:
        venue = get_object_or_404(Venue, slug=venue_slug)
        if not permissions.may_see_usage_data(request.user, venue):
            raise ApiError(
                _("No published figures for this venue."), code="not_found", status_code=404
            )
        try:
            period = parse_open_data_range(
                request.query_params.get("start"),
                request.query_params.get("end"),
                today=local_today(venue.zone, timezone.now()),
            )
        except ValueError as error:
            raise ApiError(str(error), code="invalid") from error
        body = {
            "venue": venue.slug,
            "time_zone": venue.time_zone,
            "start": period.first,
            "end": period.last,
            "days": daily_rows(cached_stats(venue, period)),
        }
        return Response(UsageSerializer(body).data)
