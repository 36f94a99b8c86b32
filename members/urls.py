from django.urls import path

from . import organisation_views, views

app_name = "members"
urlpatterns = [
    path("account/", views.account, name="account"),
    path(
        "organisations/<slug:slug>/",
        organisation_views.organisation_page,
        name="organisation",
    ),
    path(
        "organisations/<slug:slug>/details/",
        organisation_views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<slug:slug>/people/<int:membership_id>/role/",
        organisation_views.change_role,
        name="organisation_role",
    ),
    path(
        "organisations/<slug:slug>/people/<int:membership_id>/remove/",
        organisation_views.remove_member,
        name="organisation_remove",
    ),
]
