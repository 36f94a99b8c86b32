from django.contrib import admin

from .models import ProxyValue


@admin.register(ProxyValue)
class ProxyValueAdmin(admin.ModelAdmin):
    list_display = ["name", "venue", "measure", "activity", "amount", "currency", "licence"]
    list_filter = ["measure", "venue"]
    search_fields = ["name", "source", "licence", "venue__name"]
    raw_id_fields = ["entered_by"]
