from django.http import HttpRequest, HttpResponse


def book(request: HttpRequest, venue_slug: str, space_slug: str) -> HttpResponse:
    raise NotImplementedError


def my_bookings(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def requests(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def approve(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError


def decline(request: HttpRequest, pk: int) -> HttpResponse:
    raise NotImplementedError
