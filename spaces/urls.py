from django.urls import path

from . import views

app_name = "spaces"
urlpatterns = [
    path("venues/<slug:venue_slug>/", views.venue_detail, name="venue"),
]
