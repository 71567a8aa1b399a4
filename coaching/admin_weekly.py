"""Admin for weekly reviews: the list (visible reviews only) and each review's rendered report.

Registered by coaching/admin/results.py: `from coaching.admin_weekly import WeeklyReviewAdmin` and
`admin.site.register(WeeklyReview, WeeklyReviewAdmin)` in place of the plain list admin there.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from coaching.access import Viewer, weekly_reviews_visible_q
from coaching.admin.visibility import VisibleModelAdmin
from coaching.models import WeeklyReview
from coaching.weekly.render import review_context
from core.admin_display import json_details


class WeeklyReviewAdmin(VisibleModelAdmin):
    list_display = ["week", "scope", "subject", "calls", "gaps", "sent_at", "report_link"]
    list_filter = ["scope", "week"]
    search_fields = ["week", "subject__first_name", "subject__last_name", "subject__email"]
    list_select_related = ["subject"]
    raw_id_fields = ["subject"]
    readonly_fields = ["report_link", "metrics_json", "trends_json"]
    exclude = ["metrics", "trends", "report_html", "report_text"]

    def visible_q(self, viewer: Viewer):
        """Only reviews of people the user may see (a manager: own team's and reports'; a rep: their own)."""
        return weekly_reviews_visible_q(viewer)

    def get_urls(self):
        view = self.admin_site.admin_view(self.report_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_report"
        return [path("<int:object_id>/report/", view, name=name), *super().get_urls()]

    def report_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        """The review as its manager received it (`?raw=1`: the exact stored email HTML)."""
        review = self.get_queryset(request).filter(pk=object_id).first()
        if review is None or not self.has_view_permission(request, review):
            raise Http404("No such review")
        if request.GET.get("raw") == "1":
            return HttpResponse(review.report_html or "<p>Not rendered yet.</p>")
        context = {
            **self.admin_site.each_context(request),
            **review_context(metrics=review.metrics, trends=review.trends, skill_gaps=review.skill_gaps),
            "opts": self.opts,
            "original": review,
            "review": review,
            "title": f"{review.get_scope_display()} review {review.week}: {review.subject}",
        }
        return TemplateResponse(request, "admin/coaching/weeklyreview/report.html", context)

    @admin.display(description="Calls")
    def calls(self, obj: WeeklyReview) -> int | str:
        return (obj.metrics.get("volume") or {}).get("calls", "–")

    @admin.display(description="Skill gaps")
    def gaps(self, obj: WeeklyReview) -> str:
        return ", ".join(gap["dimension"].replace("_", " ") for gap in obj.skill_gaps) or "–"

    @admin.display(description="Report")
    def report_link(self, obj: WeeklyReview) -> str:
        if obj.pk is None:
            return "–"
        url = reverse(f"{self.admin_site.name}:coaching_weeklyreview_report", args=[obj.pk])
        return format_html('<a href="{}">View report</a>', url)

    @admin.display(description="Metrics")
    def metrics_json(self, obj: WeeklyReview) -> str:
        return json_details(obj.metrics)

    @admin.display(description="Trends")
    def trends_json(self, obj: WeeklyReview) -> str:
        return json_details(obj.trends)
