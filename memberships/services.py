"""Granting and ending memberships, and the plan rules the booking service asks about under its
lock. Keyword-only, typed; a refusal is a MembershipError with a sentence a member can read."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from members import audit, permissions
from members.models import Member, Organisation
from spaces.models import Space

from .allowances import ACTIVE_STATUSES, Left, allowance_for, allowance_left, booking_uses
from .models import Membership, Plan


class MembershipError(Exception):
    """A plan rule said no. `message` is shown as is; `field` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def amount(value: Decimal) -> str:
    """2 not 2.00, 1.5 not 1.50."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def left_in_words(left: Left) -> str:
    """'2 of 10 desk-days left in December' (the month in the venue's calendar)."""
    words = {
        "left": amount(left.left),
        "total": amount(left.total),
        "month": date_format(left.month, "F"),
    }
    if left.in_days:
        return _("%(left)s of %(total)s desk-days left in %(month)s") % words
    return _("%(left)s of %(total)s hours left in %(month)s") % words


def full_clean(row: Model) -> None:
    """`row.full_clean()`, its first problem raised as a MembershipError naming its field."""
    try:
        row.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise MembershipError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from exc


def overlap_refusal(
    *,
    plan: Plan,
    member: Member | None,
    organisation: Organisation | None,
    starts_on: date,
    ends_on: date | None,
    exclude_pk: int | None = None,
) -> str | None:
    """Why the holder cannot hold `plan` for [starts_on, ends_on], or None: a holder holds a
    plan once at a time."""
    holder = Q(member=member) if member is not None else Q(organisation=organisation)
    clash = Membership.objects.filter(holder, plan=plan).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on)
    )
    if ends_on is not None:
        clash = clash.filter(starts_on__lte=ends_on)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    other = clash.first()
    if other is None:
        return None
    return _("%(holder)s already holds %(plan)s from %(start)s; the two would overlap.") % {
        "holder": member or organisation,
        "plan": plan.name,
        "start": date_format(other.starts_on, "j F Y"),
    }


@transaction.atomic
def grant_membership(
    *,
    plan: Plan,
    starts_on: date,
    member: Member | None = None,
    organisation: Organisation | None = None,
    ends_on: date | None = None,
    per_person_cap: Decimal | None = None,
    by: Member | None = None,
) -> Membership:
    """Give `plan` to one member or one organisation from `starts_on` (to `ends_on`, inclusive).

    The plan row is locked first, so two grants of one plan to one holder queue and the second
    sees the first: overlapping memberships of one plan are refused.
    """
    plan = Plan.objects.select_for_update(of=("self",)).select_related("venue").get(pk=plan.pk)
    if (member is None) == (organisation is None):
        raise MembershipError(_("A membership is held by one member or one organisation."))
    if not plan.is_active:
        raise MembershipError(_("%(plan)s is no longer offered.") % {"plan": plan.name})
    if ends_on is not None and ends_on < starts_on:
        raise MembershipError(_("A membership must end on or after its start."), field="ends_on")
    if per_person_cap is not None and organisation is None:
        raise MembershipError(
            _("A cap per person is for an organisation's shared pool."), field="per_person_cap"
        )
    if per_person_cap is not None and per_person_cap < 0:
        raise MembershipError(_("A cap cannot be negative."), field="per_person_cap")
    refusal = overlap_refusal(
        plan=plan, member=member, organisation=organisation, starts_on=starts_on, ends_on=ends_on
    )
    if refusal:
        raise MembershipError(refusal, field="starts_on")
    membership = Membership(
        plan=plan,
        member=member,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        per_person_cap=per_person_cap,
    )
    full_clean(membership)
    membership.save()
    audit.saved(membership, before=None, by=by, venue_id=plan.venue_id)
    return membership


@transaction.atomic
def end_membership(
    *, membership: Membership, ends_on: date, by: Member | None = None
) -> Membership:
    """End `membership` on `ends_on` (its last day). Refused while active bookings after that
    day use it: they are cancelled or moved first."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("plan__venue")
        .get(pk=membership.pk)
    )
    if ends_on < membership.starts_on:
        raise MembershipError(_("A membership must end on or after its start."), field="ends_on")
    zone = membership.plan.venue.zone
    later = 0
    if ends_on < date.max:  # the last day there is: nothing can come after it
        after = datetime.combine(ends_on + timedelta(days=1), datetime.min.time(), tzinfo=zone)
        later = membership.bookings.filter(status__in=ACTIVE_STATUSES, ends_at__gt=after).count()
    if later:
        raise MembershipError(
            _("%(count)d booking(s) after that day use this membership; cancel or move them first.")
            % {"count": later},
            field="ends_on",
        )
    before = audit.model_state(membership)
    membership.ends_on = ends_on
    full_clean(membership)
    membership.save()
    audit.saved(membership, before=before, by=by, venue_id=membership.plan.venue_id)
    return membership


def _valid_on(day: date) -> Q:
    return Q(starts_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gte=day))


def applicable_memberships(*, member: Member, space: Space, on: date) -> list[Membership]:
    """The memberships `member` may book `space` with on local date `on`: their own and their
    organisations', of an offered plan of the space's venue that covers its kind."""
    found = (
        Membership.objects.filter(permissions.usable_memberships_filter(member))
        .filter(_valid_on(on), plan__venue_id=space.venue_id, plan__is_active=True)
        .select_related("plan__venue", "member", "organisation")
        .prefetch_related("plan__allowances")
        .order_by("plan__name", "pk")
    )
    return [membership for membership in found if membership.plan.covers(space.kind)]


def current_memberships(*, member: Member, space: Space, today: date) -> list[Membership]:
    """Like applicable_memberships, but also those starting later: what the booking form offers
    (the service checks the booking's own date)."""
    found = (
        Membership.objects.filter(permissions.usable_memberships_filter(member))
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(plan__venue_id=space.venue_id, plan__is_active=True)
        .select_related("plan__venue", "member", "organisation")
        .prefetch_related("plan__allowances")
        .order_by("starts_on", "plan__name", "pk")
    )
    return [membership for membership in found if membership.plan.covers(space.kind)]


def check_booking(
    *,
    membership: Membership,
    booker: Member,
    space: Space,
    starts_at: datetime,
    ends_at: datetime,
    exclude_booking_id: int | None = None,
) -> Membership:
    """Raise MembershipError unless `booker` may use `membership` for `space` over
    [starts_at, ends_at): theirs or their organisation's, a plan of the venue covering the kind,
    valid on the booking's local dates, with enough allowance left in each month it touches.

    Call inside the booking's transaction: the membership row is locked here, so members of one
    organisation sharing a pool queue for it even when they book different spaces. The window
    (how far ahead) is the booking service's, through `plan.booking_window`.
    """
    # One read: the membership's row locked (of=self: not its plan's or organisation's), with
    # its plan and the plan's allowances, which every allowance_for below then reuses.
    locked = (
        Membership.objects.select_for_update(of=("self",))
        .filter(permissions.usable_memberships_filter(booker), pk=membership.pk)
        .select_related("plan__venue", "organisation")
        .prefetch_related("plan__allowances")
        .first()
    )
    if locked is None:
        raise MembershipError(_("You can only use a membership of your own."), field="membership")
    membership = locked
    plan = membership.plan
    if plan.venue_id != space.venue_id or not plan.is_active or not plan.covers(space.kind):
        raise MembershipError(
            _("%(plan)s does not include %(space)s.") % {"plan": plan.name, "space": space.name},
            field="membership",
        )
    zone = space.venue.zone
    first_day = starts_at.astimezone(zone).date()
    last_day = (ends_at - timedelta(microseconds=1)).astimezone(zone).date()
    if membership.starts_on > first_day:
        raise MembershipError(
            _("Your %(plan)s membership starts on %(day)s.")
            % {"plan": plan.name, "day": date_format(membership.starts_on, "j F Y")},
            field="membership",
        )
    if membership.ends_on is not None and membership.ends_on < last_day:
        raise MembershipError(
            _("Your %(plan)s membership ended on %(day)s.")
            % {"plan": plan.name, "day": date_format(membership.ends_on, "j F Y")},
            field="membership",
        )
    allowance = allowance_for(membership, space.kind)
    if allowance is None:
        return membership
    uses = booking_uses(
        membership=membership,
        allowance=allowance,
        booker=booker,
        starts_at=starts_at,
        ends_at=ends_at,
        exclude_booking_id=exclude_booking_id,
    )
    for month, needed in uses.items():
        left = allowance_left(
            membership=membership,
            kind=space.kind,
            month=month,
            member=booker,
            exclude_booking_id=exclude_booking_id,
        )
        if left is not None and needed > left.left:
            who = (
                _("%(organisation)s has") % {"organisation": membership.organisation.name}
                if membership.organisation is not None and not left.personal
                else _("You have")
            )
            raise MembershipError(
                _("%(who)s %(left)s; they renew on %(renews)s.")
                % {
                    "who": who,
                    "left": left_in_words(left),
                    "renews": date_format(left.renews_on, "j F"),
                },
                field="membership",
            )
    return membership


def described(*, membership: Membership, member: Member, kind: str, today: date) -> str:
    """'Hot desk 10 days: 8 of 10 desk-days left in December', the holder named when it is an
    organisation: 'Community group (Ladywood Food Share): ...'."""
    name = membership.plan.name
    if membership.organisation is not None:
        name = _("%(plan)s (%(holder)s)") % {"plan": name, "holder": membership.organisation.name}
    left = allowance_left(membership=membership, kind=kind, month=today, member=member)
    if left is None:
        return _("%(name)s: no monthly limit") % {"name": name}
    return f"{name}: {left_in_words(left)}"
