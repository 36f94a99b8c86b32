"""The venue manager's pages for plans, memberships and the tiers of kinds of organisation, under
/manage/venues/<venue>/. Each looks the venue up with spaces.views.managed_venue (a 404 for
anyone else), parses a form and calls a service; a MembershipError becomes a form error."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.models import Venue
from spaces.views import managed_venue

from .manage_forms import (
    AllowanceFormSet,
    EndMembershipForm,
    GrantMembershipForm,
    KindTiersForm,
    MembershipsFilter,
    PlanForm,
    allowance_initial,
)
from .models import Membership, Plan
from .plans import retire_plan, save_kind_tiers, save_plan
from .services import MembershipError, end_membership, grant_membership
from .tables import MembershipsTable, PlansTable


def _today(venue: Venue):
    return timezone.now().astimezone(venue.zone).date()


def _add_error(form: forms.Form, error: MembershipError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
def venue_plans(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's plans: what each includes, its window and tier, and how many hold it today."""
    venue = managed_venue(request, venue_slug)
    today = _today(venue)
    valid_today = Q(memberships__starts_on__lte=today) & (
        Q(memberships__ends_on__isnull=True) | Q(memberships__ends_on__gte=today)
    )
    plans = (
        Plan.objects.filter(venue=venue)
        .select_related("venue")
        .prefetch_related("allowances")
        .annotate(holders=Count("memberships", filter=valid_today))
    )
    table = PlansTable(plans)
    configure_tables(request, table, per_page=None)
    return render(request, "memberships/manage/plans.html", {"venue": venue, "table": table})


@login_required
def plan_edit(
    request: AuthenticatedHttpRequest, venue_slug: str, pk: int | None = None
) -> HttpResponse:
    """Add a plan, or change one, with its allowances, in one save (memberships.plans)."""
    venue = managed_venue(request, venue_slug)
    plan = get_object_or_404(Plan, venue=venue, pk=pk) if pk is not None else None
    if request.method == "POST":
        form = PlanForm(request.POST)
        formset = AllowanceFormSet(request.POST, prefix="allowances")
    else:
        form = PlanForm(initial=PlanForm.for_plan(plan) if plan else None)
        formset = AllowanceFormSet(
            initial=allowance_initial(plan) if plan else None, prefix="allowances"
        )
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            specs = [spec for f in formset.forms if f.has_changed() and (spec := f.spec())]
            try:
                saved = save_plan(
                    venue=venue,
                    plan=plan,
                    name=data["name"],
                    description=data["description"],
                    space_kinds=data["space_kinds"],
                    booking_window=data["booking_window"],
                    tier=data["tier"],
                    reduction_percent=data["reduction_percent"],
                    is_active=data["is_active"],
                    allowances=specs,
                    by=request.user,
                )
            except MembershipError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("Saved the plan %(plan)s.") % {"plan": saved.name})
                return redirect("memberships:plans", venue_slug=venue.slug)
        else:
            for number, row in enumerate(formset.forms, start=1):
                for name, errors in row.errors.items():
                    label = row.fields[name].label if name in row.fields else ""
                    form.add_error(
                        None,
                        _("Allowance %(number)d, %(field)s: %(errors)s")
                        % {
                            "number": number,
                            "field": label,
                            "errors": " ".join(str(e) for e in errors),
                        },
                    )
        status = 400
    return render(
        request,
        "memberships/manage/plan_edit.html",
        {"venue": venue, "plan": plan, "form": form, "formset": formset},
        status=status,
    )


@login_required
@require_POST
def plan_retire(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    """Stop offering a plan: deleted if nobody ever held it, else kept and no longer offered."""
    venue = managed_venue(request, venue_slug)
    plan = get_object_or_404(Plan, venue=venue, pk=pk)
    if retire_plan(plan=plan, by=request.user):
        messages.success(request, _("Deleted the plan %(plan)s.") % {"plan": plan.name})
    else:
        messages.success(
            request,
            _(
                "%(plan)s is no longer offered. Its memberships and their bookings stay; "
                "end them on the memberships page."
            )
            % {"plan": plan.name},
        )
    return redirect("memberships:plans", venue_slug=venue.slug)


@login_required
def venue_memberships(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The venue's memberships, by plan and current or ended, with what is left this month."""
    venue = managed_venue(request, venue_slug)
    today = _today(venue)
    filters = {k: v for k, v in request.GET.items() if k in MembershipsFilter.base_fields}
    form = MembershipsFilter(filters or {"state": MembershipsFilter.CURRENT}, venue=venue)
    found = (
        Membership.objects.filter(plan__venue=venue)
        .select_related("plan__venue", "member", "organisation")
        .prefetch_related("plan__allowances")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["plan"] is not None:
            found = found.filter(plan=data["plan"])
        if data["state"] == MembershipsFilter.CURRENT:
            found = found.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        elif data["state"] == MembershipsFilter.ENDED:
            found = found.filter(ends_on__lt=today)
    else:
        messages.warning(request, _("The filter was not understood, so here is every membership."))
    table = MembershipsTable(found, today=today)
    configure_tables(request, table, per_page=MembershipsTable._meta.per_page)
    return render(
        request,
        "memberships/manage/memberships.html",
        {"venue": venue, "form": form, "table": table},
    )


@login_required
def membership_grant(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Put a member (by email) or an organisation on one of the venue's plans; the service locks
    the plan and refuses a membership that overlaps one of the same plan and holder."""
    venue = managed_venue(request, venue_slug)
    initial = {"starts_on": _today(venue)}
    if request.GET.get("plan", "").isdigit():
        initial["plan"] = int(request.GET["plan"])
    form = GrantMembershipForm(request.POST or None, venue=venue, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                membership = grant_membership(
                    plan=data["plan"],
                    member=data["member"],
                    organisation=data["organisation"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    per_person_cap=data["per_person_cap"],
                    by=request.user,
                )
            except MembershipError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("%(holder)s now holds %(plan)s.")
                    % {"holder": membership.holder, "plan": membership.plan.name},
                )
                return redirect("memberships:memberships", venue_slug=venue.slug)
        status = 400
    return render(
        request,
        "memberships/manage/membership_grant.html",
        {"venue": venue, "form": form},
        status=status,
    )


@login_required
def membership_end(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    """End one membership on a day (its last); refused while later bookings use it."""
    venue = managed_venue(request, venue_slug)
    membership = get_object_or_404(
        Membership.objects.select_related("plan__venue", "member", "organisation"),
        plan__venue=venue,
        pk=pk,
    )
    form = EndMembershipForm(request.POST or None, initial={"ends_on": _today(venue)})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                end_membership(
                    membership=membership, ends_on=form.cleaned_data["ends_on"], by=request.user
                )
            except MembershipError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    _("The %(plan)s membership of %(holder)s ends on %(day)s.")
                    % {
                        "plan": membership.plan.name,
                        "holder": membership.holder,
                        "day": date_format(form.cleaned_data["ends_on"], "j F Y"),
                    },
                )
                return redirect("memberships:memberships", venue_slug=venue.slug)
        status = 400
    return render(
        request,
        "memberships/manage/membership_end.html",
        {"venue": venue, "membership": membership, "form": form},
        status=status,
    )


@login_required
def venue_tiers(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """The tier each kind of organisation gets at the venue when a booking uses no membership."""
    venue = managed_venue(request, venue_slug)
    form = KindTiersForm(request.POST or None, venue=venue)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save_kind_tiers(venue=venue, tiers=form.tiers(), by=request.user)
            except MembershipError as error:
                field = f"{error.field}_percent"
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, _("Saved the tiers for kinds of organisation."))
                return redirect("memberships:tiers", venue_slug=venue.slug)
        status = 400
    return render(
        request, "memberships/manage/tiers.html", {"venue": venue, "form": form}, status=status
    )
