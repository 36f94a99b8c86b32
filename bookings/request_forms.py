"""The requests page's forms: which requests to show (venue, space), and deciding several."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from members.models import Member
from spaces.models import Space, Venue


class SpaceChoiceField(forms.ModelChoiceField):
    """A space named with its venue ("Workshop (Neighbourhood Lab)"): a manager may run several."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.venue.name})"


class RequestsFilter(forms.Form):
    """A GET form: one of the venues the member manages, one of their spaces, or every one."""

    venue = forms.ModelChoiceField(
        label=gettext_lazy("Venue"),
        queryset=Venue.objects.none(),
        required=False,
        to_field_name="slug",
        empty_label=gettext_lazy("Every venue"),
    )
    space = SpaceChoiceField(
        label=gettext_lazy("Space"),
        queryset=Space.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every space"),
    )

    def __init__(self, *args, member: Member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        venues = Venue.objects.managed_by(member).order_by("name")
        venue, space = self.fields["venue"], self.fields["space"]
        assert isinstance(venue, forms.ModelChoiceField)  # declared above
        assert isinstance(space, forms.ModelChoiceField)
        venue.queryset = venues
        space.queryset = (
            Space.objects.filter(venue__in=venues)
            .select_related("venue")
            .order_by("venue__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        venue, space = data.get("venue"), data.get("space")
        if venue is not None and space is not None and space.venue_id != venue.pk:
            self.add_error(
                "space",
                gettext_lazy("%(space)s is not at %(venue)s.")
                % {"space": space.name, "venue": venue.name},
            )
        return data


class SelectionField(forms.Field):
    """The ticked requests: a list of ids (the checkboxes of the table)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": gettext_lazy("Choose at least one request."),
        "invalid": gettext_lazy("The chosen requests could not be read; choose them again."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            ids = [int(item) for item in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if any(item <= 0 or item > 2**63 - 1 for item in ids):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return ids


class BulkDecisionForm(forms.Form):
    """Approve or decline the ticked requests; declining needs a reason the bookers will read."""

    selected = SelectionField()
    decision = forms.ChoiceField(
        choices=[("approve", gettext_lazy("Approve")), ("decline", gettext_lazy("Decline"))],
        error_messages={"required": gettext_lazy("Choose to approve or to decline.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Why decline? Every booker chosen will read this."),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["reason"] = (data.get("reason") or "").strip()
        if data.get("decision") == "decline" and not data["reason"]:
            self.add_error(
                "reason",
                gettext_lazy("Say why the requests are declined; the bookers will read it."),
            )
        return data
