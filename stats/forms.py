from django import forms

from .models import ProxyValue


class ProxyValueForm(forms.ModelForm):
    class Meta:
        model = ProxyValue
        fields = [
            "name",
            "measure",
            "activity",
            "amount",
            "currency",
            "source",
            "source_url",
            "licence",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
