"""Portal pages inside the admin: dashboard, rep, team, call (with manager review) and search.

Views are thin: resolve the viewer, call one selector (or the review service), render a template under
templates/admin/coaching/. Anything the viewer may not see is a 404, exactly like a missing id.
"""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from coaching.access import viewer_for_request
from coaching.calibration.outcomes import team_outcome_validity
from coaching.charts import line_chart
from coaching.selectors import (
    SearchCriteria,
    call_detail,
    call_get_for_viewer,
    call_search,
    call_search_export,
    dashboard_report,
    rep_report,
    reps_visible,
    team_report,
)
from coaching.selectors.dashboard import COST_ROLES
from coaching.services.links import rep_login_link
from coaching.services.review import score_override
from core.errors import ApplicationError, NotFound
from core.escaping import csv_cell
from knowledgebase.dimensions import DIMENSIONS, Dimension


def portal_nav(request: HttpRequest) -> list[dict]:
    """The portal's own tabs, by what the viewer has: their rep page, their team, search."""
    viewer = viewer_for_request(request)
    items = [("Dashboard", reverse("admin:index"))]
    if viewer.gong_user_id:
        items.append(("My scores", reverse("admin:gong_gonguser_change", args=[viewer.gong_user_id])))
        if viewer.report_ids or viewer.role == "manager":
            items.append(("My team", reverse("admin:gong_gonguser_team", args=[viewer.gong_user_id])))
    items.append(("Reps", reverse("admin:gong_gonguser_changelist")))
    items.append(("Search calls", reverse("admin:gong_call_search")))
    return [{"title": title, "url": url, "active": request.path == url} for title, url in items]


def _context(request: HttpRequest, admin_site, title: str, **extra) -> dict:
    return {**admin_site.each_context(request), "title": title, "portal_nav": portal_nav(request), **extra}


def _week_labels(weeks: list[dt.datetime]) -> list[str]:
    return [f"{week.isocalendar().year}-W{week.isocalendar().week:02d}" for week in weeks]


def _charts(trends, weeks: list[dt.datetime], *, threshold: float) -> list[tuple]:
    """(trend, inline SVG chart) per dimension."""
    labels = _week_labels(weeks)

    def chart(trend):
        values, counts = trend.weekly, trend.counts
        return line_chart(values=values, labels=labels, counts=counts, threshold=threshold, title=trend.label)

    return [(trend, chart(trend)) for trend in trends]


def may_view_calls(request: HttpRequest) -> bool:
    """Sidebar permission: the user may open call pages at all (row visibility is still per viewer)."""
    return request.user.has_perm("gong.view_call")


MODEL_LIST_ROLES = frozenset({"superuser", "ops", "staff"})


def may_see_model_list(request: HttpRequest) -> bool:
    """Sidebar "All applications" and the index's model list: coaching ops, staff and superusers only."""
    return viewer_for_request(request).role in MODEL_LIST_ROLES


def may_review(request: HttpRequest) -> bool:
    """Sidebar permission: the user's role may override scores (of someone)."""
    return viewer_for_request(request).role in {"superuser", "ops", "manager"}


def dashboard_callback(request: HttpRequest, context: dict) -> dict:
    """django-unfold DASHBOARD_CALLBACK: the coaching dashboard on the admin index."""
    viewer = viewer_for_request(request)
    context["coaching_dashboard"] = dashboard_report(viewer=viewer)
    context["portal_nav"] = portal_nav(request)
    context["show_model_list"] = viewer.role in MODEL_LIST_ROLES
    return context


def rep_page(request: HttpRequest, admin_site, rep_id: str) -> TemplateResponse:
    try:
        report = rep_report(viewer=viewer_for_request(request), rep_id=rep_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    charts = _charts(report.trends, report.weeks, threshold=settings.SKILL_GAP_THRESHOLD)
    viewer = viewer_for_request(request)
    context = _context(
        request,
        admin_site,
        f"Rep: {report.rep}",
        report=report,
        charts=charts,
        threshold=settings.SKILL_GAP_THRESHOLD,
        may_link=viewer.role in {"ops", "superuser"},
    )
    return TemplateResponse(request, "admin/coaching/rep_report.html", context)


def rep_link(request: HttpRequest, rep_id: str) -> HttpResponse:
    """POST: coaching ops set (or clear) the Django login linked to a rep."""
    url = reverse("admin:gong_gonguser_change", args=[rep_id])
    try:
        rep = rep_login_link(rep_id=rep_id, username=request.POST.get("username", ""), user=request.user)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(url)
    linked = rep.django_user.get_username() if rep.django_user else "no login"
    messages.success(request, f"{rep} is now linked to {linked}.")
    return HttpResponseRedirect(url)


def team_page(request: HttpRequest, admin_site, manager_id: str) -> TemplateResponse:
    try:
        report = team_report(viewer=viewer_for_request(request), manager_id=manager_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    charts = _charts(report.trends, report.weeks, threshold=report.threshold)
    context = _context(
        request, admin_site, f"Team of {report.manager}", report=report, charts=charts, dimensions=Dimension.choices
    )
    context["outcomes"] = team_outcome_validity(
        viewer=viewer_for_request(request), manager_id=report.manager.pk, rep_ids=[row.rep.pk for row in report.rows]
    )
    return TemplateResponse(request, "admin/coaching/team_report.html", context)


class OverrideForm(forms.Form):
    score_id = forms.IntegerField(min_value=1)
    call_started = forms.CharField(required=False)
    manager_score = forms.TypedChoiceField(
        choices=[("", "— AI score stands —")] + [(str(level), str(level)) for level in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def call_page(request: HttpRequest, admin_site, call_id: str) -> HttpResponse:
    viewer = viewer_for_request(request)
    if request.method == "POST":
        return _call_review(request, call_id)
    try:
        detail = call_detail(viewer=viewer, call_id=call_id, query=request.GET.get("q", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = _context(
        request, admin_site, detail.call.display_title, detail=detail, show_cost=viewer.role in COST_ROLES
    )
    return TemplateResponse(request, "admin/coaching/call_detail.html", context)


def _call_review(request: HttpRequest, call_id: str) -> HttpResponse:
    viewer = viewer_for_request(request)
    try:
        call = call_get_for_viewer(viewer=viewer, call_id=call_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = OverrideForm(request.POST)
    url = reverse("admin:gong_call_change", args=[call.pk])
    if not form.is_valid():
        messages.error(
            request, "The review was not saved: " + "; ".join(e for errors in form.errors.values() for e in errors)
        )
        return HttpResponseRedirect(url)
    data = form.cleaned_data
    started = parse_datetime(data["call_started"]) if data["call_started"] else None
    try:
        score = score_override(
            score_id=data["score_id"],
            call_started=started,
            manager_score=data["manager_score"],
            note=data["note"],
            user=request.user,
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(f"{url}#score-{data['score_id']}")
    verb = "cleared" if score.manager_score is None else f"set to {score.manager_score}"
    messages.success(
        request,
        f"Manager score for {score.get_dimension_display()} {verb}; the AI score ({score.score or 'N/A'}) is kept.",
    )
    return HttpResponseRedirect(f"{url}#score-{score.pk}")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def criteria_from(request: HttpRequest) -> SearchCriteria:
    params = request.GET
    return SearchCriteria(
        rep_id=params.get("rep", "").strip(),
        account=params.get("account", "").strip(),
        date_from=_date(params.get("from")),
        date_to=_date(params.get("to")),
        dimension=params.get("dimension", "") if params.get("dimension", "") in DIMENSIONS else "",
        score_min=_int(params.get("min")),
        score_max=_int(params.get("max")),
        words=params.get("words", "").strip()[:200],
        reviewed=params.get("reviewed", "") if params.get("reviewed", "") in {"yes", "no"} else "",
    )


def search_page(request: HttpRequest, admin_site) -> TemplateResponse:
    viewer = viewer_for_request(request)
    criteria = criteria_from(request)
    results = call_search(viewer=viewer, criteria=criteria, page=_int(request.GET.get("page")) or 1)
    query = request.GET.copy()
    query.pop("page", None)
    context = _context(
        request,
        admin_site,
        "Search calls",
        results=results,
        criteria=criteria,
        reps=list(
            reps_visible(viewer=viewer)
            .filter(active=True)
            .order_by("first_name", "last_name")
            .only("id", "first_name", "last_name", "email")
        ),
        dimensions=Dimension.choices,
        querystring=query.urlencode(),
    )
    return TemplateResponse(request, "admin/coaching/search.html", context)


class _Echo:
    def write(self, value: str) -> str:
        return value


def search_export(request: HttpRequest, admin_site) -> StreamingHttpResponse:
    """CSV of the search: the same visibility as the page (visible calls, visible scores only)."""
    rows = call_search_export(viewer=viewer_for_request(request), criteria=criteria_from(request))
    columns = ["call_id", "started", "title", "account", "host", "gong_url", *DIMENSIONS]
    writer = csv.DictWriter(_Echo(), fieldnames=columns)

    def stream():
        yield writer.writeheader()
        for row in rows:  # titles, accounts, names come from Gong / the CRM: never a formula in a spreadsheet
            yield writer.writerow({key: csv_cell(value) for key, value in row.items()})

    response = StreamingHttpResponse(stream(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="callcoach-calls.csv"'
    return response
