from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("venues/", views.venue_list, name="venues"),
    path("venues/<slug:venue_slug>/", views.venue_detail, name="venue"),
    path("venues/<slug:venue_slug>/<slug:space_slug>/", views.space_detail, name="space"),
]
