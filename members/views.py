"""The account page: what a member can manage about themselves, in one place."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from .http import AuthenticatedHttpRequest


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Links to the member's email addresses, password and calendar feeds, and their organisations."""
    # The member's own memberships, through their own relation: nothing of anyone else to decide on.
    memberships = request.user.memberships.select_related("organisation").order_by(
        "organisation__name"
    )
    return render(request, "account/overview.html", {"memberships": memberships})
