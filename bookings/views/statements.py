"""Monthly statements (an organisation's, a member's own) as a page, a CSV and a printable page
a venue invoices from, and an organisation's bookings list for its admins.

Who may see what is members.permissions: an organisation's statements and bookings are its
admins' and (for their venue) the venue's managers'; a member's statement is theirs and their
venue's managers'. Anyone else gets a 404."""

import csv
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from members import permissions
from members.http import AuthenticatedHttpRequest, configure_tables
from members.models import Member, Organisation
from spaces.models import Venue

from ..models import Booking
from ..statement_forms import MonthAndVenueForm
from ..statement_tables import (
    OrganisationBookingsTable,
    PendingStatementTable,
    StatementTable,
    month_in_words,
)
from ..statements import (
    Statement,
    member_statement,
    money,
    month_window,
    next_month,
    organisation_statement,
    parse_month,
    previous_month,
    this_month,
)


def _month(text: str) -> dt.date:
    first = parse_month(text)
    if first is None:
        raise Http404(_("Give a month as year and month, e.g. 2027-01."))
    return first


def _venues_of(bookings) -> QuerySet[Venue]:
    """The venues of `bookings`."""
    return Venue.objects.filter(pk__in=bookings.values("space__venue")).order_by("name")


def _csv(statement: Statement, filename: str) -> HttpResponse:
    """The statement's lines as the page shows them (same table), then the total, then the
    requests awaiting approval."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    table = StatementTable(statement.lines, currency=statement.currency)
    rows = list(table.as_values())
    writer.writerows(rows)
    total_row = [""] * len(rows[0])
    total_row[0] = _("Total (%(currency)s)") % {"currency": statement.currency}
    total_row[-1] = f"{statement.total:f}"
    writer.writerow(total_row)
    if statement.unpriced:
        writer.writerow(
            [_("%(count)s not priced, not in the total") % {"count": len(statement.unpriced)}]
        )
    if statement.pending:
        writer.writerow([])
        writer.writerow([_("Awaiting approval, not charged")])
        pending = PendingStatementTable(statement.pending, currency=statement.currency)
        writer.writerows(list(pending.as_values())[1:])
    return response


def _render(
    request: AuthenticatedHttpRequest,
    statement: Statement,
    *,
    url_for,  # (venue slug, first of month) -> the statement's address
    venues,
    slug: str,
    back: tuple[str, str],
) -> HttpResponse:
    """The statement page, its CSV (?_export=csv) or its printable page (?print=1); a month
    picker (?month=&venue=) redirects to that statement."""
    if "month" in request.GET or "venue" in request.GET:
        form = MonthAndVenueForm(request.GET, venues=venues, venue_required=True)
        if form.is_valid() and form.cleaned_data["month"] is not None:
            return redirect(url_for(form.cleaned_data["venue"].slug, form.cleaned_data["month"]))
        messages.warning(request, _("That month or venue was not understood; here is this one."))
    export = request.GET.get("_export")
    if export is not None:
        if export != "csv":
            return HttpResponse(
                _("Unknown export: choose _export=csv."),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        filename = f"{slug}-{statement.venue.slug}-{statement.month:%Y-%m}.csv"
        return _csv(statement, filename)
    form = MonthAndVenueForm(
        initial={"month": f"{statement.month:%Y-%m}", "venue": statement.venue.slug},
        venues=venues,
        venue_required=True,
    )
    context = {
        "statement": statement,
        "table": StatementTable(statement.lines, currency=statement.currency),
        "pending_table": PendingStatementTable(statement.pending, currency=statement.currency),
        "total": money(statement.total, statement.currency),
        "full_total": money(statement.full_total, statement.currency),
        "month_name": month_in_words(statement.month),
        "previous_url": url_for(statement.venue.slug, previous_month(statement.month)),
        "next_url": url_for(statement.venue.slug, next_month(statement.month)),
        "form": form,
        "back_url": back[0],
        "back_label": back[1],
        "prepared_on": timezone.now().astimezone(statement.venue.zone).date(),
    }
    if request.GET.get("print") == "1":
        return render(request, "bookings/statement_print.html", context)
    return render(request, "bookings/statement.html", context)


@login_required
def organisation_statement_page(
    request: AuthenticatedHttpRequest, slug: str, venue_slug: str, month: str
) -> HttpResponse:
    """An organisation's statement at one venue for one month: its admins' and the venue's
    managers'."""
    first = _month(month)
    organisation = get_object_or_404(Organisation, slug=slug)
    venue = get_object_or_404(Venue, slug=venue_slug)
    if not permissions.may_see_organisation_statement(request.user, organisation, venue):
        raise Http404
    statement = organisation_statement(organisation=organisation, venue=venue, month=first)
    if permissions.may_manage_organisation(request.user, organisation):
        venues = _venues_of(
            Booking.objects.filter(organisation=organisation)
        ) | Venue.objects.filter(pk=venue.pk)
        back = (
            reverse("bookings:organisation_bookings", args=[slug]),
            _("The organisation's bookings"),
        )
    else:  # a manager of the venue: this venue's statements only
        venues = Venue.objects.filter(pk=venue.pk)
        back = (reverse("bookings:venue_bookings", args=[venue.slug]), _("The venue's bookings"))
    return _render(
        request,
        statement,
        url_for=lambda v, m: reverse(
            "bookings:organisation_statement", args=[slug, v, f"{m:%Y-%m}"]
        ),
        venues=venues.distinct().order_by("name"),
        slug=slug,
        back=back,
    )


def _member_statement(
    request: AuthenticatedHttpRequest, holder: Member, venue: Venue, first: dt.date, url_for
) -> HttpResponse:
    if not permissions.may_see_member_statement(request.user, holder, venue):
        raise Http404
    statement = member_statement(member=holder, venue=venue, month=first)
    own = Booking.objects.for_member(holder).filter(organisation__isnull=True)
    if holder.pk == request.user.pk:
        venues = _venues_of(own) | Venue.objects.filter(pk=venue.pk)
        back = (reverse("bookings:mine"), _("Your bookings"))
    else:
        venues = Venue.objects.filter(pk=venue.pk)
        back = (reverse("bookings:venue_bookings", args=[venue.slug]), _("The venue's bookings"))
    return _render(
        request,
        statement,
        url_for=url_for,
        venues=venues.distinct().order_by("name"),
        slug=f"member-{holder.pk}",
        back=back,
    )


@login_required
def my_statement(request: AuthenticatedHttpRequest, venue_slug: str, month: str) -> HttpResponse:
    """The member's own statement: what they booked for themselves at a venue in a month."""
    first = _month(month)
    venue = get_object_or_404(Venue, slug=venue_slug)
    return _member_statement(
        request,
        request.user,
        venue,
        first,
        lambda v, m: reverse("bookings:my_statement", args=[v, f"{m:%Y-%m}"]),
    )


@login_required
def member_statement_for_manager(
    request: AuthenticatedHttpRequest, venue_slug: str, member_id: int, month: str
) -> HttpResponse:
    """A member's own statement at the manager's venue (from the venue's bookings list)."""
    first = _month(month)
    venue = get_object_or_404(Venue, slug=venue_slug)
    holder = get_object_or_404(Member, pk=member_id)
    return _member_statement(
        request,
        holder,
        venue,
        first,
        lambda v, m: reverse("bookings:member_statement", args=[v, holder.pk, f"{m:%Y-%m}"]),
    )


@login_required
def my_statements(request: AuthenticatedHttpRequest) -> HttpResponse:
    """From the account page: this month's statement at the venue the member last booked for
    themselves, or a word that there is none yet."""
    latest = (
        Booking.objects.for_member(request.user)
        .filter(organisation__isnull=True)
        .select_related("space__venue")
        .order_by("-starts_at")
        .first()
    )
    if latest is None:
        return render(request, "bookings/no_statements.html")
    venue = latest.space.venue
    month = this_month(venue, timezone.now())
    return redirect("bookings:my_statement", venue.slug, f"{month:%Y-%m}")


@login_required
def organisation_bookings(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The organisation's bookings of a month (this month unless asked), at every venue or one,
    with links to each venue's statement. Its admins only (members: 403, others: 404)."""
    organisation = get_object_or_404(
        Organisation.objects.filter(permissions.organisations_seen_filter(request.user)),
        slug=slug,
    )
    if not permissions.may_manage_organisation(request.user, organisation):
        raise PermissionDenied(_("Only the organisation's admins can see all its bookings."))
    bookings = Booking.objects.filter(organisation=organisation)
    venues = _venues_of(bookings)
    form = MonthAndVenueForm(request.GET or None, venues=venues)
    today = timezone.localdate()
    first, venue = today.replace(day=1), None
    if form.is_bound:
        if form.is_valid():
            first = form.cleaned_data["month"] or first
            venue = form.cleaned_data["venue"]
        else:
            messages.warning(request, _("The filter was not understood, so here is this month."))
    shown_venues = [venue] if venue else list(venues)
    chosen = Booking.objects.none()
    for each in shown_venues:
        starts, ends = month_window(each, first)
        chosen = chosen | bookings.filter(
            space__venue=each, starts_at__gte=starts, starts_at__lt=ends
        )
    table = OrganisationBookingsTable(chosen.select_related("space__venue", "booker"))
    configure_tables(request, table, per_page=OrganisationBookingsTable._meta.per_page)
    statements = [
        (each, reverse("bookings:organisation_statement", args=[slug, each.slug, f"{first:%Y-%m}"]))
        for each in shown_venues
    ]
    if not form.is_bound or not form.is_valid():
        form = MonthAndVenueForm(initial={"month": f"{first:%Y-%m}"}, venues=venues)
    return render(
        request,
        "bookings/organisation_bookings.html",
        {
            "organisation": organisation,
            "is_admin": True,
            "form": form,
            "table": table,
            "month_name": month_in_words(first),
            "statements": statements,
        },
    )
