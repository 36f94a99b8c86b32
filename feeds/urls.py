from django.urls import path

from . import display_views, views

app_name = "feeds"
urlpatterns = [
    # Private feeds: the token is the whole secret. Keep it the last path segment.
    path("feeds/<str:token>.ics", views.token_feed, name="token_feed"),
    path("feeds/busy/<slug:venue_slug>.ics", views.busy_venue_feed, name="busy_venue"),
    path(
        "feeds/busy/<slug:venue_slug>/<slug:space_slug>.ics",
        views.busy_space_feed,
        name="busy_space",
    ),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking_ics"),
    path("account/calendar-feeds/", views.my_feeds, name="mine"),
    path("account/calendar-feeds/new/", views.create_feed, name="create"),
    path("account/calendar-feeds/<int:pk>/regenerate/", views.regenerate_feed, name="regenerate"),
    path("account/calendar-feeds/<int:pk>/revoke/", views.revoke_feed, name="revoke"),
    path(
        "manage/venues/<slug:venue_slug>/calendars/", views.venue_calendars, name="venue_calendars"
    ),
    path(
        "manage/venues/<slug:venue_slug>/display/",
        display_views.display_links,
        name="display_links",
    ),
    path(
        "manage/venues/<slug:venue_slug>/display/<int:pk>/revoke/",
        display_views.revoke_display,
        name="revoke_display",
    ),
    # The screen in the hall: the token is the whole secret.
    path("display/<str:token>/", display_views.today, name="today"),
    path("manage/calendars/<int:pk>/refresh/", views.refresh_calendar, name="refresh_calendar"),
    path("manage/calendars/<int:pk>/delete/", views.delete_calendar, name="delete_calendar"),
]
