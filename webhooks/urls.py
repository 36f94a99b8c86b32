from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("manage/venues/<slug:venue_slug>/webhooks/", views.endpoints, name="endpoints"),
    path("manage/venues/<slug:venue_slug>/webhooks/<int:pk>/pause/", views.pause, name="pause"),
    path("manage/venues/<slug:venue_slug>/webhooks/<int:pk>/resume/", views.resume, name="resume"),
    path("manage/venues/<slug:venue_slug>/webhooks/<int:pk>/delete/", views.delete, name="delete"),
    path(
        "manage/venues/<slug:venue_slug>/webhooks/<int:pk>/log/",
        views.deliveries,
        name="deliveries",
    ),
    path(
        "manage/venues/<slug:venue_slug>/webhooks/<int:pk>/log/<int:delivery_pk>/send-again/",
        views.send_again_view,
        name="send_again",
    ),
]
