from django.contrib import admin

from core.admin_display import ReadOnlyModelAdmin, json_details
from knowledgebase.models import Document, DocumentVersion, Rubric, RubricVersion


@admin.register(Rubric)
class RubricAdmin(ReadOnlyModelAdmin):
    list_display = ["name", "dimension", "role", "call_type", "active_version"]
    list_filter = ["dimension", "role"]
    search_fields = ["name", "key", "description"]
    list_select_related = ["active_version"]


@admin.register(RubricVersion)
class RubricVersionAdmin(ReadOnlyModelAdmin):
    list_display = ["rubric", "number", "status", "sha256", "author", "published_at"]
    list_filter = ["status", "rubric__dimension"]
    search_fields = ["rubric__name", "change_note", "sha256"]
    list_select_related = ["rubric", "author"]
    readonly_fields = ["content_json"]
    exclude = ["content"]

    @admin.display(description="Content")
    def content_json(self, obj: RubricVersion) -> str:
        return json_details(obj.content, summary="Show criteria")


@admin.register(Document)
class DocumentAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "kind", "product", "active_version"]
    list_filter = ["kind", "product"]
    search_fields = ["title", "key"]
    list_select_related = ["active_version"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ReadOnlyModelAdmin):
    list_display = ["title", "document", "number", "status", "published_at"]
    list_filter = ["status", "document__kind"]
    search_fields = ["title", "body"]
    list_select_related = ["document"]
    exclude = ["search_vector"]
