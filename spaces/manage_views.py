"""The venue manager's People page: the venue's managers, inviting another by email, removing one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from members import permissions
from members.http import AuthenticatedHttpRequest

from . import people
from .models import Venue
from .views import managed_venue


class InviteManagerForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy(
            "If they have no account yet, they get a link to sign up with this address."
        ),
    )


def _page(
    request: AuthenticatedHttpRequest,
    venue: Venue,
    form: InviteManagerForm,
    *,
    status: int = 200,
    refusal: str = "",
) -> HttpResponse:
    managers = list(people.venue_managers(venue))
    return render(
        request,
        "bookings/manage/people.html",
        {
            "venue": venue,
            "form": form,
            "managers": managers,
            "removable": sum(m.is_active for m in managers) > 1,
            "invitations": people.open_invitations(venue),
            "refusal": refusal,
        },
        status=status,
    )


@login_required
def venue_people(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """Who manages the venue, with a form to invite another manager by email."""
    venue = managed_venue(request, venue_slug)
    form = InviteManagerForm(request.POST or None)
    if request.method != "POST":
        return _page(request, venue, form)
    if form.is_valid():
        email = form.cleaned_data["email"]
        try:
            done = people.invite_manager(venue=venue, email=email, by=request.user)
        except people.PeopleError as error:
            form.add_error("email", error.message)
        else:
            if done.member is not None:
                text = _("%(person)s now manages %(venue)s; we have emailed them to say so.")
                messages.success(request, text % {"person": done.member, "venue": venue})
            else:
                text = _(
                    "Invited %(email)s: we have emailed a link to sign up. They will manage "
                    "%(venue)s once they confirm that address."
                )
                messages.success(request, text % {"email": email, "venue": venue})
            return redirect("spaces:venue_people", venue_slug=venue.slug)
    return _page(request, venue, form, status=400)


@login_required
@require_POST
def remove_manager(
    request: AuthenticatedHttpRequest, venue_slug: str, member_id: int
) -> HttpResponse:
    """Stop a member managing the venue (themselves too, if others remain); never the last."""
    venue = managed_venue(request, venue_slug)
    member = get_object_or_404(people.venue_managers(venue), pk=member_id)
    try:
        people.remove_manager(venue=venue, member=member, by=request.user)
    except people.PeopleError as error:
        return _page(request, venue, InviteManagerForm(), status=409, refusal=error.message)
    if member.pk == request.user.pk:
        messages.success(request, _("You no longer manage %(venue)s.") % {"venue": venue})
        if not permissions.may_manage(request.user, venue):
            return redirect(venue.get_absolute_url())
    else:
        messages.success(
            request,
            _("%(person)s no longer manages %(venue)s.") % {"person": member, "venue": venue},
        )
    return redirect("spaces:venue_people", venue_slug=venue.slug)
