"""Venues, spaces, their free time and published figures, as the API shows them."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from spaces.models import Space, Venue

from ..fields import AwareDateTimeField, OffsetTimeField

MAX_WINDOW_DAYS = 31
DEFAULT_WINDOW_DAYS = 7


class VenueSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = [
            "slug",
            "name",
            "address",
            "postcode",
            "time_zone",
            "description",
            "accessibility_notes",
            "currency",
            "publish_impact",
        ]


class SpaceSerializer(serializers.ModelSerializer):
    venue: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    amenities = serializers.ListField(
        child=serializers.CharField(), source="amenity_list", read_only=True
    )
    is_desk_pool = serializers.BooleanField(read_only=True)

    class Meta:
        model = Space
        fields = [
            "id",
            "venue",
            "slug",
            "name",
            "kind",
            "description",
            "capacity",
            "seats",
            "is_desk_pool",
            "amenities",
            "step_free",
            "hearing_loop",
            "accessible_toilet",
            "quiet",
            "rate",
            "requires_approval",
            "min_duration",
            "max_duration",
            "slot_step",
            "min_notice",
            "horizon",
            "buffer_after",
        ]


class WindowSerializer(serializers.Serializer):
    """A window of time asked about: [start, end), at most a month; the next 7 days by default."""

    start = AwareDateTimeField(
        required=False, help_text="RFC 3339 with offset, e.g. 2027-01-04T00:00:00Z; default now"
    )
    end = AwareDateTimeField(
        required=False, help_text="RFC 3339 with offset; after start, within 31 days"
    )

    def validate(self, attrs):
        start = attrs.get("start") or timezone.now()
        end = attrs.get("end") or start + timedelta(days=DEFAULT_WINDOW_DAYS)
        if end <= start:
            raise serializers.ValidationError({"end": [_("The end must be after the start.")]})
        if (end - start).days >= MAX_WINDOW_DAYS:
            raise serializers.ValidationError(
                {"end": [_("Ask for at most %(days)d days at a time.") % {"days": MAX_WINDOW_DAYS}]}
            )
        return {"start": start, "end": end}


class SpaceFilterSerializer(serializers.Serializer):
    """The filters of the spaces list (every one optional)."""

    venue = serializers.SlugField(required=False, max_length=100, help_text="A venue's slug")
    kind = serializers.ChoiceField(choices=Space.Kind.choices, required=False)
    capacity = serializers.IntegerField(
        required=False, min_value=1, max_value=10000, help_text="Holds at least this many people"
    )
    amenity = serializers.CharField(
        required=False, max_length=100, help_text="Lists this amenity (e.g. projector)"
    )
    step_free = serializers.BooleanField(required=False, allow_null=True, default=None)
    hearing_loop = serializers.BooleanField(required=False, allow_null=True, default=None)
    accessible_toilet = serializers.BooleanField(required=False, allow_null=True, default=None)
    quiet = serializers.BooleanField(required=False, allow_null=True, default=None)
    free_from = AwareDateTimeField(
        required=False, help_text="Free for the whole of [free_from, free_to)"
    )
    free_to = AwareDateTimeField(required=False)

    def validate(self, attrs):
        given = [attrs.get("free_from") is not None, attrs.get("free_to") is not None]
        if any(given) and not all(given):
            raise serializers.ValidationError(
                _("To find free spaces, give both free_from and free_to.")
            )
        if all(given):
            if attrs["free_to"] <= attrs["free_from"]:
                raise serializers.ValidationError(
                    {"free_to": [_("The end must be after the start.")]}
                )
            if (attrs["free_to"] - attrs["free_from"]).days >= MAX_WINDOW_DAYS:
                raise serializers.ValidationError(
                    {"free_to": [_("Ask for at most %(days)d days.") % {"days": MAX_WINDOW_DAYS}]}
                )
        return attrs


class FreeTimeSerializer(serializers.Serializer):
    starts_at = OffsetTimeField()
    ends_at = OffsetTimeField()


class SpaceAvailabilitySerializer(serializers.Serializer):
    space = serializers.IntegerField()
    free = FreeTimeSerializer(many=True)


class UsageQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day (the venue's dates)")
    end = serializers.DateField(required=False, help_text="Last day, inclusive")


class UsageDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    space = serializers.CharField()
    space_name = serializers.CharField()
    seats = serializers.IntegerField()
    open_hours = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    booked_hours = serializers.DecimalField(max_digits=12, decimal_places=2, coerce_to_string=False)
    peak_booked_hours = serializers.DecimalField(
        max_digits=12, decimal_places=2, coerce_to_string=False
    )
    occupancy_percent = serializers.DecimalField(
        max_digits=8, decimal_places=1, coerce_to_string=False, allow_null=True
    )


class UsageSerializer(serializers.Serializer):
    venue = serializers.CharField()
    time_zone = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    days = UsageDaySerializer(many=True)
