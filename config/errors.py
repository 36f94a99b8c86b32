"""The site's answer to an unhandled fault: 503 when the database is unreachable, else 500.

Both pages are rendered without the request's context processors, which would ask the database
again. Whatever the request was writing was inside a transaction the database never committed
(the services write in `transaction.atomic`), so nothing is half-written; Django drops a broken
connection at the end of the request and the next request opens a new one.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

RETRY_AFTER_SECONDS = 30


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception, so it is still sys.exc_info()'s.
    fault = sys.exc_info()[1]
    if isinstance(fault, (OperationalError, InterfaceError)):
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
