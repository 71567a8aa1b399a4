"""Infrastructure rows, browsable by staff: MCP/API tokens (prefixes only, never hashes), once-only markers and
the erasure audit."""

from django.contrib import admin

from core.admin_display import ReadOnlyModelAdmin
from core.models import ApiToken, ErasureRecord, OnceMarker


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyModelAdmin):
    """Create and revoke with `manage.py mcp_token`; the token itself is shown once, at creation, and never stored."""

    list_display = ["prefix", "name", "user", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username", "user__email"]
    exclude = ["token_sha256"]


@admin.register(OnceMarker)
class OnceMarkerAdmin(ReadOnlyModelAdmin):
    list_display = ["key", "created_at"]
    search_fields = ["key"]
    date_hierarchy = "created_at"


@admin.register(ErasureRecord)
class ErasureRecordAdmin(ReadOnlyModelAdmin):
    """The audit of erasures (`manage.py erase`, the admin's erase actions): who, when, what kind, counts."""

    list_display = ["created_at", "kind", "action", "actor", "via", "counts"]
    list_filter = ["kind", "action", "via"]
    search_fields = ["actor", "subject_digest"]
    date_hierarchy = "created_at"
