"""One shape for every error the API gives: `{"code": ..., "message": ..., "fields": {...}}`.

`code` is stable for programs; `message` is a sentence a member can read (the services' own);
`fields` names the fields at fault, each with its sentences. A clash (409) also carries the
nearest free alternatives, computed by `bookings.availability.alternatives` as the web page does.
"""

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from bookings.availability import alternatives
from bookings.rules import BookingError
from spaces.models import Space

# DRF's exception classes -> our stable code.
CODES: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "malformed"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "rate_limited"),
]


class ApiError(exceptions.APIException):
    """An error with our code, message and extra members (e.g. alternatives)."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status_code: int = status.HTTP_400_BAD_REQUEST,
        fields: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.error_code = code
        self.fields = fields or {}
        self.extra = extra or {}


def refused(
    error: Exception,
    *,
    space: Space | None = None,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    now: datetime | None = None,
) -> ApiError:
    """A service's refusal as an API error: a clash is a 409 with the other times and spaces
    free then (when the wanted time is known); any other refusal a 400 with its sentence."""
    message = getattr(error, "message", str(error))
    field = getattr(error, "field", None)
    fields = {field: [message]} if field else {}
    if isinstance(error, BookingError) and error.code == "clash":
        extra: dict[str, Any] = {"alternatives": {"times": [], "spaces": []}}
        if space is not None and starts_at and ends_at and now and ends_at > starts_at:
            times, spaces = alternatives(space, starts_at, ends_at, now=now)
            zone = space.venue.zone
            extra["alternatives"] = {
                "times": [
                    {
                        "space": space.pk,
                        "starts_at": slot.start.astimezone(zone).isoformat(),
                        "ends_at": slot.end.astimezone(zone).isoformat(),
                    }
                    for slot in times
                ],
                "spaces": [{"id": other.pk, "name": other.name} for other in spaces],
            }
        return ApiError(
            message, code="clash", status_code=status.HTTP_409_CONFLICT, fields=fields, extra=extra
        )
    return ApiError(message, code="refused", fields=fields)


def _flatten(detail: Any) -> list[str]:
    if isinstance(detail, dict):
        return [text for value in detail.values() for text in _flatten(value)]
    if isinstance(detail, list):
        return [text for value in detail for text in _flatten(value)]
    return [str(detail)]


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(name): _flatten(value) for name, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every error in the one shape; headers (WWW-Authenticate, Retry-After) kept from DRF's."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found: it does not exist, or is not yours to see."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ApiError):
        response.data = {
            "code": exc.error_code,
            "message": exc.message,
            "fields": exc.fields,
            **exc.extra,
        }
        return response
    code = next((name for kind, name in CODES if isinstance(exc, kind)), "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        message = _("Some of what was sent is not right: see fields.")
        if list(fields) == ["non_field_errors"]:
            message = " ".join(fields["non_field_errors"])
        response.data = {"code": code, "message": message, "fields": fields}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"code": code, "message": " ".join(_flatten(detail)), "fields": {}}
    return response
