"""Reps (Gong users) in the admin: the list, the rep page (its change view) and the team page."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import path, reverse
from django.utils.html import format_html

from coaching import views
from coaching.access import Viewer, reps_visible_q
from coaching.admin.visibility import VisibleModelAdmin
from gong.models import GongUser


@admin.register(GongUser)
class GongUserAdmin(VisibleModelAdmin):
    list_display = ["name", "email", "title", "role", "manager", "active", "has_login", "team_link"]
    list_filter = ["role", "active"]
    search_fields = ["first_name", "last_name", "email", "title", "id"]
    list_select_related = ["manager", "django_user"]
    exclude = ["raw"]

    def visible_q(self, viewer: Viewer):
        return reps_visible_q(viewer)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).defer("raw")

    def get_urls(self):
        def team(request, object_id: str):
            if not self.has_view_permission(request):
                raise PermissionDenied
            return views.team_page(request, self.admin_site, unquote(object_id))

        def link(request, object_id: str):
            if not self.has_view_permission(request) or request.method != "POST":
                raise PermissionDenied
            return views.rep_link(request, unquote(object_id))

        custom = [
            path("<path:object_id>/team/", self.admin_site.admin_view(team), name="gong_gonguser_team"),
            path("<path:object_id>/link/", self.admin_site.admin_view(link), name="gong_gonguser_link"),
        ]
        return custom + super().get_urls()

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        """The rep page: weekly trends per dimension, interaction stats, recurring themes, recent calls."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return views.rep_page(request, self.admin_site, unquote(object_id))

    @admin.display(description="Login", boolean=True)
    def has_login(self, obj: GongUser) -> bool:
        """Whether a login is linked (its username is set on the rep page, by coaching ops, not listed)."""
        return obj.django_user_id is not None

    @admin.display(description="Team")
    def team_link(self, obj: GongUser) -> str:
        return format_html('<a href="{}">Team page</a>', reverse("admin:gong_gonguser_team", args=[obj.pk]))
