from django.http import HttpRequest

from members import permissions

# HttpRequest declares no such attribute, hence getattr and setattr.
_CACHE = "_is_venue_manager"


def navigation(request: HttpRequest) -> dict:
    """Whether to show the manager's links in the header: read with the signed-in member
    (members.backends), else one cheap query; none for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_venue_manager": False}
    # Lazy and cached on the request: django-tables2 renders per-row templates with the request,
    # and each render would otherwise run this query again.
    cached: bool | None = getattr(request, _CACHE, None)
    if cached is None:
        cached = permissions.shows_manager_links(user)
        setattr(request, _CACHE, cached)
    return {"is_venue_manager": cached}
