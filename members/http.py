"""Request helpers every app's views share: the logged-in request type, the `next` a form posts
back to, and paging of django-tables2 tables from the query string."""

from django.core.paginator import EmptyPage
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_tables2 import RequestConfig, Table

from .models import Member

MAX_PER_PAGE = 100


class AuthenticatedHttpRequest(HttpRequest):
    """An `HttpRequest` whose user has logged in; annotate views behind `@login_required` with it
    so the type checker knows `request.user` is a `Member`, not an `AnonymousUser`."""

    user: Member


def next_url(request: HttpRequest, default: str) -> str:
    """Where a POST goes back to: the posted `next` if it is a path on this site, else `default`
    (a URL, not a pattern name). Call it before the write, so a bad `next` cannot fail after it."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _whole_number(raw: str | None) -> int | None:
    """`raw` as a whole number (0, 1, 2, ...), or None if it is not one; a huge one is capped."""
    if raw is None or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw) if len(raw) <= 18 else 10**18


def configure_tables(request: HttpRequest, *tables: Table, per_page: int | None) -> None:
    """Sort and page `tables` from the query string (each table's prefixed `sort`, `page` and
    `per_page`); `per_page=None` shows every row. Never an error: a `per_page` that is not a whole
    number from 1 is the default `per_page` (above MAX_PER_PAGE it is MAX_PER_PAGE), a `page` that
    is not one from 1 is the first page, and a page past the end is the last. Build the tables
    without `request=`: django-tables2 would page them from the raw query string then."""
    for table in tables:
        RequestConfig(request, paginate=False).configure(table)  # sorting only
        if per_page is None:
            continue
        size = _whole_number(request.GET.get(table.prefixed_per_page_field)) or per_page
        page = _whole_number(request.GET.get(table.prefixed_page_field)) or 1
        try:
            table.paginate(per_page=min(size, MAX_PER_PAGE), page=page)
        except EmptyPage:
            table.page = table.paginator.page(table.paginator.num_pages)
