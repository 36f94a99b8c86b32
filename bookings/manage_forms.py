"""Forms of the venue manager's pages: shape and the venue's wall clock here, rules in the services."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from members import permissions
from members.models import Member, Organisation
from memberships.models import Membership
from spaces.models import OpeningException, OpeningHours, Space, Venue
from spaces.timezones import NonexistentLocalTime, resolve_local

from .forms import (
    SpaceChoiceField,
    date_field,
    public_title_field,
    setup_notes_field,
    time_field,
)


class MembershipChoiceField(forms.ModelChoiceField):
    """'Community group: Ladywood Youth Choir', 'Hot desk 10 days: Fay Freelancer'."""

    def label_from_instance(self, obj: Membership) -> str:
        return f"{obj.plan.name}: {obj.holder}"


class ClosureForm(forms.Form):
    """A closure in the venue's local time; `decision` is asked for once the bookings it hits are known."""

    CANCEL, KEEP = "cancel", "keep"

    space = SpaceChoiceField(
        label=gettext_lazy("What closes"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=gettext_lazy("The whole venue"),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_time = forms.TimeField(
        label=gettext_lazy("From (time)"),
        initial=dt.time(0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until (date)"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_time = forms.TimeField(
        label=gettext_lazy("Until (time)"),
        initial=dt.time(0),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        help_text=gettext_lazy("Members see it on the week grid, e.g. Bank holiday."),
    )
    decision = forms.ChoiceField(
        label=gettext_lazy("The bookings it hits"),
        choices=[
            (CANCEL, gettext_lazy("Cancel them and tell each booker why")),
            (
                KEEP,
                gettext_lazy("Keep them: they go ahead, and nobody else can book the closed time"),
            ),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput)  # ids of the hits shown

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.venue = venue
        space = self.fields["space"]
        assert isinstance(space, forms.ModelChoiceField)  # declared above
        space.queryset = venue.spaces.filter(is_active=True).order_by("name")

    def _instant(self, day: dt.date, at: dt.time, field: str) -> dt.datetime | None:
        try:
            return resolve_local(dt.datetime.combine(day, at), self.venue.zone).instant
        except NonexistentLocalTime as error:
            self.add_error(field, str(error))
            return None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        starts = self._instant(data["starts_on"], data["starts_time"], "starts_time")
        ends = self._instant(data["ends_on"], data["ends_time"], "ends_time")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", gettext_lazy("The closure must end after it starts."))
        data["starts_at"], data["ends_at"] = starts, ends
        return data


class VenueForm(forms.ModelForm):
    """A venue's details and publishing choices; a new time zone is confirmed first."""

    confirm_zone = forms.BooleanField(
        label=gettext_lazy("Yes, change the time zone"),
        required=False,
    )

    class Meta:
        model = Venue
        fields = [
            "name",
            "description",
            "address",
            "postcode",
            "accessibility_notes",
            "time_zone",
            "publish_busy_times",
            "publish_impact",
            "display_public_titles",
            "opened_for_sharing_on",
            "baseline_weekly_hours",
            "baseline_notes",
            "peak_starts",
            "peak_ends",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 3}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "baseline_notes": forms.Textarea(attrs={"rows": 2}),
            "opened_for_sharing_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "peak_starts": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "peak_ends": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, future_bookings: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.future_bookings = future_bookings
        self.zone_was = self.instance.time_zone

    @property
    def zone_changes(self) -> bool:
        return self.is_bound and self.data.get("time_zone", self.zone_was) != self.zone_was

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.zone_changes and not self.cleaned_data.get("confirm_zone"):
            self.add_error(
                "confirm_zone",
                gettext_lazy(
                    "Confirm the new time zone: bookings keep their moment in time, so their "
                    "local times move by the difference between the zones."
                ),
            )
        starts, ends = self.cleaned_data.get("peak_starts"), self.cleaned_data.get("peak_ends")
        if starts is not None and ends is not None and ends <= starts:
            self.add_error("peak_ends", gettext_lazy("Peak hours must end after they start."))
        return self.cleaned_data


class OpeningHoursForm(forms.ModelForm):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]
        widgets = {
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        super().clean()
        opens, closes = self.cleaned_data.get("opens"), self.cleaned_data.get("closes")
        if opens is not None and closes is not None and closes <= opens:
            self.add_error("closes", gettext_lazy("It must close after it opens."))
        return self.cleaned_data


class BaseOpeningHoursFormSet(forms.BaseModelFormSet):
    """The week: several intervals a day are fine, overlapping ones are not."""

    def clean(self) -> None:
        super().clean()
        kept = []
        for form in self.forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            if form.cleaned_data.get("weekday") is not None and form.cleaned_data.get("opens"):
                kept.append(form)
        by_day: dict[int, list[forms.ModelForm]] = {}
        for form in kept:
            by_day.setdefault(form.cleaned_data["weekday"], []).append(form)
        for forms_of_day in by_day.values():
            forms_of_day.sort(key=lambda f: f.cleaned_data["opens"])
            for earlier, later in zip(forms_of_day, forms_of_day[1:], strict=False):
                if later.cleaned_data["opens"] < earlier.cleaned_data["closes"]:
                    later.add_error(
                        "opens",
                        gettext_lazy("It overlaps another interval of the same day."),
                    )
                    raise forms.ValidationError(
                        gettext_lazy("Two intervals of one day overlap: see the marked row.")
                    )


OpeningHoursFormSet = forms.modelformset_factory(
    OpeningHours,
    form=OpeningHoursForm,
    formset=BaseOpeningHoursFormSet,
    extra=3,
    can_delete=True,
)


class SpaceForm(forms.ModelForm):
    """A space and its rules. Seats change through bookings.services.save_space."""

    class Meta:
        model = Space
        fields = [
            "name",
            "slug",
            "kind",
            "description",
            "capacity",
            "seats",
            "rate",
            "amenities",
            "step_free",
            "hearing_loop",
            "accessible_toilet",
            "quiet",
            "is_active",
            "min_duration",
            "max_duration",
            "slot_step",
            "min_notice",
            "horizon",
            "buffer_after",
            "requires_approval",
            "approval_deadline",
            "one_seat_per_person",
            "check_in_opens_before",
            "grace_period",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "amenities": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "min_duration": gettext_lazy("Hours and minutes, e.g. 1:00:00 for an hour."),
            "horizon": gettext_lazy("Days, e.g. 90 days, 0:00:00."),
            "check_in_opens_before": gettext_lazy(
                "How long before the start a member may check in, e.g. 0:15:00."
            ),
        }

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.venue = venue

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        taken = Space.objects.filter(venue=self.instance.venue, slug=slug).exclude(
            pk=self.instance.pk
        )
        if taken.exists():
            raise forms.ValidationError(
                gettext_lazy("Another space of this venue already has this slug.")
            )
        return slug

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A new desk pool releases its no-shows unless its manager says otherwise; a room does
        # not. An existing space's empty grace period means off.
        if (
            self.instance.pk is None
            and data.get("grace_period") is None
            and (data.get("seats") or 1) > 1
        ):
            data["grace_period"] = Space.DESK_POOL_GRACE_PERIOD
        return data


class OnBehalfForm(forms.Form):
    """A booking a manager makes for a member who phoned or walked in, in the venue's clock."""

    email = forms.EmailField(
        label=gettext_lazy("The member's email address"),
        help_text=gettext_lazy("They need an account; the confirmation goes to them."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Booking for"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Themselves"),
    )
    space = SpaceChoiceField(label=gettext_lazy("Space"), queryset=Space.objects.none())
    date = date_field()
    start_time = time_field(gettext_lazy("Starts at"))
    end_time = time_field(gettext_lazy("Ends at"))
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    purpose = forms.CharField(
        label=gettext_lazy("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("How many people"), min_value=1, max_value=100000, initial=1
    )
    setup_notes = setup_notes_field()
    public_title = public_title_field()
    membership = MembershipChoiceField(
        label=gettext_lazy("Use"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=gettext_lazy("Pay as you go / none"),
        help_text=gettext_lazy(
            "One of their memberships here, or their organisation's; its allowance is checked."
        ),
    )
    waive = forms.BooleanField(
        label=gettext_lazy("Waive the notice and how far ahead it may be booked"),
        required=False,
        help_text=gettext_lazy("Overlaps and seats are never waived. The booking says so."),
    )

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.venue = venue
        space = self.fields["space"]
        assert isinstance(space, forms.ModelChoiceField)  # declared above
        space.queryset = venue.spaces.filter(is_active=True).order_by("name")
        membership = self.fields["membership"]
        assert isinstance(membership, forms.ModelChoiceField)  # declared above
        today = dt.datetime.now(venue.zone).date()
        membership.queryset = (
            Membership.objects.filter(plan__venue=venue, plan__is_active=True)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
            .select_related("plan", "member", "organisation")
            .order_by("plan__name", "organisation__name", "member__email")
        )

    def clean_email(self) -> Member:
        email = self.cleaned_data["email"]
        member = Member.objects.filter(email__iexact=email, is_active=True).first()
        if member is None:
            raise forms.ValidationError(
                gettext_lazy("No member has this email address; ask them to sign up first.")
            )
        return member

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        for name, at in (("starts_at", "start_time"), ("ends_at", "end_time")):
            try:
                data[name] = resolve_local(
                    dt.datetime.combine(data["date"], data[at]), self.venue.zone
                ).instant
            except NonexistentLocalTime as error:
                self.add_error(at, str(error))
        chosen = data.get("membership")
        if chosen is not None and not permissions.may_use_membership(data["email"], chosen):
            self.add_error(
                "membership",
                gettext_lazy(
                    "%(member)s cannot use %(plan)s: it is neither theirs nor one of their "
                    "organisations'."
                )
                % {"member": data["email"], "plan": chosen.plan.name},
            )
        return data


class OpeningExceptionForm(forms.ModelForm):
    """One date's own hours (or closed all day), checked against the venue's clock that day."""

    closed = forms.BooleanField(label=gettext_lazy("Closed all day"), required=False)

    class Meta:
        model = OpeningException
        fields = ["date", "opens", "closes", "note"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "opens": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.venue = venue

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        day, opens, closes = data.get("date"), data.get("opens"), data.get("closes")
        if data.get("closed"):
            data["opens"] = data["closes"] = None
            return data
        if opens is None or closes is None:
            self.add_error(
                "opens" if opens is None else "closes",
                gettext_lazy("Give the hours it opens and closes, or tick Closed all day."),
            )
            return data
        if closes <= opens:
            self.add_error("closes", gettext_lazy("It must close after it opens."))
            return data
        if day is None:
            return data
        zone = self.instance.venue.zone
        for name, at in (("opens", opens), ("closes", closes)):
            try:
                resolve_local(dt.datetime.combine(day, at), zone)
            except NonexistentLocalTime as error:
                self.add_error(name, str(error))
        others = OpeningException.objects.filter(venue=self.instance.venue, date=day).exclude(
            opens__isnull=True
        )
        if others.filter(opens__lt=closes, closes__gt=opens).exists():
            self.add_error("opens", gettext_lazy("It overlaps other hours given for that date."))
        return data
