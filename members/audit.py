"""The audit trail: who changed what, when, from what to what.

One `AuditEntry` row per change of a tracked object (a booking, a series, a membership, a plan,
a price, a rule, opening hours, a closure, a role). The services write it with `record()` inside
their own transaction, so an entry exists if and only if the change committed; nothing here
listens to signals, so a `QuerySet.update()` in a service is as visible as a `save()`.

"Who": a service passes the member who acted (`by`); a change nobody made by hand (a request
expiring, a no-show, a command) passes None, and the entry says "the system" with its `source`:
the command's name, "admin", "api" or "web", set for the request or command with `acting_from()`
(`members.middleware` for web requests and the admin; each management command for itself).

In the lowest layer so that every app can record (organisation roles live here); the venue is a
plain id because members may not import spaces.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_source: contextvars.ContextVar[str] = contextvars.ContextVar("audit_source", default="system")
_buffer: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar(
    "audit_buffer", default=None
)

# Free text a booker typed: shown to managers while the booking is kept, cleared from the trail
# with the booking's own (operations.privacy.anonymise_old_bookings, close_account).
FREE_TEXT_FIELDS = ("title", "purpose", "cancellation_reason", "decision_reason", "setup_notes")


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def of(self, subject_type: str, subject_id: int) -> AuditEntryQuerySet:
        """The history of one object, oldest first."""
        return self.filter(subject_type=subject_type, subject_id=subject_id).order_by("at", "pk")

    def of_venue(self, venue_id: int) -> AuditEntryQuerySet:
        """Everything recorded about a venue and what is in it, newest first."""
        return self.filter(venue_id=venue_id).order_by("-at", "-pk")


class AuditEntry(models.Model):
    """One change: when, who (a member, or None for the system with its source), what (an
    action on a subject), a sentence, and the fields that changed as {field: [from, to]}."""

    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(_("through"), max_length=80, default="system")
    action = models.CharField(_("what"), max_length=40)
    subject_type = models.CharField(max_length=30)
    subject_id = models.PositiveBigIntegerField()
    venue_id = models.PositiveBigIntegerField(null=True, blank=True)
    summary = models.CharField(_("change"), max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="audit_subject"),
            models.Index(fields=["venue_id", "at"], name="audit_venue_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type} {self.subject_id}"


# A booker's view of their own booking's trail shows these (members.permissions.audit).
BOOKER_VISIBLE_ACTIONS = frozenset(
    {
        "booking.created",
        "booking.moved",
        "booking.cancelled",
        "booking.approved",
        "booking.declined",
        "booking.expired",
        "booking.no_show",
        "booking.checked_in",
    }
)


@contextmanager
def acting_from(source: str) -> Iterator[None]:
    """Within this block, entries say where the change came from: "web", "admin", "api", or
    "command <name>" (a change with no member is then "the system, command <name>")."""
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


@contextmanager
def gathered() -> Iterator[None]:
    """Within this block (inside the caller's transaction), entries are written together in one
    INSERT at its end: a series' dates, each with its own entry, cost one write, not one each.
    An exception writes none of them (the transaction rolls back anyway)."""
    if _buffer.get() is not None:  # already gathering: the outer block writes them
        yield
        return
    pending: list[AuditEntry] = []
    token = _buffer.set(pending)
    try:
        yield
    finally:
        _buffer.reset(token)
    AuditEntry.objects.bulk_create(pending, batch_size=500)


def current_source() -> str:
    return _source.get()


class AuditedCommand(BaseCommand):
    """A management command whose changes the trail credits to "the system, command <name>"."""

    def execute(self, *args: Any, **options: Any) -> str | None:
        with acting_from(f"command {self.__module__.rsplit('.', 1)[-1]}"):
            return super().execute(*args, **options)


def plain(value: Any) -> Any:
    """A value as JSON can keep it: times as ISO 8601 (UTC), money and dates as text, objects by
    their name."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date | dt.time | dt.timedelta | Decimal):
        return str(value)
    if isinstance(value, float):
        return str(Decimal(str(value)))
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The current values of `fields` of `obj`, as `plain` values, to compare with later."""
    return {name: plain(getattr(obj, name)) for name in fields}


def snapshot_of(values: dict[str, Any]) -> dict[str, Any]:
    """Values read before a change, as `plain` values like `snapshot`'s."""
    return {name: plain(value) for name, value in values.items()}


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [from, to]} for every field whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def record(
    *,
    action: str,
    subject: models.Model,
    by: Any,
    summary: str,
    venue_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Write one entry for a change of `subject` made by `by` (a member, or None for the system),
    in the caller's transaction. `summary` is a sentence without free text a booker typed."""
    made = entry(
        action=action,
        subject=subject,
        by=by,
        summary=summary,
        venue_id=venue_id,
        changes=changes,
        at=at,
    )
    write(made)
    return made


def entry(
    *,
    action: str,
    subject: models.Model,
    by: Any,
    summary: str,
    venue_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    at: dt.datetime | None = None,
) -> AuditEntry:
    """The entry `record` writes, unsaved. For a subject not written yet (a new booking, written
    with its entry in one statement by bookings.saving.save_new) the caller sets `subject_id`."""
    actor = by if by is not None and getattr(by, "pk", None) is not None else None
    return AuditEntry(
        at=at or timezone.now(),
        actor=actor,
        source=current_source(),
        action=action,
        subject_type=subject._meta.model_name or "",
        subject_id=subject.pk,
        venue_id=venue_id,
        summary=summary[:300],
        changes=changes or {},
    )


def gathering() -> bool:
    """Inside `gathered()`: entries are kept for the block's one INSERT."""
    return _buffer.get() is not None


def write(made: AuditEntry) -> None:
    """Write `made` (from `entry`) now, or keep it for the `gathered()` block's INSERT."""
    pending = _buffer.get()
    if pending is not None:
        pending.append(made)
    else:
        made.save()


# Bookkeeping columns that change with every save and say nothing about the change itself.
UNTRACKED = frozenset(
    {
        "password",
        "last_login",
        "created_at",
        "updated_at",
        "sequence",
        "event",
        "uid",
        "reminded_at",
    }
)


def model_state(obj: models.Model) -> dict[str, Any]:
    """Every field of `obj` a person could change (its many-to-many ones included, once saved),
    as `plain` values: for the admin and the manager's forms, which save whole rows."""
    state = {
        field.name: plain(getattr(obj, field.name))
        for field in obj._meta.concrete_fields
        if not field.primary_key and field.name not in UNTRACKED
    }
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            state[field.name] = sorted(str(one) for one in getattr(obj, field.name).all())
    return state


def venue_of(obj: models.Model) -> int | None:
    """The venue an object belongs to, for the venue's history: a venue itself, or what hangs off
    one (a space, a closure, opening hours, a plan, a tier, a fund, a booking through its space)."""
    if obj._meta.model_name == "venue":
        return obj.pk
    for path in ("venue_id", "space.venue_id", "plan.venue_id", "membership.plan.venue_id"):
        value: Any = obj
        for name in path.split("."):
            value = getattr(value, name, None)
            if value is None:
                break
        if isinstance(value, int):
            return value
    return None


def _verbose(obj: models.Model) -> str:
    return str(obj._meta.verbose_name).capitalize()


def saved(
    obj: models.Model,
    *,
    before: dict[str, Any] | None,
    by: Any,
    venue_id: int | None = None,
    at: dt.datetime | None = None,
    summary: str = "",
) -> AuditEntry | None:
    """Record that `obj` was created (`before` None) or changed from `before` (its
    `model_state` then); nothing when nothing changed. A new row's venue is left out of its
    changes: the entry belongs to that venue's history anyway."""
    changes = differences(before or {}, model_state(obj))
    if before is None:
        changes = {
            name: pair
            for name, pair in changes.items()
            if pair[1] not in (None, "", []) and name != "venue"
        }
    elif not changes:
        return None
    created = before is None
    return record(
        action=f"{obj._meta.model_name}.{'created' if created else 'changed'}",
        subject=obj,
        by=by,
        venue_id=venue_id if venue_id is not None else venue_of(obj),
        summary=summary or f"{_verbose(obj)} {_('added') if created else _('changed')}: {obj}",
        changes=changes,
        at=at,
    )


def removed(
    obj: models.Model, *, by: Any, venue_id: int | None = None, at: dt.datetime | None = None
) -> AuditEntry:
    """Record that `obj` is about to be deleted, with what it held (call before `delete()`)."""
    changes = {name: [value, None] for name, value in model_state(obj).items() if value}
    return record(
        action=f"{obj._meta.model_name}.removed",
        subject=obj,
        by=by,
        venue_id=venue_id if venue_id is not None else venue_of(obj),
        summary=f"{_verbose(obj)} {_('removed')}: {obj}",
        changes=changes,
        at=at,
    )


def formset_saved(formset: Any, *, by: Any, venue_id: int | None) -> None:
    """Record what a model formset's save() (or save(commit=False) and the caller's saves) did:
    rows added and changed (from the form's initial values). Deleted rows are the caller's to
    record with `removed()` before it deletes them (a deleted row has no id left)."""
    for obj in formset.new_objects:
        saved(obj, before=None, by=by, venue_id=venue_id)
    for obj, names in formset.changed_objects:
        form = next(form for form in formset.forms if form.instance is obj)
        changes = {
            name: [plain(form.initial.get(name)), plain(getattr(obj, name))] for name in names
        }
        record(
            action=f"{obj._meta.model_name}.changed",
            subject=obj,
            by=by,
            venue_id=venue_id,
            summary=f"{_verbose(obj)} {_('changed')}: {obj}",
            changes=changes,
        )


def scrub_free_text(*, subject_type: str, subject_ids: Iterable[int] | models.QuerySet) -> int:
    """Blank the free text (FREE_TEXT_FIELDS) out of these objects' entries; returns how many
    entries changed. The other fields (status, times, price) stay, so the trail still adds up."""
    changed = []
    entries = AuditEntry.objects.filter(subject_type=subject_type, subject_id__in=subject_ids)
    for entry in entries.iterator():
        kept = {
            name: ([None, None] if name in FREE_TEXT_FIELDS and any(pair) else pair)
            for name, pair in entry.changes.items()
        }
        if kept != entry.changes:
            entry.changes = kept
            changed.append(entry)
    AuditEntry.objects.bulk_update(changed, ["changes"], batch_size=500)
    return len(changed)
