"""Coaching sessions, dimension scores (with reviewed / unreviewed filters) and weekly reviews."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from coaching.access import Viewer, scores_visible_q, sessions_visible_q
from coaching.admin.visibility import VisibleModelAdmin
from coaching.admin_weekly import WeeklyReviewAdmin
from coaching.models import CoachingSession, DimensionScore, WeeklyReview
from core.admin_display import json_details


def _call_link(call_id: str, label: str, anchor: str = "") -> str:
    return format_html('<a href="{}{}">{}</a>', reverse("admin:gong_call_change", args=[call_id]), anchor, label)


@admin.register(CoachingSession)
class CoachingSessionAdmin(VisibleModelAdmin):
    list_display = ["speaker_name", "call_page", "call_started", "role", "overall_score", "analyzer", "is_current"]
    list_filter = ["analyzer", "role", "is_current"]
    search_fields = ["speaker_name", "speaker_email", "call__id", "call__title"]
    list_select_related = ["call"]
    date_hierarchy = "call_started"
    readonly_fields = ["stats_json"]
    exclude = ["interaction_stats"]

    def visible_q(self, viewer: Viewer):
        return sessions_visible_q(viewer)

    @admin.display(description="Call", ordering="call__title")
    def call_page(self, obj: CoachingSession) -> str:
        return _call_link(obj.call_id, str(obj.call))

    @admin.display(description="Interaction stats")
    def stats_json(self, obj: CoachingSession) -> str:
        return json_details(obj.interaction_stats)


class ReviewedFilter(admin.SimpleListFilter):
    title = "manager review"
    parameter_name = "reviewed"

    def lookups(self, request, model_admin):
        return [("yes", "Reviewed"), ("no", "Unreviewed"), ("confirm", "To confirm (rubric changed)")]

    def queryset(self, request, queryset):
        if self.value() == "confirm":
            return queryset.filter(manager_score__isnull=False, override_needs_confirmation=True)
        if self.value() == "yes":
            return queryset.filter(manager_score__isnull=False)
        if self.value() == "no":
            return queryset.filter(manager_score__isnull=True)
        return queryset


@admin.register(DimensionScore)
class DimensionScoreAdmin(VisibleModelAdmin):
    list_display = ["session", "dimension", "score", "manager_score", "reviewed_by", "call_started", "call_page"]
    list_filter = [ReviewedFilter, "dimension", "score"]
    search_fields = ["session__speaker_name", "rationale"]
    list_select_related = ["session__call", "reviewed_by"]
    date_hierarchy = "call_started"

    def visible_q(self, viewer: Viewer):
        return scores_visible_q(viewer)

    @admin.display(description="Call page")
    def call_page(self, obj: DimensionScore) -> str:
        return _call_link(obj.session.call_id, "Review on call page", f"#score-{obj.pk}")


# Weekly reviews: the list plus each review's rendered report (the weekly-review module owns that admin).
admin.site.register(WeeklyReview, WeeklyReviewAdmin)
