from django.http import HttpRequest

from members import permissions


def navigation(request: HttpRequest) -> dict:
    """Whether to show the manager's links in the header (one cheap query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_venue_manager": False}
    # Lazy and cached on the request: django-tables2 renders per-row templates with the request,
    # and each render would otherwise run this query again.
    if not hasattr(request, "_is_venue_manager"):
        request._is_venue_manager = permissions.manages_any_venue(user)
    return {"is_venue_manager": request._is_venue_manager}
