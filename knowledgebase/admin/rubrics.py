"""Rubric admin: find a rubric, edit it as a new draft (YAML), compare versions, publish, roll back."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.module_loading import import_string
from unfold.admin import TabularInline
from unfold.decorators import action

from knowledgebase.admin.access import ReadOnlyVersionsInline, kb_can_edit
from knowledgebase.admin.forms import RubricVersionForm
from knowledgebase.admin.parents import ParentAdmin
from knowledgebase.admin.rubric_form_view import rubric_form_page
from knowledgebase.admin.versions import VersionAdmin
from knowledgebase.formats import rubric_content_yaml
from knowledgebase.models import Rubric, RubricVersion, VersionStatus
from knowledgebase.selectors import rubric_version_diff, rubric_version_list
from knowledgebase.services import (
    rubric_create,
    rubric_rollback,
    rubric_update,
    rubric_version_create_draft,
    rubric_version_publish,
    rubric_version_update_draft,
)

RUBRIC_FIELDS = ["key", "name", "dimension", "role", "call_type", "description"]


def rubric_preview_html(content: dict) -> str:
    total = sum(criterion.get("weight", 0) for criterion in content.get("criteria", []))
    return render_to_string("admin/knowledgebase/_rubric_preview.html", {"content": content, "total_weight": total})


def version_link(version: RubricVersion | None) -> str:
    if version is None:
        return "—"
    url = reverse("admin:knowledgebase_rubricversion_change", args=[version.pk])
    return format_html('<a href="{}">v{}</a>', url, version.number)


class RubricVersionInline(ReadOnlyVersionsInline, TabularInline):
    model = RubricVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["version", "status", "active", "change_note", "author", "created_at", "published_at"]
    readonly_fields = fields
    ordering = ["-number"]

    @admin.display(description="Version")
    def version(self, obj: RubricVersion) -> str:
        return version_link(obj)

    @admin.display(description="Active", boolean=True)
    def active(self, obj: RubricVersion) -> bool:
        return obj.rubric.active_version_id == obj.pk


@admin.register(Rubric)
class RubricAdmin(ParentAdmin):
    kind = "rubric"
    list_display = ["name", "key", "dimension", "scope", "active", "updated_at"]
    list_filter = ["dimension", "role", "call_type"]
    search_fields = ["name", "key", "description"]
    list_select_related = ["active_version"]
    inlines = [RubricVersionInline]
    actions_detail = ["edit_rubric", "compare_versions"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        return RUBRIC_FIELDS if obj is None else [*RUBRIC_FIELDS, "active", "active_preview"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["key", "active", "active_preview"]

    @admin.display(description="Scope")
    def scope(self, obj: Rubric) -> str:
        return " · ".join(filter(None, [obj.role, obj.call_type])) or "generic"

    @admin.display(description="Active version")
    def active(self, obj: Rubric) -> str:
        return version_link(obj.active_version)

    @admin.display(description="Active criteria")
    def active_preview(self, obj: Rubric) -> str:
        return rubric_preview_html(obj.active_version.content) if obj.active_version else "No published version yet."

    def save_model(self, request, obj: Rubric, form, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in RUBRIC_FIELDS if name in form.cleaned_data}
        if change:
            values.pop("key", None)
            rubric = rubric_update(rubric_id=obj.pk, **values)
        else:
            rubric = rubric_create(**values)
        obj.pk, obj.role = rubric.pk, rubric.role

    def versions_of(self, obj) -> list:
        return list(rubric_version_list(rubric_id=obj.pk))

    def version_diff(self, *, old_id: int, new_id: int):
        return rubric_version_diff(old_id=old_id, new_id=new_id)

    @action(description="Edit (new draft)", permissions=["kb_edit"], url_path="edit", icon="edit")
    def edit_rubric(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self.new_draft_redirect(object_id)


@admin.register(RubricVersion)
class RubricVersionAdmin(VersionAdmin):
    parent = "rubric"
    form = RubricVersionForm
    list_display = ["__str__", "rubric", "number", "status", "is_active", "sha_short", "author", "created_at"]
    list_filter = ["status", "rubric__dimension", "rubric"]
    search_fields = ["rubric__name", "rubric__key", "change_note", "sha256"]
    list_select_related = ["rubric", "author"]
    readonly_info = ["rubric_link", "number", "status", "is_active", "sha256", "author", "created_at", "published_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["rubric", "change_note", "content_yaml"]})]
        if obj.status == VersionStatus.DRAFT and kb_can_edit(request.user):
            return [
                (None, {"fields": ["rubric_link", "number", "status", "editor", "change_note"]}),
                ("Advanced: content as YAML", {"fields": ["content_yaml"]}),
                ("Preview (as saved)", {"fields": ["preview"]}),
            ]
        return [
            (None, {"fields": [*self.readonly_info, "change_note"]}),
            ("Preview", {"fields": ["preview"]}),
            ("Content (YAML)", {"fields": ["content_yaml_display"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_info, "preview", "content_yaml_display", "editor"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """Pre-fill a new draft from ?from=<version> or the rubric's newest version (?rubric=<id>)."""
        initial = super().get_changeform_initial_data(request)
        versions = RubricVersion.objects.select_related("rubric").order_by("-number")
        source = None
        if request.GET.get("from", "").isdigit():
            source = versions.filter(pk=request.GET["from"]).first()
        elif request.GET.get("rubric", "").isdigit():
            source = versions.filter(rubric_id=request.GET["rubric"]).first()
        if source is not None:
            initial.update({"rubric": source.rubric_id, "content_yaml": rubric_content_yaml(source.content)})
        initial.pop("from", None)
        return initial

    @admin.display(description="Editor")
    def editor(self, obj: RubricVersion) -> str:
        form = reverse("admin:knowledgebase_rubricversion_form", args=[obj.pk])
        preview = reverse("admin:knowledgebase_rubricversion_rescore", args=[obj.pk])
        return format_html(
            '<a class="kb-button kb-primary" href="{}">Edit as a form</a> '
            '<a class="kb-button" href="{}">Preview on recent calls</a> '
            '<span class="kb-muted">or edit the YAML below (advanced)</span>',
            form,
            preview,
        )

    def get_urls(self):
        form = self.admin_site.admin_view(self.form_view)
        rescore = self.admin_site.admin_view(self.rescore_view)
        return [
            path("<path:object_id>/form/", form, name="knowledgebase_rubricversion_form"),
            path("<path:object_id>/rescore/", rescore, name="knowledgebase_rubricversion_rescore"),
            *super().get_urls(),
        ]

    def rescore_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """How recent calls' scores would move under this draft. Scoring lives above the knowledge base, so the
        page is the view named by settings.KB_RUBRIC_PREVIEW_VIEW (a dotted path, like gong's task hand-off)."""
        if not kb_can_edit(request.user):
            raise PermissionDenied
        view = import_string(settings.KB_RUBRIC_PREVIEW_VIEW)
        return view(request, self.admin_site, int(unquote(object_id)))

    def form_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The draft as a form (criteria, weights, indicators, anchors, caps, N/A rule); saved through the service."""
        version = RubricVersion.objects.select_related("rubric").filter(pk=unquote(object_id)).first()
        if version is None:
            raise Http404("No such rubric version")
        if not kb_can_edit(request.user) or version.status != VersionStatus.DRAFT:
            raise PermissionDenied
        return rubric_form_page(request, self.admin_site, version)

    @admin.display(description="Rubric")
    def rubric_link(self, obj: RubricVersion) -> str:
        url = reverse("admin:knowledgebase_rubric_change", args=[obj.rubric_id])
        return format_html('<a href="{}">{}</a>', url, obj.rubric)

    @admin.display(description="Criteria")
    def preview(self, obj: RubricVersion) -> str:
        return rubric_preview_html(obj.content)

    @admin.display(description="YAML")
    def content_yaml_display(self, obj: RubricVersion) -> str:
        return format_html(
            '<pre class="kb-pre" style="white-space:pre-wrap;">{}</pre>', rubric_content_yaml(obj.content)
        )

    def save_form(self, request, form, change: bool) -> RubricVersion:
        content, note = form.cleaned_data["content_yaml"], form.cleaned_data.get("change_note", "")
        if change:
            return rubric_version_update_draft(
                version_id=form.instance.pk, content=content, change_note=note, author=request.user
            )
        rubric = form.cleaned_data["rubric"]
        existing = set(rubric.versions.values_list("pk", flat=True))
        version = rubric_version_create_draft(
            rubric_id=rubric.pk, content=content, author=request.user, change_note=note
        )
        version._kb_existing = version.pk in existing
        return version

    def publish(self, *, version, user):
        return rubric_version_publish(version_id=version.pk, user=user)

    def rollback(self, *, version, user):
        return rubric_rollback(rubric_id=version.rubric_id, version_id=version.pk, user=user)

    def change_summary(self, *, version) -> list[str]:
        active_id = version.rubric.active_version_id
        if not active_id or active_id == version.pk:
            return []
        return rubric_version_diff(old_id=active_id, new_id=version.pk).summary or ["No differences in content."]
