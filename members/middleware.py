"""Where a web request's changes come from, for the audit trail: the admin or the site."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from .audit import acting_from


class AuditSourceMiddleware:
    """Entries written while serving a request say "admin" under the admin's URLs, "api" under
    the API's (/api/), else "web"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(reverse("admin:index")):
            source = "admin"
        elif request.path.startswith("/api/"):
            source = "api"
        else:
            source = "web"
        with acting_from(source):
            return self.get_response(request)
