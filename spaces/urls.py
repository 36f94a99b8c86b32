from django.urls import path

from . import manage_views, views

app_name = "spaces"
urlpatterns = [
    path("venues/<slug:venue_slug>/", views.venue_detail, name="venue"),
    path("manage/venues/<slug:venue_slug>/people/", manage_views.venue_people, name="venue_people"),
    path(
        "manage/venues/<slug:venue_slug>/people/<int:member_id>/remove/",
        manage_views.remove_manager,
        name="remove_manager",
    ),
]
