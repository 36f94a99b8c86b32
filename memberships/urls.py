from django.urls import path

from . import manage_funds, manage_views, views

VENUE = "manage/venues/<slug:venue_slug>/"

app_name = "memberships"
urlpatterns = [
    path("account/memberships/", views.account_memberships, name="account"),
    path(f"{VENUE}plans/", manage_views.venue_plans, name="plans"),
    path(f"{VENUE}plans/new/", manage_views.plan_edit, name="plan_new"),
    path(f"{VENUE}plans/<int:pk>/", manage_views.plan_edit, name="plan_edit"),
    path(f"{VENUE}plans/<int:pk>/retire/", manage_views.plan_retire, name="plan_retire"),
    path(f"{VENUE}plans/tiers/", manage_views.venue_tiers, name="tiers"),
    path(f"{VENUE}memberships/", manage_views.venue_memberships, name="memberships"),
    path(f"{VENUE}memberships/new/", manage_views.membership_grant, name="membership_grant"),
    path(f"{VENUE}memberships/<int:pk>/end/", manage_views.membership_end, name="membership_end"),
    path(f"{VENUE}funds/", manage_funds.venue_funds, name="funds"),
    path(f"{VENUE}funds/new/", manage_funds.fund_new, name="fund_new"),
    path(f"{VENUE}funds/<int:pk>/", manage_funds.fund_detail, name="fund"),
]
