"""The Repeat form (a series: the first date's booking form and a rule) and the series decision."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members import permissions
from members.models import Member, Organisation
from memberships.models import Membership
from spaces.models import Space, Venue

from . import recurrence
from .forms import BookingForm, ChangeBookingForm, SpaceChoiceField, date_field
from .manage_forms import MembershipChoiceField, OnBehalfForm
from .models import Series

ORDINALS = {
    1: gettext_lazy("first"),
    2: gettext_lazy("second"),
    3: gettext_lazy("third"),
    4: gettext_lazy("fourth"),
    -1: gettext_lazy("last"),
}

# BookingError.field of the series service -> this form's fields.
SERIES_FIELDS = {"starts_on": "date", "ends": "ends", "until": "until", "count": "count"}


class SeriesForm(BookingForm):
    """The first date and its times, what it is for, and how it repeats. The rule's shape is
    checked here; every date's rules, and the whole rule again, by the series service."""

    frequency = forms.ChoiceField(
        label=gettext_lazy("Repeats"), choices=Series.Frequency.choices, initial="weekly"
    )
    interval = forms.IntegerField(
        label=gettext_lazy("Every"),
        min_value=1,
        max_value=recurrence.MAX_INTERVAL,
        initial=1,
        help_text=gettext_lazy("1 for every week (or day, or month), 2 for every other one…"),
        error_messages={"min_value": gettext_lazy("Repeat at least every 1 (0 is not a rule).")},
    )
    week_of_month = forms.TypedChoiceField(
        label=gettext_lazy("Which weekday of the month"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", gettext_lazy("As on the first date")),
            *((n, str(word)) for n, word in ORDINALS.items()),
        ],
        help_text=gettext_lazy(
            "Only for “every month, on the same weekday”: “last” for the last one of each month."
        ),
    )
    ends = forms.ChoiceField(
        label=gettext_lazy("Ends"),
        choices=[
            ("count", gettext_lazy("After a number of times")),
            ("until", gettext_lazy("On a date")),
        ],
        initial="count",
        widget=forms.RadioSelect,
    )
    count = forms.IntegerField(
        label=gettext_lazy("Number of times"),
        required=False,
        min_value=1,
        max_value=recurrence.MAX_OCCURRENCES,
        initial=10,
    )
    until = date_field()
    # The free dates of the preview the member saw ("book the free dates" books those or none).
    free_dates = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].required = False
        self.fields["until"].label = _("Last date")
        for name in ("start_fold", "end_fold"):
            self.fields[name].widget = forms.HiddenInput()
        self.repeated_fields = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ends = data.get("ends")
        if ends == "count" and not data.get("count") and "count" not in self.errors:
            self.add_error("count", _("Say how many times, or choose a last date."))
        if ends == "until" and not data.get("until") and "until" not in self.errors:
            self.add_error("until", _("Choose the last date, or a number of times."))
        if data.get("frequency") == Series.Frequency.MONTHLY_WEEKDAY and data.get("date"):
            nth = recurrence.week_of_month(data["date"])
            chosen = data.get("week_of_month") or nth
            last_week = (data["date"] + dt.timedelta(days=7)).month != data["date"].month
            if chosen != nth and not (chosen == -1 and last_week):
                self.add_error(
                    "week_of_month",
                    _(
                        "%(date)s is the %(nth)s %(weekday)s of its month; choose that, or another first date."
                    )
                    % {
                        "date": date_format(data["date"], "j F"),
                        "nth": ORDINALS[nth],
                        "weekday": date_format(data["date"], "l"),
                    },
                )
            data["week_of_month"] = chosen
        return data

    def series_kwargs(self) -> dict[str, Any]:
        """The rule and details for bookings.series.new_series, from cleaned data."""
        data = self.cleaned_data
        ends = data["ends"]
        return {
            "starts_on": data["date"],
            "start_time": data["start_time"],
            "duration": data["ends_at"] - data["starts_at"],
            "frequency": data["frequency"],
            "interval": data["interval"],
            "week_of_month": data.get("week_of_month"),
            "until": data["until"] if ends == "until" else None,
            "count": data["count"] if ends == "count" else None,
            "title": data["title"],
            "purpose": data["purpose"],
            "activity": data["activity"],
            "attendees": data["attendees"],
            "organisation": data["organisation"],
        }

    def add_service_error(self, field: str | None, message: str) -> None:
        name = SERIES_FIELDS.get(field or "", field)
        if name in self.fields:
            self.add_error(name, message)
            return
        super().add_service_error(field, message)


class OnBehalfSeriesForm(SeriesForm):
    """A series a manager books for a member (and their organisation): who, which space of the
    venue, then the Repeat form's own fields and checks. Whether the member may book for the
    organisation is the service's to say, for every date at once."""

    def __init__(self, *args, venue: Venue, manager: Member, **kwargs) -> None:
        spaces = venue.spaces.filter(is_active=True).order_by("name")
        data = args[0] if args else kwargs.get("data")
        chosen = str(data.get("space", "")) if data else ""
        # The chosen space gives the slot step and the seats; until one is chosen, the first.
        space = spaces.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        picked = space is not None
        space = space or spaces.first()
        if space is None:
            raise Space.DoesNotExist(f"{venue} has no space to book")
        super().__init__(*args, space=space, member=manager, **kwargs)
        if not picked:  # the first space stands in: its capacity says nothing yet
            self.fields["attendees"].help_text = ""
            self.fields["attendees"].widget.attrs.pop("max", None)
        self.venue = venue
        # Who books is the member's, not the manager's: no memberships or funds of the manager's.
        self.memberships, self.funds = {}, {}
        who = OnBehalfForm(venue=venue)
        self.fields["email"] = who.fields["email"]
        self.fields["organisation"] = forms.ModelChoiceField(
            label=gettext_lazy("Booking for"),
            queryset=Organisation.objects.order_by("name"),
            required=False,
            empty_label=gettext_lazy("Themselves"),
        )
        self.fields["membership"] = who.fields["membership"]
        assert isinstance(self.fields["membership"], MembershipChoiceField)  # OnBehalfForm's
        self.fields["space"] = SpaceChoiceField(
            label=gettext_lazy("Space"), queryset=spaces, initial=space.pk
        )
        self.fields["waive"] = who.fields["waive"]

    def clean_email(self) -> Member:
        member = Member.objects.filter(
            email__iexact=self.cleaned_data["email"], is_active=True
        ).first()
        if member is None:
            raise forms.ValidationError(
                _("No member has this email address; ask them to sign up first.")
            )
        return member

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen: Membership | None = data.get("membership")
        member = data.get("email")
        if (
            chosen is not None
            and member is not None
            and not permissions.may_use_membership(member, chosen)
        ):
            self.add_error(
                "membership",
                _(
                    "%(member)s cannot use %(plan)s: it is neither theirs nor one of their "
                    "organisations'."
                )
                % {"member": member, "plan": chosen.plan.name},
            )
        return data


class SeriesDecisionForm(forms.Form):
    """Which pending dates of a series to approve; the others are declined with one reason."""

    approve = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Approve"), required=False, coerce=int, choices=[]
    )
    reason = forms.CharField(
        label=gettext_lazy("Why are the other dates declined? The booker will read this."),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, pending_ids: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["approve"]
        assert isinstance(field, forms.TypedMultipleChoiceField)  # declared above
        field.choices = [(pk, str(pk)) for pk in pending_ids]


class CancelSeriesForm(forms.Form):
    scope = forms.ChoiceField(
        label=gettext_lazy("Which dates?"),
        choices=[
            ("one", gettext_lazy("This date only")),
            ("following", gettext_lazy("This date and every later one of the series")),
            ("all", gettext_lazy("Every date of the series still to come")),
        ],
        initial="one",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ChangeSeriesForm(ChangeBookingForm):
    """This date and the later ones (or every date to come) of a series: the new local times,
    space and details. The date is each occurrence's own, so it is not asked."""

    scope = forms.ChoiceField(
        label=gettext_lazy("Which dates?"),
        choices=[
            ("following", gettext_lazy("This date and every later one of the series")),
            ("all", gettext_lazy("Every date of the series still to come")),
        ],
        initial="following",
        widget=forms.RadioSelect,
    )
    # The dates that cannot change, as the preview showed them ("change the rest" or nothing).
    refused = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["date"]

    def clean(self) -> dict[str, Any]:
        forms.Form.clean(self)
        data = self.cleaned_data
        if self.errors:
            return data
        start, end = data["start_time"], data["end_time"]
        day = dt.date(2000, 1, 3)  # any day without a clock change: the wall-clock length
        ends_on = day + dt.timedelta(days=1) if end == dt.time(0) else day
        length = dt.datetime.combine(ends_on, end) - dt.datetime.combine(day, start)
        if length <= dt.timedelta(0):
            self.add_error("end_time", _("The booking must end after it starts."))
        data["duration"] = length
        return data
