"""Granting and changing community funds. Keyword-only, typed, one transaction each; a refusal
is a MembershipError with a sentence a manager can read, and nothing is written.

A change locks the fund's row, as a booking drawing on it does, so what it compares with (what
the fund's bookings drew) cannot grow between the check and the write."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members import audit
from members.models import Member, Organisation
from spaces.models import Venue

from .allowances import CHARGED_STATUSES
from .funds import fund_used
from .models import CommunityFund
from .services import MembershipError, full_clean
from .services import amount as plain_amount


def granted_in_words(fund: CommunityFund, value: Decimal) -> str:
    """'12 hours' or 'GBP 12.50', as the fund is."""
    if fund.in_hours:
        return ngettext("%(n)s hour", "%(n)s hours", 1 if value == 1 else 2) % {
            "n": plain_amount(value)
        }
    return f"{fund.venue.currency} {value.quantize(Decimal('0.01')):f}"


def _check_grant(hours: Decimal | None, money: Decimal | None) -> None:
    if (hours is None) == (money is None):
        raise MembershipError(_("Grant hours or money, not both."), field="hours")
    granted = hours if hours is not None else money
    assert granted is not None
    if granted <= 0:
        raise MembershipError(
            _("A grant must be more than nothing."),
            field="hours" if hours is not None else "amount",
        )


@transaction.atomic
def grant_fund(
    *,
    venue: Venue,
    organisation: Organisation,
    name: str,
    starts_on: date,
    ends_on: date,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
    by: Member | None = None,
) -> CommunityFund:
    """Grant `organisation` hours or money at `venue` from `starts_on` to `ends_on` (inclusive,
    the venue's dates)."""
    _check_grant(hours, amount)
    if ends_on < starts_on:
        raise MembershipError(_("The fund ends before it starts."), field="ends_on")
    fund = CommunityFund(
        venue=venue,
        organisation=organisation,
        name=name.strip(),
        hours=hours,
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        granted_by=by,
    )
    full_clean(fund)
    fund.save()
    audit.saved(fund, before=None, by=by, venue_id=venue.pk)
    return fund


def _local_midnight(day: date, venue: Venue) -> datetime:
    return datetime.combine(day, time(0), tzinfo=venue.zone)


@transaction.atomic
def change_fund(
    *,
    fund: CommunityFund,
    name: str,
    starts_on: date,
    ends_on: date,
    hours: Decimal | None = None,
    amount: Decimal | None = None,
    by: Member | None = None,
) -> CommunityFund:
    """Change a fund's name, dates or grant. Never below what its active bookings already drew
    ("40 hours granted, 12 used; you cannot make it less than 12"), never from hours to money
    once drawn, and never dates that leave out a booking that draws on it."""
    fund = (
        CommunityFund.objects.select_for_update()
        .select_related("venue", "organisation")
        .get(pk=fund.pk)
    )
    _check_grant(hours, amount)
    if ends_on < starts_on:
        raise MembershipError(_("The fund ends before it starts."), field="ends_on")
    used = fund_used(fund=fund)
    field = "hours" if hours is not None else "amount"
    if used > 0 and (hours is not None) != fund.in_hours:
        raise MembershipError(
            _("Bookings have already drawn %(used)s on this fund, so it stays a grant of %(unit)s.")
            % {
                "used": granted_in_words(fund, used),
                "unit": _("hours") if fund.in_hours else _("money"),
            },
            field=field,
        )
    wanted = hours if hours is not None else amount
    assert wanted is not None
    if wanted < used:
        was = fund.hours if fund.in_hours else fund.amount
        assert was is not None
        raise MembershipError(
            _("%(granted)s granted, %(used)s used; you cannot make it less than %(least)s.")
            % {
                "granted": granted_in_words(fund, was),
                "used": amount_of(fund, used),
                "least": amount_of(fund, used),
            },
            field=field,
        )
    drawing = fund.bookings.filter(status__in=CHARGED_STATUSES)
    outside = drawing.filter(starts_at__lt=_local_midnight(starts_on, fund.venue)) | drawing.filter(
        ends_at__gt=_local_midnight(ends_on + timedelta(days=1), fund.venue)
    )
    count = outside.count()
    if count:
        raise MembershipError(
            ngettext(
                "%(count)d booking outside %(start)s to %(end)s draws on this fund; cancel or "
                "move it first.",
                "%(count)d bookings outside %(start)s to %(end)s draw on this fund; cancel or "
                "move them first.",
                count,
            )
            % {
                "count": count,
                "start": date_format(starts_on, "j F Y"),
                "end": date_format(ends_on, "j F Y"),
            },
            field="starts_on",
        )
    before = audit.model_state(fund)
    fund.name = name.strip()
    fund.starts_on, fund.ends_on = starts_on, ends_on
    fund.hours, fund.amount = hours, amount
    full_clean(fund)
    fund.save()
    audit.saved(fund, before=before, by=by, venue_id=fund.venue_id)
    return fund


def amount_of(fund: CommunityFund, value: Decimal) -> str:
    """The bare number, as the fund counts it: 12 (hours) or 12.50 (money)."""
    return plain_amount(value) if fund.in_hours else f"{value.quantize(Decimal('0.01')):f}"
