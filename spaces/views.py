from django.http import HttpRequest, HttpResponse


def venue_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def venue_detail(request: HttpRequest, venue_slug: str) -> HttpResponse:
    raise NotImplementedError


def space_detail(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    raise NotImplementedError
