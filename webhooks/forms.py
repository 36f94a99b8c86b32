from django import forms
from django.utils.translation import gettext_lazy as _

from bookings import events

from .models import URL_MAX

KIND_LABELS = {
    events.CREATED: _("A booking is made (each date of a series too)"),
    events.MOVED: _("A booking is moved"),
    events.CANCELLED: _("A booking is cancelled, or released as a no-show"),
    events.DECIDED: _("A request is approved, declined or expires"),
    events.SERIES_CHANGED: _("The dates of a series are changed together"),
}


class EndpointForm(forms.Form):
    """Shape only; the address is checked by webhooks.services (https, public, no password)."""

    url = forms.CharField(
        label=_("Address that receives the events"),
        max_length=URL_MAX,
        help_text=_("An https address on the internet, e.g. https://hooks.example.org/commonshare"),
        widget=forms.URLInput,
    )
    events = forms.MultipleChoiceField(
        label=_("Tell it when"),
        choices=list(KIND_LABELS.items()),
        initial=list(KIND_LABELS),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to be told of.")},
    )
