"""Plans and memberships in the admin, for staff until the managers' own pages come. New
memberships go through grant_membership (its overlap check, under the plan's lock)."""

from typing import cast

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from members.audit_admin import AuditedAdmin
from members.models import Member
from spaces.models import Space

from .funds import fund_left
from .models import Allowance, CommunityFund, Membership, OrganisationKindTier, Plan
from .services import MembershipError, grant_membership, overlap_refusal


class PlanForm(forms.ModelForm):
    space_kinds = forms.MultipleChoiceField(
        choices=Space.Kind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Plan
        fields = [
            "venue",
            "name",
            "description",
            "space_kinds",
            "booking_window",
            "tier",
            "reduction_percent",
            "is_active",
        ]


class AllowanceInline(admin.TabularInline):
    model = Allowance
    extra = 1


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    form = PlanForm
    list_display = ["name", "venue", "booking_window", "is_active"]
    list_filter = ["venue", "is_active"]
    inlines = [AllowanceInline]


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["plan", "member", "organisation", "starts_on", "ends_on", "per_person_cap"]

    def clean(self) -> dict:
        data = super().clean() or {}
        plan, starts_on = data.get("plan"), data.get("starts_on")
        if plan and starts_on and (data.get("member") or data.get("organisation")):
            refusal = overlap_refusal(
                plan=plan,
                member=data.get("member"),
                organisation=data.get("organisation"),
                starts_on=starts_on,
                ends_on=data.get("ends_on"),
                exclude_pk=self.instance.pk,
            )
            if refusal:
                raise forms.ValidationError(refusal)
        return data


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    form = MembershipForm
    list_display = ["plan", "member", "organisation", "starts_on", "ends_on"]
    list_filter = ["plan__venue", "plan"]
    autocomplete_fields = ["member", "organisation"]

    def save_model(
        self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        try:
            saved = grant_membership(
                plan=obj.plan,
                member=obj.member,
                organisation=obj.organisation,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                per_person_cap=obj.per_person_cap,
                by=cast(Member, request.user),  # only signed-in staff reach the admin
            )
        except MembershipError as exc:
            raise forms.ValidationError(exc.message) from exc
        obj.pk = saved.pk


@admin.register(OrganisationKindTier)
class OrganisationKindTierAdmin(AuditedAdmin):
    list_display = ["venue", "organisation_kind", "tier", "reduction_percent"]
    list_filter = ["venue", "tier"]


@admin.register(CommunityFund)
class CommunityFundAdmin(AuditedAdmin):
    """Funds granted to groups; what is left is counted from their active bookings."""

    list_display = [
        "name",
        "organisation",
        "venue",
        "hours",
        "amount",
        "left",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["venue"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation", "venue"]

    @admin.display(description=gettext_lazy("left"))
    def left(self, fund: CommunityFund) -> str:
        return str(fund_left(fund=fund))

    def save_model(
        self, request: HttpRequest, obj: CommunityFund, form: forms.ModelForm, change: bool
    ) -> None:
        if not change:
            obj.granted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
