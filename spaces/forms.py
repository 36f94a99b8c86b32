import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Space


class SpaceFilterForm(forms.Form):
    """What a member looking for a space cares about; every field optional. Read from the query string."""

    step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    accessible_toilet = forms.BooleanField(label=_("Accessible toilet"), required=False)
    quiet = forms.BooleanField(label=_("Quiet space"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of space"), required=False, choices=[("", _("Any kind")), *Space.Kind.choices]
    )
    people = forms.IntegerField(
        label=_("For how many people"), required=False, min_value=1, max_value=10000
    )
    date = forms.DateField(
        label=_("Free on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    from_time = forms.TimeField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    to_time = forms.TimeField(
        label=_("To"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )

    FEATURES = ("step_free", "hearing_loop", "accessible_toilet", "quiet")

    # `date` below is the field, so the type is spelt dt.date.
    def clean_date(self) -> dt.date | None:
        day = self.cleaned_data.get("date")
        # Far-off years overflow when converted between zones; no booking is that far away anyway.
        if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2999, 12, 31):
            raise forms.ValidationError(_("Choose a date between the years 2000 and 2999."))
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        when = [data.get("date"), data.get("from_time"), data.get("to_time")]
        given = [value is not None for value in when]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("To find a free space, give a date, a start time and an end time.")
            )
        if all(given) and data["to_time"] <= data["from_time"]:
            self.add_error("to_time", _("The end time must be after the start time."))
        return data

    def wanted_time(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The naive wall-clock start and end asked for, to resolve in each venue's own zone; None if not asked."""
        data = self.cleaned_data
        if data.get("date") and data.get("from_time") and data.get("to_time"):
            return dt.datetime.combine(data["date"], data["from_time"]), dt.datetime.combine(
                data["date"], data["to_time"]
            )
        return None

    def filter_spaces(self, spaces):
        """Narrow a Space queryset by the features, kind and size asked for (not by time)."""
        data = self.cleaned_data
        for feature in self.FEATURES:
            if data.get(feature):
                spaces = spaces.filter(**{feature: True})
        if data.get("kind"):
            spaces = spaces.filter(kind=data["kind"])
        if data.get("people"):
            spaces = spaces.filter(capacity__gte=data["people"])
        return spaces
