from django.contrib import admin

from coaching.models import CoachingSession, DimensionScore, WeeklyReview
from core.admin_display import ReadOnlyModelAdmin, json_details


@admin.register(CoachingSession)
class CoachingSessionAdmin(ReadOnlyModelAdmin):
    list_display = ["speaker_name", "call", "call_started", "role", "overall_score", "analyzer", "is_current"]
    list_filter = ["analyzer", "role", "is_current"]
    search_fields = ["speaker_name", "speaker_email", "call__id", "call__title"]
    list_select_related = ["call"]
    date_hierarchy = "call_started"
    readonly_fields = ["stats_json"]
    exclude = ["interaction_stats"]

    @admin.display(description="Interaction stats")
    def stats_json(self, obj: CoachingSession) -> str:
        return json_details(obj.interaction_stats)


@admin.register(DimensionScore)
class DimensionScoreAdmin(ReadOnlyModelAdmin):
    list_display = ["session", "dimension", "score", "manager_score", "call_started"]
    list_filter = ["dimension", "score"]
    search_fields = ["session__speaker_name", "rationale"]
    list_select_related = ["session"]
    date_hierarchy = "call_started"


@admin.register(WeeklyReview)
class WeeklyReviewAdmin(ReadOnlyModelAdmin):
    list_display = ["week", "scope", "subject", "sent_at", "updated_at"]
    list_filter = ["scope", "week"]
    search_fields = ["subject__first_name", "subject__last_name", "subject__email"]
    list_select_related = ["subject"]
    readonly_fields = ["metrics_json"]
    exclude = ["metrics"]

    @admin.display(description="Metrics")
    def metrics_json(self, obj: WeeklyReview) -> str:
        return json_details(obj.metrics)
