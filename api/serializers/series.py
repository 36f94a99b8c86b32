"""The shape of a repeating booking sent to the API, and the dates it gives."""

import datetime as dt

from django.utils.translation import gettext as _
from rest_framework import serializers

from bookings.models import Booking, Series
from bookings.recurrence import MAX_INTERVAL, MAX_OCCURRENCES

from ..fields import OffsetTimeField


class SeriesRequestSerializer(serializers.Serializer):
    """A rule in the venue's wall clock: the first date, the local start time, the length."""

    space = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    starts_on = serializers.DateField(help_text="The first date, in the venue's calendar")
    start_time = serializers.TimeField(help_text="Local start time at the venue, e.g. 18:00")
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60)
    frequency = serializers.ChoiceField(choices=Series.Frequency.choices)
    interval = serializers.IntegerField(min_value=1, max_value=MAX_INTERVAL, default=1)
    until = serializers.DateField(required=False, allow_null=True, default=None)
    count = serializers.IntegerField(
        min_value=1, max_value=MAX_OCCURRENCES, required=False, allow_null=True, default=None
    )
    week_of_month = serializers.ChoiceField(
        choices=[1, 2, 3, 4, -1], required=False, allow_null=True, default=None
    )
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    activity = serializers.ChoiceField(
        choices=Booking.Activity.choices, required=False, allow_blank=True, default=""
    )
    attendees = serializers.IntegerField(min_value=1, max_value=10000, required=False, default=1)
    organisation = serializers.SlugField(
        max_length=200, required=False, allow_null=True, default=None
    )

    def validate(self, attrs):
        for name in ("starts_on", "until"):
            day = attrs.get(name)
            if day is not None and not dt.date(2000, 1, 1) <= day <= dt.date(2999, 12, 31):
                raise serializers.ValidationError(
                    {name: [_("Choose a date between the years 2000 and 2999.")]}
                )
        return attrs


class SeriesBookSerializer(SeriesRequestSerializer):
    expected = serializers.CharField(
        max_length=20000,
        allow_blank=True,
        help_text="The preview's `expected`: the free dates as you saw them",
    )


class SeriesDateSerializer(serializers.Serializer):
    starts_at = OffsetTimeField(allow_null=True)
    free = serializers.BooleanField()
    reason = serializers.CharField(help_text="Why this date is skipped; blank when free")
    booking = serializers.IntegerField(allow_null=True)


class SeriesPreviewSerializer(serializers.Serializer):
    dates = SeriesDateSerializer(many=True)
    expected = serializers.CharField(help_text="Send it back to book exactly these free dates")


# Named in SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]: two `scope` fields, two choice sets.
CANCEL_SCOPES = ["one", "following", "all"]
CHANGE_SCOPES = ["following", "all"]


class SeriesCancelSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(
        choices=CANCEL_SCOPES,
        help_text="This date only, it and the later ones, or every date still to come",
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SeriesChangeSerializer(serializers.Serializer):
    """The new shape of the dates; what is left out stays as this date has it."""

    scope = serializers.ChoiceField(
        choices=CHANGE_SCOPES,
        help_text="This date and the later ones, or every date still to come "
        "(one date alone: use move)",
    )
    start_time = serializers.TimeField(
        required=False, help_text="Local start time at the venue, e.g. 18:00"
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    space = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, help_text="Another space of the venue"
    )
    title = serializers.CharField(max_length=200, required=False)
    purpose = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    activity = serializers.ChoiceField(
        choices=Booking.Activity.choices, required=False, allow_blank=True
    )
    attendees = serializers.IntegerField(min_value=1, max_value=10000, required=False)
    expected = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        help_text="Left out: the preview, nothing written. The preview's `expected`: apply",
    )


class SeriesChangedDateSerializer(serializers.Serializer):
    booking = serializers.IntegerField()
    starts_at = OffsetTimeField(allow_null=True, help_text="The new start (null: no such time)")
    ends_at = OffsetTimeField(allow_null=True)
    changes = serializers.BooleanField(help_text="True: this date changes (or changed)")
    reason = serializers.CharField(help_text="Why it cannot change; blank when it can")
    kept = serializers.CharField(help_text="Why it is left as it is (changed on its own, started)")


class SeriesChangeOutcomeSerializer(serializers.Serializer):
    series = serializers.IntegerField(
        allow_null=True, help_text="The series the dates now belong to; null in a preview"
    )
    applied = serializers.BooleanField(help_text="False: a preview, nothing written")
    dates = SeriesChangedDateSerializer(many=True)
    expected = serializers.CharField(help_text="Send it back to apply exactly this change")
