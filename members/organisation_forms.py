"""The forms of an organisation's own pages: its details, inviting someone, changing a role."""

from django import forms
from django.utils.translation import gettext_lazy

from .models import Organisation, OrganisationMembership


class OrganisationDetailsForm(forms.ModelForm):
    """The details an organisation's admins keep; the model validates the org-id (normalised,
    one of the known registers, unique)."""

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "legal_form",
            "org_id",
            "postcode_district",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})}

    def clean_postcode_district(self) -> str:
        return " ".join(self.cleaned_data["postcode_district"].split()).upper()


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy(
            "If they have no account yet, they get a link to sign up with this address."
        ),
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=OrganisationMembership.Role.choices,
        initial=OrganisationMembership.Role.MEMBER,
        help_text=gettext_lazy(
            "Organisation admins change these details and people, and see every booking and "
            "statement; members book for the organisation."
        ),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"), choices=OrganisationMembership.Role.choices
    )
