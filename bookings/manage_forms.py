"""Forms of the venue manager's pages: shape and the venue's wall clock here, rules in the services."""

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from spaces.models import Space, Venue
from spaces.timezones import NonexistentLocalTime, resolve_local


class ClosureForm(forms.Form):
    """A closure in the venue's local time; `decision` is asked for once the bookings it hits are known."""

    CANCEL, KEEP = "cancel", "keep"

    space = forms.ModelChoiceField(
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
        help_text=gettext_lazy("00:00 on the day after the last closed day closes whole days."),
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
