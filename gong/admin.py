"""Gong's own admin: webhook deliveries and the shared API quota row (ops and staff only, by model permission).

Calls, participants, transcripts and Gong users are registered by coaching.admin: their lists and pages are
filtered by who is looking (coaching.access), which this app may not import.
"""

from django.contrib import admin

from core.admin_display import ReadOnlyModelAdmin, json_details
from gong.models import ApiQuota, WebhookEvent


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyModelAdmin):
    list_display = ["received_at", "call_id", "status", "auth_method", "is_test", "remote_addr"]
    list_filter = ["status", "auth_method", "is_test"]
    search_fields = ["call_id", "body_sha256", "trace_id"]
    date_hierarchy = "received_at"
    readonly_fields = ["body_json"]
    exclude = ["raw_body"]

    @admin.display(description="Raw body")
    def body_json(self, obj: WebhookEvent) -> str:
        return json_details(obj.raw_body)


@admin.register(ApiQuota)
class ApiQuotaAdmin(ReadOnlyModelAdmin):
    """The shared Gong rate limiter's row (Ops → Gong quota shows it in context)."""

    list_display = ["name", "day", "day_count", "next_slot_at"]
