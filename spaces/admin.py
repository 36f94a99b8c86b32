from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from members.audit_admin import AuditedAdmin

from .models import (
    CalendarImport,
    Closure,
    ManagerInvitation,
    OpeningException,
    OpeningHours,
    Space,
    Unavailability,
    Venue,
)


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    extra = 0


class OpeningExceptionInline(admin.TabularInline):
    model = OpeningException
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ["space", "starts_at", "ends_at", "reason"]
    autocomplete_fields = ["space"]


# The inline's columns, all read-only. A tuple: one value that fits the types of both attributes.
SPACE_INLINE_FIELDS = ("name", "kind", "capacity", "seats", "requires_approval", "is_active")


class SpaceInline(admin.TabularInline):
    """The venue's spaces at a glance. Spaces are added and changed on their own page, where a
    change of seats goes through the booking service (bookings.admin.SpaceAdmin)."""

    model = Space
    extra = 0
    fields = SPACE_INLINE_FIELDS
    readonly_fields = SPACE_INLINE_FIELDS
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Venue)
class VenueAdmin(AuditedAdmin):
    list_display = ["name", "postcode", "time_zone", "publish_busy_times", "opened_for_sharing_on"]
    list_filter = ["time_zone", "publish_busy_times", "publish_impact"]
    search_fields = ["name", "address", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["managers"]
    inlines = [OpeningHoursInline, OpeningExceptionInline, ClosureInline, SpaceInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "address",
                    "postcode",
                    "time_zone",
                    "description",
                    "accessibility_notes",
                )
            },
        ),
        (_("People"), {"fields": ("managers",)}),
        (_("Feeds"), {"fields": ("publish_busy_times",)}),
        (
            _("Occupancy and impact"),
            {
                "fields": (
                    "opened_for_sharing_on",
                    "baseline_weekly_hours",
                    "baseline_notes",
                    "peak_starts",
                    "peak_ends",
                    "publish_impact",
                )
            },
        ),
    )


class SpaceAdminBase(admin.ModelAdmin):
    """What the Space admin shows; bookings.admin registers it with saving through the service
    that guards seats (spaces knows nothing of bookings)."""

    list_display = ["name", "venue", "kind", "capacity", "seats", "requires_approval", "is_active"]
    list_filter = [
        "venue",
        "kind",
        "is_active",
        "requires_approval",
        "step_free",
        "hearing_loop",
        "accessible_toilet",
        "quiet",
    ]
    search_fields = ["name", "venue__name"]
    list_select_related = ["venue"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "venue",
                    "name",
                    "slug",
                    "kind",
                    "description",
                    "capacity",
                    "seats",
                    "rate",
                    "amenities",
                    "is_active",
                )
            },
        ),
        (
            _("Accessibility"),
            {"fields": ("step_free", "hearing_loop", "accessible_toilet", "quiet")},
        ),
        (
            _("Rules"),
            {
                "fields": (
                    "min_duration",
                    "max_duration",
                    "slot_step",
                    "min_notice",
                    "horizon",
                    "buffer_after",
                    "requires_approval",
                    "one_seat_per_person",
                )
            },
        ),
        (_("Check-in and no-shows"), {"fields": ("check_in_opens_before", "grace_period")}),
    )


@admin.register(Closure)
class ClosureAdmin(AuditedAdmin):
    list_display = ["reason", "venue", "space", "starts_at", "ends_at"]
    list_filter = ["venue", "space"]
    search_fields = ["reason", "venue__name"]
    date_hierarchy = "starts_at"
    list_select_related = ["venue", "space"]
    autocomplete_fields = ["space"]


@admin.register(CalendarImport)
class CalendarImportAdmin(admin.ModelAdmin):
    """Read-mostly: the fetch state is written by the importer, not by hand."""

    list_display = ["name", "venue", "space", "last_success_at", "last_fetched_at", "has_error"]
    list_filter = ["venue", "space"]
    search_fields = ["name", "url"]
    list_select_related = ["venue", "space"]
    readonly_fields = ["last_fetched_at", "last_success_at", "last_error"]
    fields = ["venue", "space", "name", "url", "last_fetched_at", "last_success_at", "last_error"]

    @admin.display(boolean=True, description=_("last fetch failed"))
    def has_error(self, obj: CalendarImport) -> bool:
        return bool(obj.last_error)


@admin.register(Unavailability)
class UnavailabilityAdmin(admin.ModelAdmin):
    """Rows come from imported calendars; the next import replaces them, so they are not edited here."""

    list_display = ["summary", "venue", "space", "starts_at", "ends_at", "source"]
    list_filter = ["venue", "space", "source"]
    search_fields = ["summary"]
    date_hierarchy = "starts_at"
    list_select_related = ["venue", "space", "source"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ManagerInvitation)
class ManagerInvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made on the venue's People page and accepted by signing up."""

    list_display = ["email", "venue", "invited_by", "created_at", "accepted_at"]
    list_filter = ["venue"]
    search_fields = ["email"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
