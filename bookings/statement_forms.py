"""The GET forms of statements and an organisation's bookings: a month (yyyy-mm) and a venue."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy

from spaces.models import Venue

from .statements import parse_month


class MonthField(forms.CharField):
    """A month as yyyy-mm (the browser's month picker), cleaned to its 1st."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}"})

    def clean(self, value) -> dt.date | None:
        text = super().clean(value)
        if not text:
            return None
        first = parse_month(text)
        if first is None:
            raise forms.ValidationError(
                gettext_lazy("Give a month as year and month, e.g. 2027-01."), code="invalid"
            )
        return first


class MonthAndVenueForm(forms.Form):
    """Which month and (optionally) which venue; `venues` are those worth offering."""

    month = MonthField(label=gettext_lazy("Month"), required=False)
    venue = forms.ModelChoiceField(
        label=gettext_lazy("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=gettext_lazy("Every venue"),
    )

    def __init__(self, *args, venues, venue_required: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        venue = self.fields["venue"]
        assert isinstance(venue, forms.ModelChoiceField)
        venue.queryset = venues
        if venue_required:
            venue.required = True
            venue.empty_label = None
