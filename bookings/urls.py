from django.urls import path

from .views import (
    booking,
    checkin,
    day_sheet,
    find,
    manage,
    manage_list,
    manage_venue,
    requests,
    series,
    statements,
    waitlist,
)

app_name = "bookings"
urlpatterns = [
    path("venues/", find.venue_list, name="venues"),
    path("venues/<slug:venue_slug>/<slug:space_slug>/book/", booking.book, name="book"),
    path("venues/<slug:venue_slug>/<slug:space_slug>/repeat/", series.repeat, name="repeat"),
    path(
        "venues/<slug:venue_slug>/<slug:space_slug>/waitlist/join/",
        waitlist.join,
        name="join_waitlist",
    ),
    path("waitlist/<int:pk>/leave/", waitlist.leave, name="leave_waitlist"),
    path("waitlist/claim/<str:token>/", waitlist.claim, name="claim"),
    path("bookings/", booking.my_bookings, name="mine"),
    path("bookings/<int:pk>/", booking.booking_detail, name="detail"),
    path("bookings/<int:pk>/cancel/", booking.cancel, name="cancel"),
    path("bookings/<int:pk>/check-in/", checkin.check_in_booking, name="check_in"),
    path(
        "venues/<slug:venue_slug>/<slug:space_slug>/check-in/",
        checkin.door_check_in,
        name="door_check_in",
    ),
    path("bookings/<int:pk>/change/", booking.change, name="change"),
    path("account/statements/", statements.my_statements, name="my_statements"),
    path(
        "account/statements/<slug:venue_slug>/<str:month>/",
        statements.my_statement,
        name="my_statement",
    ),
    path(
        "organisations/<slug:slug>/bookings/",
        statements.organisation_bookings,
        name="organisation_bookings",
    ),
    path(
        "organisations/<slug:slug>/statements/<slug:venue_slug>/<str:month>/",
        statements.organisation_statement_page,
        name="organisation_statement",
    ),
    path(
        "manage/venues/<slug:venue_slug>/statements/members/<int:member_id>/<str:month>/",
        statements.member_statement_for_manager,
        name="member_statement",
    ),
    path("bookings/<int:pk>/cancel-series/", series.cancel, name="cancel_series"),
    path("bookings/<int:pk>/change-series/", series.change, name="change_series"),
    path("manage/requests/", requests.requests, name="requests"),
    path("manage/requests/decide/", requests.decide, name="decide_requests"),
    path("manage/requests/series/<int:pk>/", series.decide, name="decide_series"),
    path("manage/requests/<int:pk>/approve/", booking.approve, name="approve"),
    path("manage/requests/<int:pk>/decline/", booking.decline, name="decline"),
    path("manage/venues/<slug:venue_slug>/day/", manage.venue_day, name="venue_day"),
    path(
        "manage/venues/<slug:venue_slug>/day-sheet/",
        day_sheet.venue_day_sheet,
        name="venue_day_sheet",
    ),
    path("manage/venues/<slug:venue_slug>/week/", manage.venue_week, name="venue_week"),
    path(
        "manage/venues/<slug:venue_slug>/bookings/",
        manage_list.venue_bookings,
        name="venue_bookings",
    ),
    path("manage/venues/<slug:venue_slug>/closures/", manage.venue_closures, name="venue_closures"),
    path("manage/venues/<slug:venue_slug>/book/", manage.book_on_behalf, name="book_on_behalf"),
    path("manage/venues/<slug:venue_slug>/details/", manage_venue.venue_edit, name="venue_edit"),
    path("manage/venues/<slug:venue_slug>/hours/", manage_venue.venue_hours, name="venue_hours"),
    path(
        "manage/venues/<slug:venue_slug>/hours/exceptions/",
        manage_venue.add_opening_exception,
        name="add_opening_exception",
    ),
    path(
        "manage/venues/<slug:venue_slug>/hours/exceptions/<int:pk>/delete/",
        manage_venue.delete_opening_exception,
        name="delete_opening_exception",
    ),
    path("manage/venues/<slug:venue_slug>/spaces/", manage_venue.venue_spaces, name="venue_spaces"),
    path("manage/venues/<slug:venue_slug>/spaces/new/", manage_venue.space_edit, name="space_new"),
    path(
        "manage/venues/<slug:venue_slug>/spaces/<slug:space_slug>/qr.svg",
        checkin.space_qr,
        name="space_qr",
    ),
    path(
        "manage/venues/<slug:venue_slug>/spaces/<slug:space_slug>/door-sign/",
        checkin.door_sign,
        name="door_sign",
    ),
    path(
        "manage/venues/<slug:venue_slug>/spaces/<slug:space_slug>/",
        manage_venue.space_edit,
        name="space_edit",
    ),
    # Last of the /venues/<venue>/<slug>/ pages: feeds and stats name theirs (calendars, stats...).
    path("venues/<slug:venue_slug>/<slug:space_slug>/", find.space_detail, name="space"),
]
