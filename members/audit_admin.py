"""The admin's edits in the audit trail: a mixin for the ModelAdmins of tracked objects.

The admin saves whole rows through its forms, so the mixin reads the stored row before the save
and records the difference after the related rows (many-to-many fields, inlines) are saved too;
the whole change view runs in one transaction, so the entry commits with the change. An admin
that saves through a service instead (SpaceAdmin, a new Membership) does not call
`save_model`'s super, and the service records the entry itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import audit

_BEFORE = "_audit_before"


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        setattr(request, _BEFORE, (obj, audit.model_state(stored) if stored else None))
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        pending = getattr(request, _BEFORE, None)
        if pending is not None and pending[0] is form.instance:
            audit.saved(form.instance, before=pending[1], by=request.user)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        venue_id = audit.venue_of(form.instance)
        for deleted in formset.deleted_forms:
            if deleted.instance.pk is not None:
                audit.removed(deleted.instance, by=request.user, venue_id=venue_id)
        super().save_formset(request, form, formset, change)
        audit.formset_saved(formset, by=request.user, venue_id=venue_id)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.removed(obj, by=request.user)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            audit.removed(obj, by=request.user)
        super().delete_queryset(request, queryset)
