"""An organisation's own pages: its details and people, for its members to read and its admins
to change (/organisations/<slug>/). Outsiders get a 404, members a 403 on the admins' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import organisations, permissions
from .http import AuthenticatedHttpRequest
from .models import Organisation, OrganisationMembership
from .organisation_forms import InviteMemberForm, OrganisationDetailsForm, RoleForm


def seen_organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    """The organisation with `slug` if the member belongs to it, else a 404."""
    return get_object_or_404(
        Organisation.objects.filter(permissions.organisations_seen_filter(request.user)),
        slug=slug,
    )


def managed_organisation(request: AuthenticatedHttpRequest, slug: str) -> Organisation:
    """The organisation with `slug` if the member is one of its admins: a 404 for outsiders,
    a 403 for its other members (they know it exists)."""
    organisation = seen_organisation(request, slug)
    if not permissions.may_manage_organisation(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's admins can do this."))
    return organisation


def _page(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    *,
    invite_form: InviteMemberForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    admin = permissions.may_manage_organisation(request.user, organisation)
    return render(
        request,
        "members/organisation.html",
        {
            "organisation": organisation,
            "is_admin": admin,
            "people": organisations.organisation_people(organisation),
            "invitations": organisations.open_invitations(organisation) if admin else [],
            "invite_form": invite_form or InviteMemberForm(),
            "roles": OrganisationMembership.Role.choices,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def organisation_page(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The organisation's details and people; its admins also invite someone here (POST)."""
    organisation = seen_organisation(request, slug)
    if request.method != "POST":
        return _page(request, organisation)
    organisation = managed_organisation(request, slug)
    form = InviteMemberForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            done = organisations.invite_member(
                organisation=organisation,
                email=email,
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except organisations.OrganisationError as error:
            form.add_error("email", error.message)
        else:
            if done.member is not None:
                text = _("%(person)s is now in %(organisation)s; we have emailed them to say so.")
                messages.success(
                    request, text % {"person": done.member, "organisation": organisation}
                )
            else:
                text = _(
                    "Invited %(email)s: we have emailed a link to sign up. They will join "
                    "%(organisation)s once they confirm that address."
                )
                messages.success(request, text % {"email": email, "organisation": organisation})
            return redirect("members:organisation", slug=organisation.slug)
    return _page(request, organisation, invite_form=form, status=400)


@login_required
def organisation_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Change the organisation's name, kind, legal form, org-id, postcode district and contacts."""
    organisation = managed_organisation(request, slug)
    form = OrganisationDetailsForm(request.POST or None, instance=organisation)
    if request.method == "POST":
        if form.is_valid():
            try:
                organisations.save_details(organisation=form.instance, by=request.user)
            except organisations.OrganisationError as error:
                form.add_error(None, error.message)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Saved the details of %(organisation)s.") % {"organisation": form.instance},
                )
                return redirect("members:organisation", slug=form.instance.slug)
        # The heading and links keep the saved name, not the refused one.
        organisation.refresh_from_db()
    return render(
        request,
        "members/organisation_edit.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )


def _membership(organisation: Organisation, membership_id: int) -> OrganisationMembership:
    return get_object_or_404(organisations.organisation_people(organisation), pk=membership_id)


@login_required
@require_POST
def change_role(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Make someone an organisation admin or a member; never the last admin a member."""
    organisation = managed_organisation(request, slug)
    membership = _membership(organisation, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        return _page(request, organisation, status=400, refusal=_("Choose a role."))
    try:
        organisations.change_role(
            organisation=organisation,
            membership=membership,
            role=form.cleaned_data["role"],
            by=request.user,
        )
    except organisations.OrganisationError as error:
        return _page(request, organisation, status=409, refusal=error.message)
    membership.refresh_from_db()
    messages.success(
        request,
        _("%(person)s is now: %(role)s.")
        % {"person": membership.member, "role": membership.get_role_display()},
    )
    if not permissions.belongs_to(request.user, organisation):
        return redirect("members:account")
    return redirect("members:organisation", slug=organisation.slug)


@login_required
@require_POST
def remove_member(request: AuthenticatedHttpRequest, slug: str, membership_id: int) -> HttpResponse:
    """Take someone out of the organisation (themselves too, if another admin remains)."""
    organisation = managed_organisation(request, slug)
    membership = _membership(organisation, membership_id)
    try:
        organisations.remove_member(
            organisation=organisation, membership=membership, by=request.user
        )
    except organisations.OrganisationError as error:
        return _page(request, organisation, status=409, refusal=error.message)
    if membership.member_id == request.user.pk:
        messages.success(
            request, _("You have left %(organisation)s.") % {"organisation": organisation}
        )
        return redirect("members:account")
    messages.success(
        request,
        _("%(person)s is no longer in %(organisation)s.")
        % {"person": membership.member, "organisation": organisation},
    )
    return redirect("members:organisation", slug=organisation.slug)
