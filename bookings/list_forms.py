"""The filter of a venue's bookings list: a GET form that checks shape and turns the venue's local
dates into a half-open window of instants."""

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from members.models import Organisation
from spaces.models import Space, Venue
from spaces.timezones import wall_time_to_utc

from .models import Booking, BookingQuerySet

EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


class VenueBookingsFilter(forms.Form):
    """Space, status, organisation and a range of local dates (both ends included), each optional.
    Without any of them in the query string the list starts today (DEFAULT)."""

    space = forms.ModelChoiceField(
        label=gettext_lazy("Space"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every space"),
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Booking.Status.choices],
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Anyone"),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.venue = venue
        space = self.fields["space"]
        organisation = self.fields["organisation"]
        assert isinstance(space, forms.ModelChoiceField)  # declared above
        assert isinstance(organisation, forms.ModelChoiceField)
        # Retired spaces stay: their bookings are history worth finding.
        space.queryset = venue.spaces.order_by("name")
        organisation.queryset = (
            Organisation.objects.filter(bookings__space__venue=venue).distinct().order_by("name")
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name in ("starts_on", "ends_on"):
            day = data.get(name)
            if day is not None and not EARLIEST <= day <= LATEST:
                self.add_error(name, gettext_lazy("Choose a date between the years 2000 and 2100."))
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if not self.errors and starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", gettext_lazy("The last day comes before the first."))
        return data

    def filter(self, bookings: BookingQuerySet) -> BookingQuerySet:
        """`bookings` narrowed to the valid choices (call after is_valid() was True): a booking is
        in the date range if any of it falls between the first day's midnight and the end of the
        last day, in the venue's zone."""
        data = self.cleaned_data
        zone = self.venue.zone
        conditions = Q()
        if data["space"]:
            conditions &= Q(space=data["space"])
        if data["status"]:
            conditions &= Q(status=data["status"])
        if data["organisation"]:
            conditions &= Q(organisation=data["organisation"])
        if data["starts_on"]:
            conditions &= Q(ends_at__gt=wall_time_to_utc(data["starts_on"], dt.time(0), zone))
        if data["ends_on"]:
            next_day = data["ends_on"] + dt.timedelta(days=1)
            conditions &= Q(starts_at__lt=wall_time_to_utc(next_day, dt.time(0), zone))
        return bookings.filter(conditions)
