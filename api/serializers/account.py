"""The member's own things: memberships and their allowances, feed tokens, API tokens."""

from rest_framework import serializers

from feeds.models import FeedToken
from memberships.models import Membership


class MembershipSerializer(serializers.ModelSerializer):
    venue: serializers.SlugRelatedField = serializers.SlugRelatedField(
        source="plan.venue", slug_field="slug", read_only=True
    )
    plan = serializers.CharField(source="plan.name", read_only=True)
    organisation: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True
    )

    class Meta:
        model = Membership
        fields = ["id", "venue", "plan", "organisation", "starts_on", "ends_on"]
        read_only_fields = fields


class AllowanceLeftSerializer(serializers.Serializer):
    kind = serializers.CharField()
    unit = serializers.ChoiceField(choices=["hours", "desk_days"])
    month = serializers.DateField()
    total = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    used = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    left = serializers.DecimalField(max_digits=10, decimal_places=2, coerce_to_string=False)
    renews_on = serializers.DateField()
    personal = serializers.BooleanField(
        help_text="A member's own cap within an organisation's pool"
    )


class MembershipDetailSerializer(MembershipSerializer):
    allowances = AllowanceLeftSerializer(many=True, read_only=True)

    class Meta(MembershipSerializer.Meta):
        fields = [*MembershipSerializer.Meta.fields, "allowances"]
        read_only_fields = fields


# Named "ScopeEnum" in SPECTACULAR_SETTINGS, as before a series' scopes came to share the name.
FEED_TOKEN_SCOPES = FeedToken.Scope


class FeedTokenSerializer(serializers.ModelSerializer):
    target = serializers.CharField(source="target_label", read_only=True)
    live = serializers.BooleanField(source="is_live", read_only=True)

    class Meta:
        model = FeedToken
        fields = ["id", "scope", "target", "live", "created_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class FeedTokenCreateSerializer(serializers.Serializer):
    scope = serializers.ChoiceField(choices=FeedToken.Scope.choices)
    target = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="The organisation, venue or space id; none for your own bookings",
    )


class NewFeedTokenSerializer(FeedTokenSerializer):
    url = serializers.CharField(read_only=True, help_text="The feed's private address")

    class Meta(FeedTokenSerializer.Meta):
        fields = [*FeedTokenSerializer.Meta.fields, "url"]
        read_only_fields = fields
