from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """Whether to show the manager's links in the header (one cheap query, only when logged in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_venue_manager": False}
    return {"is_venue_manager": user.is_superuser or user.managed_venues.exists()}
