from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="spaces:venues", permanent=False), name="home"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("bookings.urls")),
    path("", include("feeds.urls")),
    path("", include("stats.urls")),
    path("", include("spaces.urls")),
]
