"""What the rubric and document admins share: the edit-as-draft and compare buttons, the diff page between two
versions (publish / keep editing a draft from there), and service errors shown as messages, never a 500."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from unfold.admin import ModelAdmin
from unfold.decorators import action

from core.errors import ApplicationError, NotFound
from knowledgebase.admin.access import KnowledgePermissionsMixin, kb_can_edit
from knowledgebase.models import VersionStatus


def versions_compared(request: HttpRequest, versions: list, active_id: int | None) -> tuple:
    """(old, new) for a diff page: ?old=&new= if given, else the active version vs the newest one."""
    by_id = {version.pk: version for version in versions}
    try:
        new = by_id.get(int(request.GET.get("new", 0))) or versions[0]
        old = by_id.get(int(request.GET.get("old", 0))) or by_id.get(active_id) or versions[-1]
    except ValueError as exc:
        raise Http404("Bad version id.") from exc
    if old.pk == new.pk and len(versions) > 1:
        old = next(version for version in versions if version.pk != new.pk)
    return old, new


class ParentAdmin(KnowledgePermissionsMixin, ModelAdmin):
    """Subclasses set `kind` ("rubric" | "document") and implement `versions_of` and `version_diff`."""

    kind: str = ""

    def versions_of(self, obj) -> list:
        raise NotImplementedError

    def version_diff(self, *, old_id: int, new_id: int):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_urls(self):
        view = self.admin_site.admin_view(self.diff_view)
        return [path("<path:object_id>/diff/", view, name=f"knowledgebase_{self.kind}_diff"), *super().get_urls()]

    def new_draft_redirect(self, object_id: str) -> HttpResponse:
        url = reverse(f"admin:knowledgebase_{self.kind}version_add")
        return HttpResponseRedirect(f"{url}?{self.kind}={object_id}")

    @action(description="Compare versions", url_path="compare", icon="difference")
    def compare_versions(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return HttpResponseRedirect(reverse(f"admin:knowledgebase_{self.kind}_diff", args=[object_id]))

    def diff_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_permission(request, obj):
            raise Http404(f"No such {self.kind}.")
        versions = list(self.versions_of(obj))
        if not versions:
            self.message_user(request, f"This {self.kind} has no versions yet.", messages.WARNING)
            return HttpResponseRedirect(reverse(f"admin:knowledgebase_{self.kind}_change", args=[obj.pk]))
        old, new = versions_compared(request, versions, obj.active_version_id)
        try:
            diff = self.version_diff(old_id=old.pk, new_id=new.pk)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta, "title": f"Compare versions of {obj}", self.kind: obj, "diff": diff,
            "versions": versions, "old_id": old.pk, "new_id": new.pk, "active_id": obj.active_version_id,
            "actions": self._draft_actions(request, new),
        }  # fmt: skip
        return TemplateResponse(request, f"admin/knowledgebase/{self.kind}_diff.html", context)

    def _draft_actions(self, request: HttpRequest, new) -> list[dict]:
        if new.status != VersionStatus.DRAFT or not kb_can_edit(request.user):
            return []
        version = f"admin:knowledgebase_{self.kind}version"
        return [
            {"label": f"Publish v{new.number}", "url": reverse(f"{version}_publish_detail", args=[new.pk]),
             "primary": True},
            {"label": f"Keep editing v{new.number}", "url": reverse(f"{version}_change", args=[new.pk])},
        ]  # fmt: skip
