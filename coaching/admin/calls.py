"""Calls in the admin: the list, the call page (its change view), search with CSV export; participants and
transcripts, all limited to the viewer's visible calls."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.urls import path
from django.utils.html import format_html

from coaching import views
from coaching.access import Viewer, calls_visible_q
from coaching.admin.visibility import VisibleModelAdmin
from core.admin_display import json_details, shown_as
from core.display import duration_display
from gong.models import Call, CallParticipant, Transcript


@admin.register(Call)
class CallAdmin(VisibleModelAdmin):
    list_display = ["title", "started", shown_as("duration_s", duration_display, "Duration"), "primary_user",
                    "account_name", "call_type", "status", "participant_count"]  # fmt: skip
    list_filter = ["status", "call_type", "source", "is_private", "scope", "direction"]
    search_fields = ["id", "title", "account_name", "opportunity_name"]
    list_select_related = ["primary_user"]
    date_hierarchy = "started"

    def visible_q(self, viewer: Viewer):
        return calls_visible_q(viewer)

    def get_queryset(self, request: HttpRequest):
        # An aggregate drops Meta.ordering (GROUP BY); order explicitly so autocomplete pages are stable.
        calls = super().get_queryset(request).annotate(participant_total=Count("participants"))
        return calls.order_by("-started", "-id")

    def get_urls(self):
        def wrap(view):
            def page(request, *args, **kwargs):
                if not self.has_view_permission(request):
                    raise PermissionDenied
                return view(request, self.admin_site, *args, **kwargs)

            return self.admin_site.admin_view(page)

        custom = [
            path("search/", wrap(views.search_page), name="gong_call_search"),
            path("search/export.csv", wrap(views.search_export), name="gong_call_export"),
        ]
        return custom + super().get_urls()

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        """The call page: scores with evidence, transcript, analysis provenance and manager review."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return views.call_page(request, self.admin_site, unquote(object_id))

    @admin.display(description="Participants", ordering="participant_total")
    def participant_count(self, obj: Call) -> int:
        return obj.participant_total


@admin.register(CallParticipant)
class CallParticipantAdmin(VisibleModelAdmin):
    list_display = ["name", "email", "title", "affiliation", "call", "user"]
    list_filter = ["affiliation"]
    search_fields = ["name", "email", "title", "call__id"]
    list_select_related = ["call", "user"]

    def visible_q(self, viewer: Viewer):
        return calls_visible_q(viewer, prefix="call__")


@admin.register(Transcript)
class TranscriptAdmin(VisibleModelAdmin):
    list_display = ["call", "token_count", "token_count_method", "sha256", "fetched_at", "call_page"]
    search_fields = ["call__id", "call__title"]
    list_select_related = ["call"]
    readonly_fields = ["turns_json"]
    exclude = ["turns", "text"]

    def visible_q(self, viewer: Viewer):
        return calls_visible_q(viewer, prefix="call__")

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("turns", "text")

    @admin.display(description="Call page")
    def call_page(self, obj: Transcript) -> str:
        return format_html('<a href="../call/{}/change/">Read with scores</a>', obj.call_id)

    @admin.display(description="Turns")
    def turns_json(self, obj: Transcript) -> str:
        return json_details(obj.turns, summary=f"Show {len(obj.turns)} turns")
