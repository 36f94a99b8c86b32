from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="bookings:venues", permanent=False), name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("members.urls")),
    path("", include("memberships.urls")),
    # Feeds and stats name their /venues/<venue>/<page>/ paths before bookings' catch-all
    # /venues/<venue>/<space>/ (the week of a space).
    path("", include("feeds.urls")),
    path("", include("stats.urls")),
    path("", include("operations.urls")),
    path("", include("webhooks.urls")),
    path("", include("api.urls")),
    path("", include("bookings.urls")),
    path("", include("spaces.urls")),
]

handler500 = "config.errors.server_error"
