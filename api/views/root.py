"""The API's front door: what there is, and where."""

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from ..errors import ApiError

LINKS = ("venues", "spaces", "bookings", "series", "memberships", "feed_tokens", "schema", "docs")


class Root(APIView):
    """Links to the API's resources, its schema and its documentation."""

    @extend_schema(
        responses=inline_serializer(
            name="Root", fields={name: serializers.CharField() for name in LINKS}
        )
    )
    def get(self, request: Request) -> Response:
        return Response(
            {name: request.build_absolute_uri(reverse(f"api:{name}")) for name in LINKS}
        )


class Unknown(APIView):
    """Any other address under /api/v1/: a 404 in the API's shape, not the site's page."""

    @extend_schema(exclude=True)
    def get(self, request: Request, rest: str) -> Response:
        raise ApiError(
            _("There is nothing at this address of the API; see /api/v1/."),
            code="not_found",
            status_code=404,
        )

    post = put = patch = delete = get
