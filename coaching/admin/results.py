"""Coaching sessions, dimension scores (with reviewed / unreviewed filters) and weekly reviews."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from coaching.access import Viewer, scores_visible_q, sessions_visible_q
from coaching.admin.visibility import VisibleModelAdmin
from coaching.admin_weekly import WeeklyReviewAdmin
from coaching.models import CoachingSession, DimensionScore, WeeklyReview
from coaching.selectors.stats import stats_view
from core.display import clock


def _moments(items, *, text_key: str, empty: str = "—") -> str:
    """Time-stamped items (key moments, evidence quotes) as "m:ss — text" lines: never raw milliseconds."""
    rows = [
        (clock(item.get("start_ms")) or "—", item.get(text_key) or "") for item in items or [] if isinstance(item, dict)
    ]
    return format_html_join("", "<div>{} — {}</div>", rows) if rows else empty


def _call_link(call_id: str, label: str, anchor: str = "") -> str:
    return format_html('<a href="{}{}">{}</a>', reverse("admin:gong_call_change", args=[call_id]), anchor, label)


@admin.register(CoachingSession)
class CoachingSessionAdmin(VisibleModelAdmin):
    list_display = ["speaker_name", "call_page", "call_started", "role", "overall_score", "analyzer", "is_current"]
    list_filter = ["analyzer", "role", "is_current"]
    search_fields = ["speaker_name", "speaker_email", "call__id", "call__title"]
    list_select_related = ["call"]
    date_hierarchy = "call_started"
    readonly_fields = ["stats_table", "moments"]
    exclude = ["interaction_stats", "key_moments"]

    def visible_q(self, viewer: Viewer):
        return sessions_visible_q(viewer)

    @admin.display(description="Call", ordering="call__title")
    def call_page(self, obj: CoachingSession) -> str:
        return _call_link(obj.call_id, str(obj.call))

    @admin.display(description="Interaction stats")
    def stats_table(self, obj: CoachingSession) -> str:
        """The stats in the portal's units (talk ratio %, durations m:ss) against their published ranges."""
        rows = [(stat.label, stat.display, stat.target) for stat in stats_view(obj.interaction_stats)]
        return format_html(
            "<table>{}</table>", format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        )

    @admin.display(description="Key moments")
    def moments(self, obj: CoachingSession) -> str:
        return _moments(obj.key_moments, text_key="title")


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
    readonly_fields = ["quotes"]
    exclude = ["evidence"]

    def visible_q(self, viewer: Viewer):
        return scores_visible_q(viewer)

    @admin.display(description="Evidence")
    def quotes(self, obj: DimensionScore) -> str:
        return _moments(obj.evidence, text_key="quote")

    @admin.display(description="Call page")
    def call_page(self, obj: DimensionScore) -> str:
        return _call_link(obj.session.call_id, "Review on call page", f"#score-{obj.pk}")


# Weekly reviews: the list plus each review's rendered report (the weekly-review module owns that admin).
admin.site.register(WeeklyReview, WeeklyReviewAdmin)
