from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import FeedToken


@admin.register(FeedToken)
class FeedTokenAdmin(admin.ModelAdmin):
    """Feed tokens without the secret itself: staff can see and revoke them, not subscribe as someone."""

    list_display = [
        "owner",
        "scope",
        "organisation",
        "venue",
        "space",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["owner__email", "owner__display_name"]
    list_select_related = ["owner", "organisation", "venue", "space__venue"]
    raw_id_fields = ["owner", "organisation", "venue", "space"]
    readonly_fields = ["created_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected feed tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[FeedToken]) -> None:
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(
            request, _("%(count)d feed tokens revoked.") % {"count": count}, messages.SUCCESS
        )
