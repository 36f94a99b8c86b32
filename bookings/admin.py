from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from schedule.models import Calendar, CalendarRelation, Event, EventRelation, Occurrence, Rule

from members.models import Member
from spaces.admin import SpaceAdminBase
from spaces.models import Space

from .models import Booking, BookingQuerySet
from .rules import seats_refusal
from .services import (
    BookingError,
    approve_booking,
    cancel_booking,
    change_booking_details,
    decline_booking,
    save_space,
)

# Times, space, status and who-decided are set by bookings.services only; the admin shows them.
RULED_FIELDS = [
    "uid",
    "space",
    "booker",
    "organisation",
    "starts_at",
    "ends_at",
    "blocked_until",
    "exclusive",
    "status",
    "attendees",
    "sequence",
    "decided_by",
    "decided_at",
    "decision_reason",
    "cancelled_by",
    "cancelled_at",
    "cancellation_reason",
    "event",
    "created_at",
    "updated_at",
]


def _apply(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset, service, verb: str, **kwargs
) -> None:
    done = 0
    for booking in queryset:
        try:
            service(booking=booking, by=request.user, **kwargs)
        except BookingError as error:
            modeladmin.message_user(request, f"{booking}: {error.message}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, _("%(verb)s %(count)d booking(s).") % {"verb": verb, "count": done}
        )


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Bookings are made on the site; here managers look, approve, decline and cancel, all through the services."""

    list_display = [
        "title",
        "space",
        "starts_at",
        "ends_at",
        "status",
        "booker",
        "organisation",
        "attendees",
    ]
    list_filter = ["status", "space__venue", "space", "activity", "organisation__kind"]
    search_fields = [
        "title",
        "purpose",
        "booker__email",
        "booker__display_name",
        "organisation__name",
    ]
    date_hierarchy = "starts_at"
    list_select_related = ["space__venue", "booker", "organisation"]
    readonly_fields = RULED_FIELDS
    fields = ["title", "purpose", "activity", *RULED_FIELDS]
    actions = ["approve", "decline", "cancel"]

    def get_queryset(self, request: HttpRequest) -> BookingQuerySet:
        # Booking.objects gives BookingQuerySets; the admin adds its ordering and select_related.
        bookings = cast(BookingQuerySet, super().get_queryset(request))
        return bookings.managed_by(request.user)

    def save_model(self, request: HttpRequest, obj: Booking, form, change: bool) -> None:
        # Title, purpose and activity are all the admin edits; the service keeps the mirror
        # event and the SEQUENCE in step.
        try:
            change_booking_details(
                booking=obj,
                by=cast(Member, request.user),  # only logged-in staff get into the admin
                title=obj.title,
                purpose=obj.purpose,
                activity=obj.activity,
            )
        except BookingError as error:
            self.message_user(request, error.message, messages.ERROR)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a booking made here would skip the rules: book on the site instead

    def has_delete_permission(self, request: HttpRequest, obj: Booking | None = None) -> bool:
        return False  # history matters: cancel instead

    @admin.action(description=gettext_lazy("Approve the selected requests"))
    def approve(self, request: HttpRequest, queryset) -> None:
        _apply(self, request, queryset, approve_booking, _("Approved"))

    @admin.action(description=gettext_lazy("Cancel the selected bookings"))
    def cancel(self, request: HttpRequest, queryset) -> None:
        _apply(
            self,
            request,
            queryset,
            cancel_booking,
            _("Cancelled"),
            reason=_("Cancelled by the venue."),
        )

    @admin.action(description=gettext_lazy("Decline the selected requests (asks for a reason)"))
    def decline(self, request: HttpRequest, queryset) -> HttpResponse | None:
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") and reason:
            _apply(self, request, queryset, decline_booking, _("Declined"), reason=reason)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Why decline these requests?"),
            "bookings": queryset,
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "missing_reason": bool(request.POST.get("confirm")),
        }
        return TemplateResponse(request, "bookings/admin_decline.html", context)


class SpaceAdminForm(forms.ModelForm):
    """The admin builds the form's fields from SpaceAdminBase.fieldsets."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        seats = data.get("seats")
        if self.instance.pk and seats:
            # The admin validates and saves in one transaction: the lock taken here holds until
            # save_space has written, so no booking can take a seat in between.
            stored = (
                Space.objects.select_for_update(of=("self",))
                .select_related("venue")
                .get(pk=self.instance.pk)
            )
            if seats < stored.seats:
                refusal = seats_refusal(space=stored, seats=seats, now=timezone.now())
                if refusal:
                    self.add_error("seats", refusal)
        return data


@admin.register(Space)
class SpaceAdmin(SpaceAdminBase):
    form = SpaceAdminForm

    def save_model(self, request: HttpRequest, obj: Space, form, change: bool) -> None:
        save_space(space=obj, by=cast(Member, request.user))


# django-scheduler's own admin would edit the mirror of the bookings behind the services' back:
# its calendars and events are shown read-only, the rest not at all.
for model in (Calendar, CalendarRelation, Event, EventRelation, Occurrence, Rule):
    admin.site.unregister(model)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Calendar)
class MirrorCalendarAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug"]


@admin.register(Event)
class MirrorEventAdmin(ReadOnlyAdmin):
    list_display = ["title", "calendar", "start", "end"]
    list_select_related = ["calendar"]
