"""Writing plans and their allowances, and a venue's tiers for kinds of organisation: the
managers' pages and the admin call these. Keyword-only, typed, one transaction each; a refusal
is a MembershipError with a sentence a manager can read, and nothing is written."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from members import audit
from members.models import Member, Organisation
from spaces.models import Space, Venue

from .models import Allowance, Membership, OrganisationKindTier, Plan, Tier
from .services import MembershipError, full_clean


@dataclass(frozen=True)
class AllowanceSpec:
    """One allowance of a plan: hours a month for a kind of room, or desk-days for a desk pool."""

    kind: str
    hours_per_month: Decimal | None = None
    days_per_month: int | None = None


def _kind_label(kind: str) -> str:
    return str(Space.Kind(kind).label) if kind in Space.Kind.values else kind


def _check_allowances(allowances: Sequence[AllowanceSpec], kinds: Sequence[str]) -> None:
    seen: set[str] = set()
    for spec in allowances:
        label = _kind_label(spec.kind)
        if spec.kind in seen:
            raise MembershipError(
                _("%(kind)s has two allowances; give it one.") % {"kind": label},
                field="allowances",
            )
        seen.add(spec.kind)
        if spec.kind not in kinds:
            raise MembershipError(
                _("The plan does not include %(kind)s: tick it above or remove its allowance.")
                % {"kind": label},
                field="allowances",
            )
        for value in (spec.hours_per_month, spec.days_per_month):
            if value is not None and value < 0:
                raise MembershipError(
                    _("An allowance cannot be negative (%(kind)s).") % {"kind": label},
                    field="allowances",
                )


@transaction.atomic
def save_plan(
    *,
    venue: Venue,
    name: str,
    space_kinds: Sequence[str],
    booking_window: timedelta,
    allowances: Sequence[AllowanceSpec] = (),
    plan: Plan | None = None,
    description: str = "",
    tier: str = Tier.FULL,
    reduction_percent: Decimal | None = None,
    is_active: bool = True,
    by: Member | None = None,
) -> Plan:
    """Create `venue`'s plan (or change `plan`) with exactly `allowances`, in one transaction:
    a plan without a kind of space, a negative allowance, desk-days for a room, an allowance for
    a kind the plan does not include or a reduction outside 0–100 % is refused, nothing written.

    A changed plan's row is locked first, the lock grant_membership takes, so a grant never
    sees half a change."""
    before = None
    if plan is not None and plan.pk is not None:
        plan = Plan.objects.select_for_update().get(pk=plan.pk, venue=venue)
        before = _plan_state(plan)
    else:
        plan = Plan(venue=venue)
    kinds = list(dict.fromkeys(space_kinds))
    name = name.strip()
    if not name:
        raise MembershipError(_("Give the plan a name."), field="name")
    if Plan.objects.filter(venue=venue, name__iexact=name).exclude(pk=plan.pk).exists():
        raise MembershipError(
            _("%(venue)s already has a plan called %(name)s.") % {"venue": venue, "name": name},
            field="name",
        )
    if booking_window <= timedelta(0):
        raise MembershipError(
            _("The booking window must be at least a day ahead."), field="booking_window"
        )
    if not kinds:
        raise MembershipError(
            _("A plan must allow at least one kind of space."), field="space_kinds"
        )
    plan.name = name
    plan.description = description
    plan.space_kinds = kinds
    plan.booking_window = booking_window
    plan.tier = tier
    plan.reduction_percent = reduction_percent
    plan.is_active = is_active
    full_clean(plan)
    _check_allowances(allowances, kinds)
    plan.save()
    # The allowances are the plan's own rows, read at each booking: replacing them is safe, and
    # a refusal below rolls the whole change back.
    Allowance.objects.filter(plan=plan).delete()
    for spec in allowances:
        row = Allowance(
            plan=plan,
            kind=spec.kind,
            hours_per_month=spec.hours_per_month,
            days_per_month=spec.days_per_month,
        )
        try:
            full_clean(row)
        except MembershipError as error:
            raise MembershipError(
                f"{_kind_label(row.kind)}: {error.message}", field="allowances"
            ) from error
        row.save()
    _plan_recorded(plan, before=before, by=by)
    return plan


def _plan_state(plan: Plan) -> dict:
    state = audit.model_state(plan)
    state["allowances"] = sorted(str(row) for row in Allowance.objects.filter(plan=plan))
    return state


def _plan_recorded(plan: Plan, *, before: dict | None, by: Member | None) -> None:
    changes = audit.differences(before or {}, _plan_state(plan))
    if before is not None and not changes:
        return
    audit.record(
        action="plan.created" if before is None else "plan.changed",
        subject=plan,
        by=by,
        venue_id=plan.venue_id,
        summary=(_("Plan added: %(plan)s") if before is None else _("Plan changed: %(plan)s"))
        % {"plan": plan.name},
        changes=changes,
    )


@transaction.atomic
def retire_plan(*, plan: Plan, by: Member | None = None) -> bool:
    """Stop offering `plan`. A plan nobody ever held is deleted (True); one with memberships is
    kept, not offered (False): they and their bookings still point at it."""
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not Membership.objects.filter(plan=plan).exists():
        audit.removed(plan, by=by, venue_id=plan.venue_id)
        plan.delete()
        return True
    before = _plan_state(plan)
    plan.is_active = False
    plan.save(update_fields=["is_active"])
    _plan_recorded(plan, before=before, by=by)
    return False


@dataclass(frozen=True)
class KindTier:
    tier: str
    reduction_percent: Decimal | None = None


@transaction.atomic
def save_kind_tiers(
    *, venue: Venue, tiers: Mapping[str, KindTier], by: Member | None = None
) -> dict[str, OrganisationKindTier]:
    """Set the tier `venue` gives each kind of organisation in `tiers` (a charity rate of 50 %,
    community groups free). A kind at the full rate keeps no row. Every kind is checked before
    anything is written: one bad reduction and nothing changes."""
    Venue.objects.select_for_update().filter(pk=venue.pk).first()  # one writer per venue
    existing = {
        row.organisation_kind: row for row in OrganisationKindTier.objects.filter(venue=venue)
    }
    was = {kind: audit.model_state(row) for kind, row in existing.items()}
    checked: dict[str, OrganisationKindTier] = {}
    for kind, wanted in tiers.items():
        if kind not in Organisation.Kind.values:
            raise MembershipError(
                _("%(kind)s is not a kind of organisation.") % {"kind": kind}, field=kind
            )
        row = existing.get(kind) or OrganisationKindTier(venue=venue, organisation_kind=kind)
        row.tier = wanted.tier
        row.reduction_percent = wanted.reduction_percent if wanted.tier == Tier.REDUCED else None
        try:
            full_clean(row)
        except MembershipError as error:
            label = Organisation.Kind(kind).label
            raise MembershipError(f"{label}: {error.message}", field=kind) from error
        checked[kind] = row
    saved: dict[str, OrganisationKindTier] = {}
    for kind, row in checked.items():
        if row.tier == Tier.FULL:
            if row.pk is not None:
                audit.removed(row, by=by, venue_id=venue.pk)
                row.delete()
            continue
        row.save()
        audit.saved(row, before=was.get(kind), by=by, venue_id=venue.pk)
        saved[kind] = row
    return saved
