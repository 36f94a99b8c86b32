from django.urls import path

from . import views

app_name = "bookings"
urlpatterns = [
    path("venues/<slug:venue_slug>/<slug:space_slug>/book/", views.book, name="book"),
    path("bookings/", views.my_bookings, name="mine"),
    path("bookings/<int:pk>/", views.booking_detail, name="detail"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("manage/requests/", views.requests, name="requests"),
    path("manage/requests/<int:pk>/approve/", views.approve, name="approve"),
    path("manage/requests/<int:pk>/decline/", views.decline, name="decline"),
]
