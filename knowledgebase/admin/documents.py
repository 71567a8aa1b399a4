"""Product-document admin: the same draft → publish → roll back life cycle as rubrics, over a Markdown body."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import TabularInline
from unfold.decorators import action

from knowledgebase.admin.access import ReadOnlyVersionsInline, kb_can_edit
from knowledgebase.admin.forms import DocumentVersionForm
from knowledgebase.admin.parents import ParentAdmin
from knowledgebase.admin.versions import VersionAdmin
from knowledgebase.models import Document, DocumentVersion, VersionStatus
from knowledgebase.selectors import document_version_diff, document_version_list
from knowledgebase.services import (
    document_create,
    document_rollback,
    document_update,
    document_version_create_draft,
    document_version_publish,
    document_version_update_draft,
)

DOCUMENT_FIELDS = ["key", "title", "kind", "product"]


def document_version_link(version: DocumentVersion | None) -> str:
    if version is None:
        return "—"
    url = reverse("admin:knowledgebase_documentversion_change", args=[version.pk])
    return format_html('<a href="{}">v{}</a>', url, version.number)


def body_html(body: str) -> str:
    return format_html(
        '<div class="kb-pre" style="white-space:pre-wrap;font-family:ui-monospace,monospace;">{}</div>', body
    )


class DocumentVersionInline(ReadOnlyVersionsInline, TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["version", "title", "status", "active", "change_note", "author", "created_at", "published_at"]
    readonly_fields = fields
    ordering = ["-number"]

    @admin.display(description="Version")
    def version(self, obj: DocumentVersion) -> str:
        return document_version_link(obj)

    @admin.display(description="Active", boolean=True)
    def active(self, obj: DocumentVersion) -> bool:
        return obj.document.active_version_id == obj.pk


@admin.register(Document)
class DocumentAdmin(ParentAdmin):
    kind = "document"
    list_display = ["title", "key", "kind", "product", "active", "updated_at"]
    list_filter = ["kind", "product"]
    search_fields = ["title", "key", "active_version__body"]
    list_select_related = ["active_version"]
    inlines = [DocumentVersionInline]
    actions_detail = ["edit_document", "compare_versions"]

    def get_inlines(self, request, obj=None):
        return self.inlines if obj is not None else []

    def get_fields(self, request, obj=None):
        return DOCUMENT_FIELDS if obj is None else [*DOCUMENT_FIELDS, "active", "active_body"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["key", "active", "active_body"]

    @admin.display(description="Active version")
    def active(self, obj: Document) -> str:
        return document_version_link(obj.active_version)

    @admin.display(description="Active text")
    def active_body(self, obj: Document) -> str:
        return body_html(obj.active_version.body) if obj.active_version else "No published version yet."

    def save_model(self, request, obj: Document, form, change: bool) -> None:
        values = {name: form.cleaned_data[name] for name in DOCUMENT_FIELDS if name in form.cleaned_data}
        if change:
            values.pop("key", None)
            document = document_update(document_id=obj.pk, **values)
        else:
            document = document_create(**values)
        obj.pk = document.pk

    def versions_of(self, obj) -> list:
        return list(document_version_list(document_id=obj.pk))

    def version_diff(self, *, old_id: int, new_id: int):
        return document_version_diff(old_id=old_id, new_id=new_id)

    @action(description="Edit (new draft)", permissions=["kb_edit"], url_path="edit", icon="edit")
    def edit_document(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self.new_draft_redirect(object_id)


@admin.register(DocumentVersion)
class DocumentVersionAdmin(VersionAdmin):
    parent = "document"
    form = DocumentVersionForm
    list_display = ["__str__", "document", "number", "status", "is_active", "sha_short", "author", "created_at"]
    list_filter = ["status", "document__kind", "document"]
    search_fields = ["title", "body", "document__key", "change_note"]
    list_select_related = ["document", "author"]
    readonly_info = ["document_link", "number", "status", "is_active", "sha256", "author", "created_at", "published_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["document", "title", "body", "change_note"]})]
        if obj.status == VersionStatus.DRAFT and kb_can_edit(request.user):
            return [(None, {"fields": ["document_link", "number", "status", "title", "body", "change_note"]})]
        return [(None, {"fields": [*self.readonly_info, "title", "change_note", "body_display"]})]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else [*self.readonly_info, "body_display"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        """Pre-fill a new draft from ?from=<version> or the document's newest version (?document=<id>)."""
        initial = super().get_changeform_initial_data(request)
        versions = DocumentVersion.objects.order_by("-number")
        source = None
        if request.GET.get("from", "").isdigit():
            source = versions.filter(pk=request.GET["from"]).first()
        elif request.GET.get("document", "").isdigit():
            source = versions.filter(document_id=request.GET["document"]).first()
        if source is not None:
            initial.update({"document": source.document_id, "title": source.title, "body": source.body})
        initial.pop("from", None)
        return initial

    @admin.display(description="Document")
    def document_link(self, obj: DocumentVersion) -> str:
        url = reverse("admin:knowledgebase_document_change", args=[obj.document_id])
        return format_html('<a href="{}">{}</a>', url, obj.document)

    @admin.display(description="Body")
    def body_display(self, obj: DocumentVersion) -> str:
        return body_html(obj.body)

    def save_form(self, request, form, change: bool) -> DocumentVersion:
        data = form.cleaned_data
        if change:
            return document_version_update_draft(
                version_id=form.instance.pk, title=data["title"], body=data["body"],
                change_note=data.get("change_note", ""), author=request.user,
            )  # fmt: skip
        document = data["document"]
        existing = set(document.versions.values_list("pk", flat=True))
        version = document_version_create_draft(
            document_id=document.pk, title=data["title"], body=data["body"], author=request.user,
            change_note=data.get("change_note", ""),
        )  # fmt: skip
        version._kb_existing = version.pk in existing
        return version

    def publish(self, *, version, user):
        return document_version_publish(version_id=version.pk, user=user)

    def rollback(self, *, version, user):
        return document_rollback(document_id=version.document_id, version_id=version.pk, user=user)

    def change_summary(self, *, version) -> list[str]:
        active_id = version.document.active_version_id
        if not active_id or active_id == version.pk:
            return []
        diff = document_version_diff(old_id=active_id, new_id=version.pk)
        added = sum(1 for op, _ in diff.lines if op == "+")
        removed = sum(1 for op, _ in diff.lines if op == "-")
        title = [f"title: {diff.title.old} → {diff.title.new}"] if diff.title else []
        return [*title, f"{added} line(s) added, {removed} line(s) removed"]
