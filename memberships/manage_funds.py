"""The venue manager's community fund pages: the venue's funds with granted, used and left,
granting one, and one fund's page with its change form and the bookings that drew on it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from .fund_grants import change_fund, grant_fund, granted_in_words
from .funds import fund_granted, fund_left, fund_used
from .manage_forms import FundForm
from .manage_views import _add_error, _today
from .models import CommunityFund
from .services import MembershipError
from .tables import FundBookingsTable, FundsTable


@login_required
def venue_funds(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Every community fund of the venue, with what each granted, what is used and what is left."""
    venue = managed_venue(request, venue_slug)
    funds = CommunityFund.objects.filter(venue=venue).select_related("venue", "organisation")
    table = FundsTable(funds)
    configure_tables(request, table, per_page=FundsTable._meta.per_page)
    return render(request, "memberships/manage/funds.html", {"venue": venue, "table": table})


@login_required
def fund_new(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Grant a group hours or money at the venue for a period."""
    venue = managed_venue(request, venue_slug)
    form = FundForm(request.POST or None, initial={"starts_on": _today(venue)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                fund = grant_fund(
                    venue=venue,
                    organisation=data["organisation"],
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    hours=data["hours"],
                    amount=data["amount"],
                    by=request.user,
                )
            except MembershipError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("Granted %(fund)s to %(group)s.")
                    % {"fund": fund.name, "group": fund.organisation.name},
                )
                return redirect("memberships:fund", venue_slug=venue.slug, pk=fund.pk)
        status = 400
    return render(
        request, "memberships/manage/fund_new.html", {"venue": venue, "form": form}, status=status
    )


@login_required
def fund_detail(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    """One fund: granted, used and left, a form to change it (never below what is drawn), and the
    bookings that drew on it."""
    venue = managed_venue(request, venue_slug)
    fund = get_object_or_404(
        CommunityFund.objects.select_related("venue", "organisation"), venue=venue, pk=pk
    )
    form = FundForm(request.POST or None, fund=fund)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                change_fund(
                    fund=fund,
                    name=data["name"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    hours=data["hours"],
                    amount=data["amount"],
                    by=request.user,
                )
            except MembershipError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Saved %(fund)s.") % {"fund": data["name"]})
                return redirect("memberships:fund", venue_slug=venue.slug, pk=fund.pk)
        status = 400
    bookings = fund.bookings.select_related("space", "booker")
    table = FundBookingsTable(bookings, fund=fund)
    configure_tables(request, table, per_page=FundBookingsTable._meta.per_page)
    return render(
        request,
        "memberships/manage/fund.html",
        {
            "venue": venue,
            "fund": fund,
            "form": form,
            "table": table,
            "granted": granted_in_words(fund, fund_granted(fund=fund)),
            "used": granted_in_words(fund, fund_used(fund=fund)),
            "left": granted_in_words(fund, fund_left(fund=fund)),
        },
        status=status,
    )
