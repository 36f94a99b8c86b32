"""Every list is paged: `?page=2&per_page=100` (at most 200), with `count`, `next`, `previous`."""

from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "per_page"
    max_page_size = 200
