from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import pages
from .views import account, bookings, manage, root, series, venues

app_name = "api"
urlpatterns = [
    path("account/api-tokens/", pages.api_tokens, name="tokens"),
    path("account/api-tokens/<int:pk>/revoke/", pages.revoke_token, name="revoke_token"),
    path("api/v1/", root.Root.as_view(), name="root"),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/docs/", pages.docs, name="docs"),
    path("api/v1/venues/", venues.VenueList.as_view(), name="venues"),
    path("api/v1/venues/<slug:venue_slug>/", venues.VenueDetail.as_view(), name="venue"),
    path(
        "api/v1/venues/<slug:venue_slug>/availability/",
        venues.VenueAvailability.as_view(),
        name="venue_availability",
    ),
    path("api/v1/venues/<slug:venue_slug>/usage/", venues.VenueUsage.as_view(), name="venue_usage"),
    path(
        "api/v1/venues/<slug:venue_slug>/bookings/",
        manage.VenueBookings.as_view(),
        name="venue_bookings",
    ),
    path("api/v1/spaces/", venues.SpaceList.as_view(), name="spaces"),
    path("api/v1/spaces/<int:pk>/", venues.SpaceDetail.as_view(), name="space"),
    path(
        "api/v1/spaces/<int:pk>/availability/",
        venues.SpaceAvailability.as_view(),
        name="space_availability",
    ),
    path("api/v1/bookings/", bookings.MyBookings.as_view(), name="bookings"),
    path("api/v1/bookings/<int:pk>/", bookings.BookingDetail.as_view(), name="booking"),
    path("api/v1/bookings/<int:pk>/move/", bookings.MoveBooking.as_view(), name="move"),
    path("api/v1/bookings/<int:pk>/cancel/", bookings.CancelBooking.as_view(), name="cancel"),
    path(
        "api/v1/bookings/<int:pk>/cancel-series/",
        series.CancelSeries.as_view(),
        name="cancel_series",
    ),
    path(
        "api/v1/bookings/<int:pk>/change-series/",
        series.ChangeSeries.as_view(),
        name="change_series",
    ),
    path("api/v1/bookings/<int:pk>/approve/", manage.ApproveBooking.as_view(), name="approve"),
    path("api/v1/bookings/<int:pk>/decline/", manage.DeclineBooking.as_view(), name="decline"),
    path("api/v1/series/", bookings.MySeries.as_view(), name="series"),
    path("api/v1/series/preview/", series.PreviewSeries.as_view(), name="preview_series"),
    path("api/v1/series/book/", series.BookSeries.as_view(), name="book_series"),
    path("api/v1/series/<int:pk>/", bookings.SeriesDetail.as_view(), name="one_series"),
    path("api/v1/memberships/", account.MyMemberships.as_view(), name="memberships"),
    path("api/v1/memberships/<int:pk>/", account.MembershipDetail.as_view(), name="membership"),
    path("api/v1/feed-tokens/", account.MyFeedTokens.as_view(), name="feed_tokens"),
    path(
        "api/v1/feed-tokens/<int:pk>/revoke/",
        account.RevokeFeedToken.as_view(),
        name="revoke_feed_token",
    ),
    # Last: any other address under /api/v1/ answers the API's JSON 404.
    path("api/v1/<path:rest>", root.Unknown.as_view(), name="unknown"),
]
