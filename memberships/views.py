"""The member's memberships, for the Account page: each one and what is left this month; and
the community funds of their organisations, with what is left."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables

from .allowances import allowance_left
from .models import CommunityFund, Membership
from .services import left_in_words
from .tables import OwnFundsTable


@login_required
def account_memberships(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every membership the member may book with (their own and their organisations'), with
    each allowance's use this month in the venue's zone."""
    found = (
        Membership.objects.filter(permissions.usable_memberships_filter(request.user))
        .select_related("plan__venue", "organisation")
        .prefetch_related("plan__allowances")
        .order_by("plan__venue__name", "plan__name", "starts_on")
    )
    now = timezone.now()
    rows = []
    for membership in found:
        today = now.astimezone(membership.plan.venue.zone).date()
        current = membership.ends_on is None or membership.ends_on >= today
        lefts = [
            (allowance, left_in_words(left) if left else "", left is not None and left.personal)
            for allowance in membership.plan.allowances.all()
            if (
                left := allowance_left(
                    membership=membership, kind=allowance.kind, month=today, member=request.user
                )
            )
            is not None
        ]
        rows.append({"membership": membership, "current": current, "lefts": lefts})
    # Community funds of the member's organisations: their balance and dates, not the bookings
    # (other members' bookings are theirs to see).
    funds = CommunityFund.objects.filter(permissions.own_funds_filter(request.user)).select_related(
        "venue", "organisation"
    )
    funds_table = OwnFundsTable(funds)
    configure_tables(request, funds_table, per_page=None)
    return render(
        request,
        "memberships/account.html",
        {"rows": rows, "funds_table": funds_table, "has_funds": funds.exists()},
    )
