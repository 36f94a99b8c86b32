"""Plans a venue offers, their monthly allowances, and memberships: a plan held by a member or an
organisation (one pool shared by its members) for a period."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from members.models import Organisation
from spaces.models import Space


class Tier(models.TextChoices):
    """How a booking is priced against the space's full rate."""

    FULL = "full", _("Full rate")
    REDUCED = "reduced", _("Reduced rate")
    FREE = "free", _("Free")


class TierFields(models.Model):
    """A tier and, for a reduced one, its percentage off the full rate (strictly between 0 and
    100: 100 % off is the free tier)."""

    tier = models.CharField(_("price tier"), max_length=10, choices=Tier.choices, default=Tier.FULL)
    reduction_percent = models.DecimalField(
        _("reduction (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a reduced rate: the percentage off the full rate, e.g. 50."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=Q(tier=Tier.REDUCED, reduction_percent__gt=0, reduction_percent__lt=100)
                | (~Q(tier=Tier.REDUCED) & Q(reduction_percent__isnull=True)),
                name="%(class)s_reduction_with_reduced_tier",
            ),
        ]

    def clean_tier(self) -> None:
        percent = self.reduction_percent
        if self.tier == Tier.REDUCED:
            if percent is None:
                raise ValidationError(
                    {"reduction_percent": _("Give the percentage off for a reduced rate.")}
                )
            if not Decimal(0) < percent < Decimal(100):
                raise ValidationError(
                    {
                        "reduction_percent": _(
                            "A reduction is more than 0 % and less than 100 % "
                            "(100 % off is the free tier)."
                        )
                    }
                )
        elif percent is not None:
            raise ValidationError(
                {"reduction_percent": _("Only a reduced rate has a percentage off.")}
            )


class Plan(TierFields):
    """What a venue offers: which kinds of space, how far ahead its holders may book, allowances."""

    venue = models.ForeignKey("spaces.Venue", on_delete=models.PROTECT, related_name="plans")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # A list of Space.Kind values; validated in clean() (a plan allows at least one kind).
    space_kinds = models.JSONField(_("kinds of space"), default=list)
    booking_window = models.DurationField(
        _("booking window"),
        default=timedelta(days=30),
        help_text=_("How far ahead holders may book, instead of each space's own horizon."),
    )
    is_active = models.BooleanField(_("offered"), default=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["venue", "name"]
        constraints = [
            *TierFields.Meta.constraints,
            models.UniqueConstraint(fields=["venue", "name"], name="plan_name_unique_in_venue"),
            models.CheckConstraint(
                condition=Q(booking_window__gt=timedelta(0)), name="plan_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.venue.name})"

    def clean(self) -> None:
        self.clean_tier()
        kinds = self.space_kinds
        if not isinstance(kinds, list) or not kinds:
            raise ValidationError(
                {"space_kinds": _("A plan must allow at least one kind of space.")}
            )
        unknown = [kind for kind in kinds if kind not in Space.Kind.values]
        if unknown:
            raise ValidationError(
                {"space_kinds": _("%(kinds)s is not a kind of space.") % {"kinds": unknown[0]}}
            )

    def covers(self, kind: str) -> bool:
        return kind in self.space_kinds


class Allowance(models.Model):
    """How much of one kind of space a plan includes per calendar month in the venue's zone:
    hours, or desk-days (a desk pool booked on a local date uses one desk-day that date,
    whatever its length). A kind the plan covers without an allowance has no monthly limit."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="allowances")
    kind = models.CharField(_("kind of space"), max_length=20, choices=Space.Kind.choices)
    hours_per_month = models.DecimalField(
        _("hours a month"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    days_per_month = models.PositiveIntegerField(_("desk-days a month"), null=True, blank=True)

    class Meta:
        verbose_name = _("allowance")
        verbose_name_plural = _("allowances")
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind"], name="allowance_one_per_kind"),
            models.CheckConstraint(
                condition=Q(hours_per_month__isnull=True, days_per_month__isnull=False)
                | Q(hours_per_month__isnull=False, days_per_month__isnull=True),
                name="allowance_hours_or_days",
            ),
            models.CheckConstraint(
                condition=Q(hours_per_month__isnull=True) | Q(hours_per_month__gte=0),
                name="allowance_hours_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(days_per_month__isnull=True) | Q(days_per_month__gte=0),
                name="allowance_days_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.name}: {self.get_kind_display()}"

    @property
    def in_days(self) -> bool:
        return self.days_per_month is not None

    def clean(self) -> None:
        if (self.hours_per_month is None) == (self.days_per_month is None):
            raise ValidationError(_("Give hours a month or desk-days a month, not both."))
        if self.hours_per_month is not None and self.hours_per_month < 0:
            raise ValidationError({"hours_per_month": _("An allowance cannot be negative.")})
        if self.in_days and self.kind != Space.Kind.DESK_POOL:
            raise ValidationError(
                {"days_per_month": _("Desk-days are for desk pools; give rooms hours.")}
            )
        if self.plan_id is not None and not self.plan.covers(self.kind):
            raise ValidationError({"kind": _("The plan does not allow this kind of space.")})


class Membership(models.Model):
    """A plan held by one member or one organisation from `starts_on` to `ends_on` (inclusive,
    open-ended when empty), in the venue's dates. An organisation's allowance is one pool shared
    by its members, with an optional monthly cap per person."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="memberships")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="plan_memberships",
        null=True,
        blank=True,
    )
    organisation = models.ForeignKey(
        "members.Organisation",
        on_delete=models.PROTECT,
        related_name="plan_memberships",
        null=True,
        blank=True,
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    per_person_cap = models.DecimalField(
        _("cap per person"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For an organisation: the most hours (or desk-days) one person uses a month."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["plan", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member__isnull=True, organisation__isnull=False)
                | Q(member__isnull=False, organisation__isnull=True),
                name="membership_one_holder",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="membership_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(per_person_cap__isnull=True)
                | Q(per_person_cap__gte=0, organisation__isnull=False),
                name="membership_cap_for_organisations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.name}: {self.holder}"

    @property
    def holder(self) -> object:
        return self.member if self.member_id else self.organisation


class OrganisationKindTier(TierFields):
    """The tier a venue gives bookings for a kind of organisation (a charity rate, say) when
    the booking uses no membership. Kinds without a row pay the full rate."""

    venue = models.ForeignKey("spaces.Venue", on_delete=models.CASCADE, related_name="kind_tiers")
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=32, choices=Organisation.Kind.choices
    )

    class Meta:
        verbose_name = _("tier for a kind of organisation")
        verbose_name_plural = _("tiers for kinds of organisation")
        ordering = ["venue", "organisation_kind"]
        constraints = [
            *TierFields.Meta.constraints,
            models.UniqueConstraint(
                fields=["venue", "organisation_kind"], name="kind_tier_one_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_organisation_kind_display()}: {self.get_tier_display()}"

    def clean(self) -> None:
        self.clean_tier()


class CommunityFund(models.Model):
    """Hours or money a venue grants to a group for a period ("Ladywood Youth Choir: 40 hours
    this term"). Bookings for the group at the venue draw it down; what is left is the grant
    less what its active bookings drew, so a cancellation gives it back."""

    venue = models.ForeignKey("spaces.Venue", on_delete=models.PROTECT, related_name="funds")
    organisation = models.ForeignKey(
        "members.Organisation", on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. Spring term 2027"))
    hours = models.DecimalField(
        _("hours granted"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(
        _("money granted"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("community fund")
        verbose_name_plural = _("community funds")
        ordering = ["venue", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__isnull=True, amount__gt=0) | Q(amount__isnull=True, hours__gt=0),
                name="fund_hours_or_money",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="fund_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.name}"

    @property
    def in_hours(self) -> bool:
        return self.hours is not None

    def clean(self) -> None:
        if (self.hours is None) == (self.amount is None):
            raise ValidationError(_("Grant hours or money, not both."))
        granted = self.hours if self.hours is not None else self.amount
        if granted is not None and granted <= 0:
            raise ValidationError(_("A grant must be more than nothing."))
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The fund ends before it starts.")})
