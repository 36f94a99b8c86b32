"""The request a view behind `@login_required` receives."""

from django.http import HttpRequest

from .models import Member


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` whose user has logged in; annotate views behind `@login_required` with it
    so the type checker knows `request.user` is a `Member`, not an `AnonymousUser`."""

    user: Member
