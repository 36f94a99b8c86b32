"""The site's answer to an unhandled fault: 503 when the database is unreachable, else 500.

Both pages are rendered without the request's context processors, which would ask the database
again. Whatever the request was writing was inside a transaction the database never committed
(the services write in `transaction.atomic`), so nothing is half-written; Django drops a broken
connection at the end of the request and the next request opens a new one.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def _api_fault(status: int) -> HttpResponse:
    """The API's programs get its one error shape (docs/api.md), not a page."""
    if status == 503:
        message = _("The service is unavailable for a moment. Try again shortly.")
        code = "unavailable"
    else:
        message = _("Something went wrong on our side; nothing was changed. Try again later.")
        code = "server_error"
    return JsonResponse({"code": code, "message": message, "fields": {}}, status=status)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still sys.exc_info()'s.
    fault = sys.exc_info()[1]
    api = request.path.startswith(API_PREFIX)
    if isinstance(fault, (OperationalError, InterfaceError)):
        response = (
            _api_fault(503) if api else HttpResponse(render_to_string("503.html"), status=503)
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return _api_fault(500) if api else HttpResponse(render_to_string("500.html"), status=500)
