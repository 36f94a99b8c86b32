"""The benchmark's URL conf: the site's own, plus the bare views the page cases are compared
with. Used only by `manage.py bench`, which sets ROOT_URLCONF to this module and
BENCH_SITE_URLCONF to the site's (override_settings); never served."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import include, path

from . import views

SITE_URLCONF = getattr(settings, "BENCH_SITE_URLCONF", None)
if SITE_URLCONF is None:
    raise ImproperlyConfigured("operations.bench.urls is the benchmark's: run manage.py bench.")

urlpatterns = [
    path("bench/bare/<slug:venue_slug>/<slug:space_slug>/", views.bare_page, name="bench_bare"),
    path("bench/insert/<int:space_id>/", views.bare_insert, name="bench_insert"),
    path("", include(SITE_URLCONF)),
]
