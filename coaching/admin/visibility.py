"""A read-only ModelAdmin whose every path — changelist, search, detail by id, history, autocomplete, the
unfold command search — only ever sees the rows the request's viewer may see; anything else is a 404."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.db.models import Q
from django.http import Http404, HttpRequest

from coaching.access import Viewer, viewer_for_request
from core.admin_display import ReadOnlyModelAdmin


class VisibleModelAdmin(ReadOnlyModelAdmin):
    def visible_q(self, viewer: Viewer) -> Q:
        raise NotImplementedError

    def _visible(self, request: HttpRequest) -> Q:
        return self.visible_q(viewer_for_request(request))

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).filter(self._visible(request))

    def get_search_results(self, request: HttpRequest, queryset, search_term: str):
        # The queryset is already filtered; filter again so a subclass's search can never widen it.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        return queryset.filter(self._visible(request)), may_have_duplicates

    def _require_object(self, request: HttpRequest, object_id: str) -> None:
        if self.get_object(request, unquote(object_id)) is None:
            raise Http404("Not found")

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        self._require_object(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        self._require_object(request, object_id)
        return super().history_view(request, object_id, extra_context)
