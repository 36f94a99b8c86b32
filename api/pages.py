"""The pages a person uses: Account → API tokens (make, see, revoke), and the API's documentation."""

from datetime import datetime, time

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables

from .models import ApiToken
from .tables import ApiTokensTable
from .tokens import TokenError, create_api_token, revoke_api_token


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses it, e.g. Volunteering office"),
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only: it can list and read, not book or cancel"), required=False
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("It stops working at the start of that day. Leave empty for never."),
    )

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is not None and not 2000 <= day.year <= 2999:
            raise forms.ValidationError(_("Choose a date between the years 2000 and 2999."))
        return day

    def expires_at(self) -> datetime | None:
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time(0)))


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The member's API tokens; a new one's secret is shown on this answer only."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = create_api_token(
                owner=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                expires_at=form.expires_at(),
            )
        except TokenError as error:
            form.add_error(None, error.message)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(permissions.api_tokens_filter(request.user))
    table = ApiTokensTable(tokens)
    configure_tables(request, table, per_page=25)
    response = render(
        request,
        "api/tokens.html",
        {"form": form, "table": table, "secret": secret},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the secret must not sit in a cache
    return response


@login_required
@require_POST
def revoke_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(
        ApiToken.objects.filter(permissions.api_tokens_filter(request.user)), pk=pk
    )
    try:
        revoke_api_token(token=token, by=request.user)
    except TokenError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request, _("“%(name)s” revoked: it no longer works.") % {"name": token.name}
        )
    return redirect("api:tokens")


@require_safe
def docs(request: HttpRequest) -> HttpResponse:
    """The API's reference, drawn by Swagger UI from our own static files and the schema."""
    return render(request, "api/docs.html")
