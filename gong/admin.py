from django.contrib import admin
from django.db.models import Count

from core.admin_display import ReadOnlyModelAdmin, json_details
from gong.models import Call, CallParticipant, GongUser, Transcript, WebhookEvent


@admin.register(GongUser)
class GongUserAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "email", "title", "role", "manager", "active", "django_user"]
    list_filter = ["role", "active"]
    search_fields = ["first_name", "last_name", "email", "title", "id"]
    list_select_related = ["manager", "django_user"]
    readonly_fields = ["raw_json"]
    exclude = ["raw"]

    @admin.display(description="Raw Gong user")
    def raw_json(self, obj: GongUser) -> str:
        return json_details(obj.raw)


class ParticipantInline(admin.TabularInline):
    model = CallParticipant
    extra = 0
    can_delete = False
    fields = ["name", "email", "title", "affiliation", "speaker_id", "user"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CallParticipant)
class CallParticipantAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "email", "title", "affiliation", "call", "user"]
    list_filter = ["affiliation"]
    search_fields = ["name", "email", "title", "call__id"]
    list_select_related = ["call", "user"]


@admin.register(Call)
class CallAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "started", "primary_user", "account_name", "call_type", "status", "participant_count"]
    list_filter = ["status", "call_type", "source", "is_private", "scope", "direction"]
    search_fields = ["id", "title", "account_name", "opportunity_name"]
    list_select_related = ["primary_user"]
    date_hierarchy = "started"
    inlines = [ParticipantInline]
    readonly_fields = ["metadata_json", "crm_json"]
    exclude = ["metadata", "crm_context"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(participant_total=Count("participants"))

    @admin.display(description="Participants", ordering="participant_total")
    def participant_count(self, obj: Call) -> int:
        return obj.participant_total

    @admin.display(description="Gong metadata")
    def metadata_json(self, obj: Call) -> str:
        return json_details(obj.metadata)

    @admin.display(description="CRM context")
    def crm_json(self, obj: Call) -> str:
        return json_details(obj.crm_context)


@admin.register(Transcript)
class TranscriptAdmin(ReadOnlyModelAdmin):
    list_display = ["call", "token_count", "token_count_method", "sha256", "fetched_at"]
    search_fields = ["call__id", "call__title"]
    list_select_related = ["call"]
    readonly_fields = ["turns_json"]
    exclude = ["turns", "text"]

    @admin.display(description="Turns")
    def turns_json(self, obj: Transcript) -> str:
        return json_details(obj.turns, summary=f"Show {len(obj.turns)} turns")


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
