"""Bookings and series as the API shows them, and the shapes of what clients send.

Serializers check shape only (types, lengths, end after start); the services decide the rest.
"""

from django.utils.translation import gettext as _
from rest_framework import serializers

from bookings.models import Booking, Series

from ..fields import AwareDateTimeField, VenueTimeField


class BookingSerializer(serializers.ModelSerializer):
    """One booking; its times in the venue's zone, with the offset of that date."""

    space: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    venue: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="space.venue", slug_field="slug", read_only=True
    )
    space_name = serializers.CharField(source="space.name", read_only=True)
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    starts_at = VenueTimeField()
    ends_at = VenueTimeField()
    created_at = VenueTimeField()
    booker = serializers.CharField(source="booker.display_name", read_only=True)
    activity = serializers.ChoiceField(
        choices=Booking.Activity.choices, allow_blank=True, read_only=True
    )
    price_basis = serializers.ChoiceField(
        choices=Booking.PriceBasis.choices,
        allow_blank=True,
        read_only=True,
        help_text="How the price was set; blank when not priced",
    )

    class Meta:
        model = Booking
        fields = [
            "id",
            "uid",
            "venue",
            "space",
            "space_name",
            "starts_at",
            "ends_at",
            "status",
            "title",
            "purpose",
            "activity",
            "attendees",
            "organisation",
            "booker",
            "series",
            "membership",
            "price",
            "price_basis",
            "decision_reason",
            "cancellation_reason",
            "created_at",
        ]
        read_only_fields = fields


class _Times(serializers.Serializer):
    starts_at = AwareDateTimeField()
    ends_at = AwareDateTimeField()

    def validate(self, attrs):
        if attrs["ends_at"] <= attrs["starts_at"]:
            raise serializers.ValidationError({"ends_at": [_("The end must be after the start.")]})
        return attrs


class BookingCreateSerializer(_Times):
    """What a client sends to book: the space, the time, a title, and optionally the rest."""

    space = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    title = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    activity = serializers.ChoiceField(
        choices=Booking.Activity.choices, required=False, allow_blank=True, default=""
    )
    attendees = serializers.IntegerField(min_value=1, max_value=10000, required=False, default=1)
    organisation = serializers.SlugField(
        max_length=200, required=False, allow_null=True, default=None
    )
    membership = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True, default=None
    )


class MoveSerializer(_Times):
    space = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="Another space of the same venue; its own if left out",
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="The booker reads it")


class BookingFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Booking.Status.choices, required=False)
    space = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
    starts_after = AwareDateTimeField(required=False, help_text="Bookings ending after this")
    starts_before = AwareDateTimeField(required=False, help_text="Bookings starting before this")


class SeriesSerializer(serializers.ModelSerializer):
    space: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)
    venue: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="space.venue", slug_field="slug", read_only=True
    )
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )
    activity = serializers.ChoiceField(
        choices=Booking.Activity.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Series
        fields = [
            "id",
            "venue",
            "space",
            "title",
            "purpose",
            "activity",
            "attendees",
            "organisation",
            "starts_on",
            "start_time",
            "duration",
            "frequency",
            "interval",
            "until",
            "count",
        ]
        read_only_fields = fields
