"""The rubric draft preview page (knowledge-base admin → a draft → "Preview on recent calls")."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse

from coaching.services.rubric_preview import rubric_draft_rescore
from core.errors import NotFound


def rubric_draft_rescore_page(request: HttpRequest, admin_site, version_id: int) -> TemplateResponse:
    """settings.KB_RUBRIC_PREVIEW_VIEW: the knowledge-base admin checks the permission and calls this."""
    try:
        preview = rubric_draft_rescore(version_id=version_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {
        **admin_site.each_context(request),
        "title": f"Preview: {preview.version.rubric.name} v{preview.version.number} on recent calls",
        "preview": preview,
        "version_url": reverse("admin:knowledgebase_rubricversion_change", args=[version_id]),
        "form_url": reverse("admin:knowledgebase_rubricversion_form", args=[version_id]),
    }
    return TemplateResponse(request, "admin/knowledgebase/rubric_rescore.html", context)
