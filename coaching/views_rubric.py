"""The rubric draft preview page (knowledge-base admin → a draft → "Preview on recent calls"): the offline
re-score of recent calls ($0), and on request the same with Claude — choose calls, see the estimate, run, see how
scores would move and what it cost. The Claude run is a queue task (coaching.services.rubric_preview_jobs): the
result page shows its progress and refreshes itself until it is done; a double submit or a reload reuses the same
preview and spends nothing again. Never stored as scores."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode

from coaching.models import PreviewStatus
from coaching.selectors.rubric_previews import rubric_preview_get_for_editor, rubric_preview_latest_for_editor
from coaching.services.rubric_preview import rubric_draft_rescore
from coaching.services.rubric_preview_claude import (
    CLAUDE_DEFAULT,
    CLAUDE_MAX,
    claude_unavailable,
    preview_calls,
    rubric_preview_claude_plan,
)
from coaching.services.rubric_preview_jobs import rubric_preview_claude_start
from core.errors import ApplicationError, NotFound
from knowledgebase.selectors import rubric_version_get

REFRESH_S = 5  # the result page reloads itself this often while the preview runs


def _score_ids(values: list[str]) -> list[int]:
    return [int(value) for value in values if value.isdigit()][: CLAUDE_MAX + 1]


def _run(request: HttpRequest, version_id: int) -> HttpResponse:
    ids = _score_ids(request.POST.getlist("score"))
    try:
        preview = rubric_preview_claude_start(version_id=version_id, score_ids=ids, editor_id=request.user.pk)
    except ApplicationError as exc:
        messages.error(request, f"Not run: {exc.message}")
        return HttpResponseRedirect(f"{request.path}?{urlencode({'claude': 'estimate', 'score': ids}, doseq=True)}")
    return HttpResponseRedirect(f"{request.path}?{urlencode({'claude': 'result', 'preview': preview.pk})}")


def _result(request: HttpRequest, version_id: int) -> dict:
    """The editor's preview as the page shows it (NotFound for another editor's or a missing one)."""
    preview_id = request.GET.get("preview", "")
    if not preview_id.isdigit():
        raise NotFound("No such Claude preview.")
    preview = rubric_preview_get_for_editor(
        preview_id=int(preview_id), version_id=version_id, editor_id=request.user.pk
    )
    result = {
        **preview.result,
        "preview": preview,
        "running": preview.status in (PreviewStatus.QUEUED, PreviewStatus.RUNNING),
    }
    rows = result.get("calls", [])
    for row in rows:
        row["started_at"] = parse_datetime(row["started"])
        for item in row["dimensions"]:
            now, draft = item["now"], item["draft"]
            item["change"] = None if now is None or draft is None else draft - now
    result["ran"] = parse_datetime(result["ran_at"]) if result.get("ran_at") else None
    result["moved"] = sum(1 for row in rows for item in row["dimensions"] if item["change"])
    result["score_ids"] = preview.score_ids
    return result


def rubric_draft_rescore_page(request: HttpRequest, admin_site, version_id: int) -> HttpResponse:
    """settings.KB_RUBRIC_PREVIEW_VIEW: the knowledge-base admin checks the permission and calls this."""
    try:
        if request.method == "POST":
            return _run(request, version_id)
        version = rubric_version_get(version_id=version_id)
        mode = request.GET.get("claude", "")
        context = {"mode": mode, "version": version, "unavailable": claude_unavailable()}
        if mode == "estimate":
            context["plan"] = rubric_preview_claude_plan(
                version_id=version_id, score_ids=_score_ids(request.GET.getlist("score"))
            )
        elif mode == "result":
            context["result"] = result = _result(request, version_id)
            context["refresh_s"] = REFRESH_S if result["running"] else None
        else:
            context["preview"] = rubric_draft_rescore(version_id=version_id)
            context["choices"] = preview_calls(version_id=version_id)
            context["last"] = rubric_preview_latest_for_editor(version_id=version_id, editor_id=request.user.pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context.update(
        admin_site.each_context(request),
        title=f"Preview: {version.rubric.name} v{version.number} on recent calls",
        claude_default=CLAUDE_DEFAULT,
        claude_max=CLAUDE_MAX,
        page_url=request.path,
        version_url=reverse("admin:knowledgebase_rubricversion_change", args=[version_id]),
        form_url=reverse("admin:knowledgebase_rubricversion_form", args=[version_id]),
    )
    return TemplateResponse(request, "admin/knowledgebase/rubric_rescore.html", context)
