"""The screen in the hall: a venue's display links (its managers' page) and the today page the
links open, with no login. Display tokens are secrets: their 404s and 410s are not logged."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from members.http import AuthenticatedHttpRequest, configure_tables
from spaces.views import managed_venue

from .display import NAME_MAX, DisplayError, create_display_link, note_display_used
from .display import revoke_display_link as revoke_link
from .display_tables import DisplayLinksTable
from .models import TOKEN_SHAPE, DisplayLink
from .today import today_board

# The page asks for itself again every minute (static/js/today.js, our own few lines: a meta
# refresh is a timed reload axe-core and WCAG 2.2.1 refuse, and shows an error page offline).
REFRESH_SECONDS = 60


class DisplayLinkForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the screen"),
        max_length=NAME_MAX,
        help_text=gettext_lazy("e.g. Entrance tablet"),
    )


@login_required
def display_links(request: AuthenticatedHttpRequest, venue_slug: str) -> HttpResponse:
    """A venue's display links: make one (named), see when each screen last asked, revoke."""
    venue = managed_venue(request, venue_slug)
    form = DisplayLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = create_display_link(venue=venue, by=request.user, name=form.cleaned_data["name"])
        except DisplayError as error:
            form.add_error("name", error.message)
        else:
            messages.success(
                request,
                _("Display link “%(name)s” made: open its address on the screen.")
                % {"name": link.name},
            )
            return redirect("feeds:display_links", venue_slug=venue.slug)
    links = venue.display_links.select_related("venue")
    table = DisplayLinksTable(links)
    configure_tables(request, table, per_page=25)
    status = 400 if form.errors else 200
    return render(
        request,
        "feeds/display_links.html",
        {"venue": venue, "form": form, "table": table},
        status=status,
    )


@login_required
@require_POST
def revoke_display(request: AuthenticatedHttpRequest, venue_slug: str, pk: int) -> HttpResponse:
    venue = managed_venue(request, venue_slug)
    link = get_object_or_404(venue.display_links.select_related("venue"), pk=pk)
    try:
        revoke_link(link=link, by=request.user)
    except DisplayError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request,
            _("“%(name)s” revoked: its address no longer shows the today page.")
            % {"name": link.name},
        )
    return redirect("feeds:display_links", venue_slug=venue.slug)


def _refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    response = render(request, "feeds/today_gone.html", {"message": message}, status=status)
    # Django's log_response skips a response already marked as logged: the path is the secret.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


@require_safe
def today(request: HttpRequest, token: str) -> HttpResponse:
    """The venue's today page for the screen in the hall: no login, read-only, nothing personal."""
    if not TOKEN_SHAPE.fullmatch(token):
        return _refused(request, 404, _("This is not a display link."))
    link = DisplayLink.objects.select_related("venue").filter(token=token).first()
    if link is None:
        return _refused(request, 404, _("This is not a display link."))
    if not link.is_live:
        return _refused(
            request,
            410,
            _(
                "This display link was revoked by the venue's managers. Ask them for a new "
                "one to show the day here."
            ),
        )
    now = timezone.now()
    board = today_board(venue=link.venue, now=now)
    note_display_used(link, now=now)
    response = render(request, "feeds/today.html", {"board": board, "refresh": REFRESH_SECONDS})
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
