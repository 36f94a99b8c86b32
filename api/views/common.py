"""What the API's views share: reading query parameters, and the errors every operation documents."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request

ERROR = inline_serializer(
    name="Error",
    fields={
        "code": serializers.CharField(help_text="Stable, for programs: invalid, clash, ..."),
        "message": serializers.CharField(help_text="A sentence a member can read"),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)
ALTERNATIVE_TIME = inline_serializer(
    name="AlternativeTime",
    fields={
        "space": serializers.IntegerField(),
        "starts_at": serializers.DateTimeField(),
        "ends_at": serializers.DateTimeField(),
    },
)
ALTERNATIVE_SPACE = inline_serializer(
    name="AlternativeSpace",
    fields={"id": serializers.IntegerField(), "name": serializers.CharField()},
)
CLASH = inline_serializer(
    name="Clash",
    fields={
        "code": serializers.CharField(),
        "message": serializers.CharField(),
        "fields": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
        "alternatives": inline_serializer(
            name="Alternatives",
            fields={
                "times": ALTERNATIVE_TIME.__class__(many=True),
                "spaces": ALTERNATIVE_SPACE.__class__(many=True),
            },
        ),
    },
)

ERRORS: dict[int, Any] = {
    400: OpenApiResponse(ERROR, description="Bad input; nothing written"),
    401: OpenApiResponse(ERROR, description="Not signed in, or the token is not valid"),
    403: OpenApiResponse(ERROR, description="Not allowed (e.g. a read-only token)"),
    404: OpenApiResponse(ERROR, description="Not found, or not yours to see"),
    429: OpenApiResponse(ERROR, description="Rate-limited: see Retry-After"),
}
WRITE_ERRORS: dict[int, Any] = {
    **ERRORS,
    409: OpenApiResponse(CLASH, description="The time is taken: the nearest free alternatives"),
}


def query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    """The request's query parameters checked by `serializer_class`; a 400 if they do not fit."""
    # A plain dict, not the QueryDict: DRF reads a missing boolean in a QueryDict as an unticked
    # checkbox (False), which would filter for "no step-free access" when nothing was asked.
    checked = serializer_class(data=dict(request.query_params.items()))
    checked.is_valid(raise_exception=True)
    return dict(checked.validated_data)
