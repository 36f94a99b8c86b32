"""A member's own data: see what is held, download it, close the account."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from members import permissions
from members.http import AuthenticatedHttpRequest

from .privacy import PrivacyError, close_account, member_data


class CloseAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=gettext_lazy("To be sure it is you."),
    )

    def __init__(self, *args, member, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.member.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password


@login_required
def your_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = member_data(member=request.user)
    return render(
        request,
        "operations/your_data.html",
        {
            "counts": {
                "bookings": len(data["bookings"]),
                "organisations": len(data["organisations"]),
                "feeds": len(data["calendar_feeds"]),
            },
            "refusal": permissions.account_closing_refusal(request.user),
        },
    )


@login_required
def download_data(request: AuthenticatedHttpRequest) -> HttpResponse:
    body = json.dumps(member_data(member=request.user), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = f"commonshare-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CloseAccountForm(request.POST or None, member=request.user)
    refusal = permissions.account_closing_refusal(request.user)
    if request.method == "POST" and form.is_valid():
        try:
            cancelled = close_account(member=request.user)
        except PrivacyError as exc:
            refusal = str(exc)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Your account is closed and your personal data is gone. %(n)s coming "
                    "bookings were cancelled; the venues keep anonymous figures of past use."
                )
                % {"n": cancelled},
            )
            return redirect("bookings:venues")
    return render(
        request,
        "operations/close_account.html",
        {"form": form, "refusal": refusal},
        status=409 if refusal and request.method == "POST" else 200,
    )
