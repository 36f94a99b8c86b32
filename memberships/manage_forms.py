"""Forms of the venue manager's plan, membership, tier and fund pages: the shape of the input
here, the rules (overlaps, what a fund already drew...) in the services."""

from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy

from members.models import Member, Organisation
from spaces.models import Space, Venue

from .models import CommunityFund, OrganisationKindTier, Plan, Tier
from .plans import AllowanceSpec, KindTier

HOURS, DAYS, MONEY = "hours", "days", "money"

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
else:
    StrOrPromise = str


def date_input(
    label: StrOrPromise, *, required: bool = True, help_text: StrOrPromise = ""
) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def percent_field() -> forms.DecimalField:
    # No bounds here: the model says what a reduction may be, in one sentence (TierFields).
    return forms.DecimalField(
        label=gettext_lazy("Reduction (%)"),
        required=False,
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("For a reduced rate: the percentage off the full rate, e.g. 50."),
    )


class PlanForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    space_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Kinds of space it may book"),
        choices=Space.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says "at least one", in its words
    )
    window_days = forms.IntegerField(
        label=gettext_lazy("Booking window (days)"),
        min_value=1,
        max_value=3650,
        initial=30,
        help_text=gettext_lazy(
            "How far ahead its holders may book, instead of each space's own limit."
        ),
    )
    tier = forms.ChoiceField(label=gettext_lazy("Price tier"), choices=Tier.choices)
    reduction_percent = percent_field()
    is_active = forms.BooleanField(
        label=gettext_lazy("Offered: new memberships may be granted"), required=False, initial=True
    )

    @classmethod
    def for_plan(cls, plan: Plan) -> dict[str, Any]:
        return {
            "name": plan.name,
            "description": plan.description,
            "space_kinds": plan.space_kinds,
            "window_days": plan.booking_window.days,
            "tier": plan.tier,
            "reduction_percent": plan.reduction_percent,
            "is_active": plan.is_active,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("tier") != Tier.REDUCED:
            data["reduction_percent"] = None  # only a reduced rate has one
        if "window_days" in data:
            data["booking_window"] = timedelta(days=data["window_days"])
        return data


class AllowanceForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of space"),
        choices=[("", "—"), *Space.Kind.choices],
        required=False,
    )
    quantity = forms.DecimalField(
        label=gettext_lazy("How much a month"), max_digits=7, decimal_places=2, required=False
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("Counted in"),
        choices=[(HOURS, gettext_lazy("hours")), (DAYS, gettext_lazy("desk-days"))],
        initial=HOURS,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, quantity, unit = data.get("kind"), data.get("quantity"), data.get("unit")
        if not kind and quantity is None:
            return data
        if not kind:
            self.add_error("kind", gettext_lazy("Choose the kind of space."))
        if quantity is None:
            self.add_error("quantity", gettext_lazy("Give how much a month."))
        elif quantity < 0:
            self.add_error("quantity", gettext_lazy("An allowance cannot be negative."))
        elif unit == DAYS and quantity != quantity.to_integral_value():
            self.add_error("quantity", gettext_lazy("Desk-days are whole days."))
        elif unit == DAYS and kind and kind != Space.Kind.DESK_POOL:
            self.add_error("unit", gettext_lazy("Desk-days are for desk pools; give rooms hours."))
        return data

    def spec(self) -> AllowanceSpec | None:
        data = self.cleaned_data
        if not data.get("kind") or data.get("DELETE"):
            return None
        quantity = data["quantity"]
        if data["unit"] == DAYS:
            return AllowanceSpec(kind=data["kind"], days_per_month=int(quantity))
        return AllowanceSpec(kind=data["kind"], hours_per_month=quantity)


AllowanceFormSet = forms.formset_factory(AllowanceForm, extra=2, can_delete=True)


def allowance_initial(plan: Plan) -> list[dict[str, Any]]:
    return [
        {
            "kind": allowance.kind,
            "quantity": Decimal(allowance.days_per_month or 0)
            if allowance.in_days
            else allowance.hours_per_month,
            "unit": DAYS if allowance.in_days else HOURS,
        }
        for allowance in plan.allowances.order_by("kind")
    ]


class GrantMembershipForm(forms.Form):
    MEMBER, ORGANISATION = "member", "organisation"

    plan = forms.ModelChoiceField(label=gettext_lazy("Plan"), queryset=Plan.objects.none())
    holder = forms.ChoiceField(
        label=gettext_lazy("Held by"),
        choices=[
            (MEMBER, gettext_lazy("A member")),
            (ORGANISATION, gettext_lazy("An organisation (one pool its members share)")),
        ],
        initial=MEMBER,
        widget=forms.RadioSelect,
    )
    email = forms.EmailField(
        label=gettext_lazy("The member's email address"),
        required=False,
        help_text=gettext_lazy("For a member: they need an account."),
    )
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=gettext_lazy("For an organisation."),
    )
    starts_on = date_input(gettext_lazy("Starts on"))
    ends_on = date_input(
        gettext_lazy("Ends on"),
        required=False,
        help_text=gettext_lazy("Its last day; leave empty for no end."),
    )
    per_person_cap = forms.DecimalField(
        label=gettext_lazy("Cap per person a month"),
        required=False,
        max_digits=7,
        decimal_places=2,
        help_text=gettext_lazy(
            "For an organisation: the most hours (or desk-days) one person uses a month."
        ),
    )

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)  # declared above
        plan.queryset = Plan.objects.filter(venue=venue, is_active=True).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["member"] = None
        if data.get("holder") == self.MEMBER:
            email = data.get("email")
            data["organisation"] = None
            if not email:
                if "email" not in self.errors:
                    self.add_error("email", gettext_lazy("Give the member's email address."))
                return data
            member = Member.objects.filter(email__iexact=email, is_active=True).first()
            if member is None:
                self.add_error(
                    "email",
                    gettext_lazy("No member has this email address; ask them to sign up first."),
                )
            data["member"] = member
        elif data.get("holder") == self.ORGANISATION and data.get("organisation") is None:
            self.add_error("organisation", gettext_lazy("Choose the organisation."))
        return data


class EndMembershipForm(forms.Form):
    ends_on = date_input(gettext_lazy("Its last day"))


class MembershipsFilter(forms.Form):
    CURRENT, ENDED = "current", "ended"

    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every plan"),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("Which"),
        choices=[
            (CURRENT, gettext_lazy("Current and starting later")),
            (ENDED, gettext_lazy("Ended")),
            ("all", gettext_lazy("All")),
        ],
        required=False,
    )

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plan = self.fields["plan"]
        assert isinstance(plan, forms.ModelChoiceField)  # declared above
        plan.queryset = Plan.objects.filter(venue=venue).order_by("-is_active", "name")


class KindTiersForm(forms.Form):
    """A tier and reduction for each kind of organisation, at one venue."""

    def __init__(self, *args, venue: Venue, **kwargs) -> None:
        rows = {r.organisation_kind: r for r in OrganisationKindTier.objects.filter(venue=venue)}
        initial: dict[str, Any] = {}
        for kind in Organisation.Kind.values:
            row = rows.get(kind)
            initial[f"{kind}_tier"] = row.tier if row else Tier.FULL
            initial[f"{kind}_percent"] = row.reduction_percent if row else None
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for kind, label in Organisation.Kind.choices:
            self.fields[f"{kind}_tier"] = forms.ChoiceField(
                label=gettext_lazy("Tier for %(kind)s") % {"kind": label}, choices=Tier.choices
            )
            percent = percent_field()
            percent.label = gettext_lazy("Reduction for %(kind)s (%%)") % {"kind": label}
            percent.help_text = ""
            self.fields[f"{kind}_percent"] = percent

    def rows(self) -> list[tuple[StrOrPromise, forms.BoundField, forms.BoundField]]:
        return [
            (label, self[f"{kind}_tier"], self[f"{kind}_percent"])
            for kind, label in Organisation.Kind.choices
        ]

    def tiers(self) -> dict[str, KindTier]:
        data = self.cleaned_data
        return {
            kind: KindTier(
                tier=data[f"{kind}_tier"],
                reduction_percent=data[f"{kind}_percent"]
                if data[f"{kind}_tier"] == Tier.REDUCED
                else None,
            )
            for kind in Organisation.Kind.values
        }


class FundForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Granted to"), queryset=Organisation.objects.order_by("name")
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        help_text=gettext_lazy("e.g. Spring term 2027"),
    )
    unit = forms.ChoiceField(
        label=gettext_lazy("A grant of"),
        choices=[(HOURS, gettext_lazy("Hours")), (MONEY, gettext_lazy("Money"))],
        initial=HOURS,
        widget=forms.RadioSelect,
    )
    granted = forms.DecimalField(
        label=gettext_lazy("How much"), max_digits=9, decimal_places=2, min_value=Decimal("0.01")
    )
    starts_on = date_input(gettext_lazy("Starts on"))
    ends_on = date_input(gettext_lazy("Ends on"), help_text=gettext_lazy("Its last day."))

    def __init__(self, *args, fund: CommunityFund | None = None, **kwargs) -> None:
        if fund is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": fund.name,
                    "unit": HOURS if fund.in_hours else MONEY,
                    "granted": fund.hours if fund.in_hours else fund.amount,
                    "starts_on": fund.starts_on,
                    "ends_on": fund.ends_on,
                },
            )
        super().__init__(*args, **kwargs)
        if fund is not None:
            del self.fields["organisation"]  # a fund stays with its group

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", gettext_lazy("The fund ends before it starts."))
        granted = data.get("granted")
        data["hours"] = granted if data.get("unit") == HOURS else None
        data["amount"] = granted if data.get("unit") == MONEY else None
        return data
