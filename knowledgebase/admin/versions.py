"""What rubric and document versions share in the admin: drafts editable by ops, published versions read-only,
publish / roll back / compare as buttons and list actions that call the services, never a 500 on a bad edit."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin
from unfold.decorators import action

from core.errors import ApplicationError
from knowledgebase.admin.access import KnowledgePermissionsMixin, kb_can_edit
from knowledgebase.models import VersionStatus


class VersionAdmin(KnowledgePermissionsMixin, ModelAdmin):
    """Subclasses set `parent` ("rubric" | "document") and implement the service hooks below."""

    parent: str = ""
    list_per_page = 50
    actions = ["publish_selected", "rollback_to_selected"]
    actions_detail = ["publish_detail", "rollback_detail", "compare_detail", "new_draft_detail"]

    # --- hooks -----------------------------------------------------------------------------------------
    def publish(self, *, version, user):
        raise NotImplementedError

    def rollback(self, *, version, user):
        raise NotImplementedError

    def change_summary(self, *, version) -> list[str]:
        """What publishing / rolling back to `version` would change compared with the active version."""
        return []

    # --- permissions: a published version is immutable -----------------------------------------------
    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.status == VersionStatus.PUBLISHED:
            return False
        return super().has_change_permission(request, obj)

    # --- saving goes through the services ------------------------------------------------------------
    def save_model(self, request, obj, form, change) -> None:
        """Nothing to do: `save_form` already saved through a service."""

    def save_related(self, request, form, formsets, change) -> None:
        """Versions have no related objects edited in the form."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ApplicationError as exc:  # a race (e.g. published meanwhile): say so, never a 500
            self.message_user(request, exc.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "_kb_existing", False):
            self.message_user(request, f"No changes: the content is identical to {obj} ({obj.status}).")
            return HttpResponseRedirect(self._object_url(obj))
        self.message_user(request, f"Draft {obj} saved. Review the changes, then publish.", messages.SUCCESS)
        return HttpResponseRedirect(self._diff_url(obj))

    def response_change(self, request, obj):
        self.message_user(request, f"Draft {obj} updated. Review the changes, then publish.", messages.SUCCESS)
        return HttpResponseRedirect(self._diff_url(obj))

    # --- display helpers -------------------------------------------------------------------------------
    def _parent(self, version):
        return getattr(version, self.parent)

    def _object_url(self, version) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[version.pk])

    def _diff_url(self, version, *, old_id: int | None = None) -> str:
        parent = self._parent(version)
        url = reverse(f"admin:knowledgebase_{self.parent}_diff", args=[parent.pk])
        old_id = old_id or parent.active_version_id or version.pk
        return f"{url}?old={old_id}&new={version.pk}"

    @admin.display(description="Active", boolean=True)
    def is_active(self, obj) -> bool:
        return self._parent(obj).active_version_id == obj.pk

    @admin.display(description="SHA-256")
    def sha_short(self, obj) -> str:
        return format_html('<code title="{}">{}…</code>', obj.sha256, obj.sha256[:12])

    # --- publish / roll back ---------------------------------------------------------------------------
    def _confirm(self, request: HttpRequest, object_id: str, *, kind: str) -> HttpResponse:
        version = self.get_object(request, object_id)
        if version is None:
            raise Http404("No such version.")
        if not kb_can_edit(request.user):
            raise PermissionDenied
        parent = self._parent(version)
        if kind == "publish":
            allowed, refusal = version.status == VersionStatus.DRAFT, f"{version} is already published."
        else:
            allowed = version.status == VersionStatus.PUBLISHED and parent.active_version_id != version.pk
            refusal = (
                f"{version} is a draft: publish it instead."
                if version.status == VersionStatus.DRAFT
                else f"{version} is already the active version."
            )
        if request.method == "POST" and allowed:
            try:
                (self.publish if kind == "publish" else self.rollback)(version=version, user=request.user)
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return HttpResponseRedirect(self._object_url(version))
            verb = "published and is now active" if kind == "publish" else "is active again (rolled back)"
            self.message_user(request, f"{version} {verb}.", messages.SUCCESS)
            return HttpResponseRedirect(reverse(f"admin:knowledgebase_{self.parent}_change", args=[parent.pk]))
        title = f"Publish {version}" if kind == "publish" else f"Roll back {parent} to v{version.number}"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "version": version,
            "explanation": (
                f"Publishing makes v{version.number} the active version of {parent}. Published versions can never be "
                "changed; new analyses use it from now on, and scores already made keep the version they used."
                if kind == "publish"
                else f"v{version.number} becomes the active version of {parent} again; no version is changed."
            ),
            "summary": self.change_summary(version=version) if parent.active_version_id else [],
            "diff_url": self._diff_url(version) if parent.active_version_id else "",
            "allowed": allowed,
            "refusal": refusal,
            "button": "Publish" if kind == "publish" else "Roll back",
            "object_url": self._object_url(version),
            "changelist_url": reverse(f"admin:knowledgebase_{self.model._meta.model_name}_changelist"),
        }
        return TemplateResponse(request, "admin/knowledgebase/confirm.html", context)

    @action(description="Publish", permissions=["kb_edit"], url_path="publish", icon="publish")
    def publish_detail(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._confirm(request, object_id, kind="publish")

    @action(description="Roll back to this version", permissions=["kb_edit"], url_path="rollback", icon="history")
    def rollback_detail(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._confirm(request, object_id, kind="rollback")

    @action(description="Compare with active", url_path="compare", icon="difference")
    def compare_detail(self, request: HttpRequest, object_id: str) -> HttpResponse:
        version = self.get_object(request, object_id)
        if version is None:
            raise Http404("No such version.")
        return HttpResponseRedirect(self._diff_url(version))

    @action(description="Edit as new draft", permissions=["kb_edit"], url_path="new-draft", icon="edit")
    def new_draft_detail(self, request: HttpRequest, object_id: str) -> HttpResponse:
        version = self.get_object(request, object_id)
        if version is None:
            raise Http404("No such version.")
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        return HttpResponseRedirect(f"{url}?{self.parent}={self._parent(version).pk}&from={version.pk}")

    @admin.action(description="Publish selected drafts", permissions=["kb_edit"])
    def publish_selected(self, request: HttpRequest, queryset) -> None:
        published = 0
        for version in queryset.filter(status=VersionStatus.DRAFT).order_by("number"):
            try:
                self.publish(version=version, user=request.user)
                published += 1
            except ApplicationError as exc:
                self.message_user(request, exc.message, messages.ERROR)
        skipped = queryset.exclude(status=VersionStatus.DRAFT).count()
        note = f" ({skipped} already published, left as they are)" if skipped else ""
        self.message_user(request, f"Published {published} draft(s){note}.", messages.SUCCESS)

    @admin.action(description="Roll back to the selected version", permissions=["kb_edit"])
    def rollback_to_selected(self, request: HttpRequest, queryset) -> None:
        versions = list(queryset[:2])
        if len(versions) != 1:
            self.message_user(request, "Select exactly one published version to roll back to.", messages.WARNING)
            return
        try:
            self.rollback(version=versions[0], user=request.user)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"{versions[0]} is the active version.", messages.SUCCESS)
