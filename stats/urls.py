from django.urls import path

from . import views

app_name = "stats"
# Included before spaces.urls: these fixed words would otherwise be read as space slugs.
urlpatterns = [
    path("venues/<slug:venue_slug>/stats/", views.venue_stats, name="venue"),
    path("venues/<slug:venue_slug>/stats/values/", views.proxy_values, name="proxy_values"),
    path(
        "venues/<slug:venue_slug>/stats/values/<int:pk>/",
        views.proxy_value_edit,
        name="proxy_value_edit",
    ),
    path(
        "venues/<slug:venue_slug>/stats/values/<int:pk>/remove/",
        views.proxy_value_delete,
        name="proxy_value_delete",
    ),
    path("venues/<slug:venue_slug>/stats/daily.csv", views.daily_csv, name="daily_csv"),
    path("venues/<slug:venue_slug>/usage.csv", views.usage_csv, name="usage_csv"),
    path("venues/<slug:venue_slug>/usage.json", views.usage_json, name="usage_json"),
    path("venues/<slug:venue_slug>/impact/", views.impact, name="impact"),
    path("venues/<slug:venue_slug>/<slug:space_slug>/stats/", views.space_stats, name="space"),
]
