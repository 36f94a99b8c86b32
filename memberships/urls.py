from django.urls import path

from . import views

app_name = "memberships"
urlpatterns = [
    path("account/memberships/", views.account_memberships, name="account"),
]
