"""Admin pages for ops: Costs, Pipeline, Gong quota. Mounted under /admin/ops/ and wrapped in
admin.site.admin_view (login, staff); only superusers and the coaching ops / staff groups may open them."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from analysis import reports
from analysis.services import budget_state
from coaching.access import viewer_for_request
from coaching.calibration.agreement import scorecard_agreement_report
from coaching.charts import Bar, bars, column_chart
from core.display import count_display, date_display, money_display, month_display, percent_display
from gong.reports import gong_quota_report
from ops import selectors as pipeline
from ops.conf import ops_setting
from ops.metrics_read import counter_total
from ops.permissions import request_is_ops, user_may_operate
from ops.services import calls_retry

TABS = (("ops:costs", "Costs"), ("ops:pipeline", "Pipeline"), ("ops:gong_quota", "Gong quota"))


def _render(request: HttpRequest, template: str, title: str, context: dict) -> TemplateResponse:
    if not request_is_ops(request):
        raise PermissionDenied("Ops pages are for coaching ops and staff")
    tabs = [{"url": reverse(name), "title": label, "active": label == title} for name, label in TABS]
    base = {**admin.site.each_context(request), "title": title, "ops_tabs": tabs}
    return TemplateResponse(request, template, {**base, **context})


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _window(request: HttpRequest) -> tuple[dt.datetime, dt.datetime]:
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (end inclusive); this month to date by default."""
    month_start, _ = reports.month_bounds()
    start_day = _date(request.GET.get("start")) or month_start.date()
    end_day = _date(request.GET.get("end")) or timezone.localdate()
    if end_day < start_day:
        start_day, end_day = end_day, start_day
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(start_day, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(end_day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


def _slices(slices: list[reports.CostSlice]) -> list[tuple[reports.CostSlice, Bar]]:
    drawn = bars((s.label, s.cost_usd, money_display(s.cost_usd)) for s in slices)
    return list(zip(slices, drawn, strict=True))


BUCKETS = {"day": ("US$ per day", date_display, ""), "week": ("US$ per week", date_display, "Week of "),
           "month": ("US$ per month", month_display, "")}  # fmt: skip


def _cost_chart(series: list[reports.CostBucket], *, bucket: str, title: str):
    """A column chart of Claude cost per bucket, in the portal's chart style, with $ on the axis and tooltips."""
    axis, label_of, prefix = BUCKETS[bucket]
    labels = [label_of(b.start) for b in series]
    tips = [
        f"{prefix}{label}: {money_display(b.cost_usd)} from {count_display(b.requests)} "
        f"request{'' if b.requests == 1 else 's'}"
        for label, b in zip(labels, series, strict=True)
    ]
    return column_chart(
        values=[b.cost_usd for b in series],
        labels=labels,
        tips=tips,
        axis=axis,
        legend="Claude cost (sum of ledger rows)",
        tick=money_display,
        title=title,
    )


@require_http_methods(["GET"])
def costs(request: HttpRequest) -> HttpResponse:
    start, end = _window(request)
    now = timezone.now()
    daily = reports.cost_series_report(start=start, end=end, bucket="day")
    weeks = reports.cost_series_report(start=now - dt.timedelta(weeks=11), end=now, bucket="week")
    months = reports.cost_series_report(start=now - dt.timedelta(days=334), end=now, bucket="month")
    summary = reports.cost_summary_report(start=start, end=end)
    context = {
        "start": start.date(),
        "end": (end - dt.timedelta(days=1)).date(),
        "summary": summary,
        "projection": reports.month_projection_report(now=now),
        "budget": budget_state(),
        "result_cache": reports.result_cache_report(start=start, end=end),
        "daily_chart": _cost_chart(daily, bucket="day", title="Claude cost per day"),
        "weekly_chart": _cost_chart(weeks, bucket="week", title="Claude cost per week, last 12 weeks"),
        "monthly_chart": _cost_chart(months, bucket="month", title="Claude cost per month, last 12 months"),
        "weeks": weeks,
        "months": months,
        "by_model": _slices(reports.cost_by_report(start=start, end=end, dimension="model")),
        "by_purpose": _slices(reports.cost_by_report(start=start, end=end, dimension="purpose")),
        "by_mode": _slices(reports.cost_by_report(start=start, end=end, dimension="mode")),
        "by_cache_ttl": _slices(reports.cost_by_report(start=start, end=end, dimension="cache_ttl")),
        "by_team": _slices(reports.cost_by_team_report(start=start, end=end)),
        "top_calls": reports.expensive_calls_report(start=start, end=end, limit=10),
        "agreement": scorecard_agreement_report(),
    }
    return _render(request, "admin/ops/costs.html", "Costs", context)


@require_http_methods(["GET", "POST"])
def pipeline_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _retry(request)
    stuck_after = dt.timedelta(minutes=ops_setting("OPS_STUCK_AFTER_MINUTES"))
    status = request.GET.get("status", "")
    viewer = viewer_for_request(request)
    context = {
        "counts": pipeline.status_counts_report(),
        "stuck_after_s": stuck_after.total_seconds(),
        "stuck": pipeline.stuck_calls_report(viewer=viewer, older_than=stuck_after),
        "failed": pipeline.failed_calls_report(viewer=viewer, limit=50),
        "held": pipeline.held_calls_report(viewer=viewer, limit=50),
        "recent": pipeline.recent_timelines_report(viewer=viewer, limit=30, status=status),
        "status_filter": status,
        "failed_tasks": pipeline.failed_tasks_report(limit=30),
        "stages": [pipeline.STAGE_LABELS[stage] for stage in pipeline.STAGES],
        "stage_durations": pipeline.stage_durations_report(since=timezone.now() - dt.timedelta(days=7)),
        "may_retry": user_may_operate(request.user),
    }
    return _render(request, "admin/ops/pipeline.html", "Pipeline", context)


def _retry(request: HttpRequest) -> HttpResponse:
    if not user_may_operate(request.user):
        raise PermissionDenied("Only coaching ops may retry calls")
    outcomes, refused = calls_retry(call_ids=request.POST.getlist("call_id"))
    for outcome in outcomes:
        text = f"Call {outcome.call_id}: sent back to {outcome.action} (was {outcome.previous_status})"
        messages.success(request, text)
    for call_id, reason in refused.items():
        messages.warning(request, f"Call {call_id}: {reason}")
    return HttpResponseRedirect(reverse("ops:pipeline"))


@require_http_methods(["GET"])
def gong_quota(request: HttpRequest) -> HttpResponse:
    quota = gong_quota_report(warn_ratio=ops_setting("OPS_GONG_QUOTA_WARN_RATIO"))
    context = {
        "quota": quota,
        "used_percent": round((quota.used_ratio or 0) * 100, 1),  # the bar's width
        "used_text": percent_display(quota.used_ratio or 0),
        "spacing_ms": quota.spacing_s * 1000,
        "rate_limited": counter_total("callcoach_gong_requests", status="429"),
        "requests_by_status": counter_total("callcoach_gong_requests", by="status"),
    }
    return _render(request, "admin/ops/gong_quota.html", "Gong quota", context)
