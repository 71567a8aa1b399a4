"""Who may do what with the knowledge base in the admin: staff view, coaching ops (or superusers) edit."""

from __future__ import annotations

from django.http import HttpRequest

EDIT_PERMISSION = "knowledgebase.edit_knowledgebase"


def kb_can_edit(user) -> bool:
    """Coaching ops (the edit_knowledgebase permission, e.g. via the "coaching ops" group) and superusers."""
    return bool(user and user.is_active and user.is_staff and user.has_perm(EDIT_PERMISSION))


def kb_can_view(user) -> bool:
    """Every active staff member (managers, leadership, ops) may read rubrics and product docs."""
    return bool(user and user.is_active and user.is_staff)


class KnowledgePermissionsMixin:
    """Admin permissions from the two rules above; nothing in the knowledge base is deleted from the admin
    (scores keep pointing at the versions they were made under)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return kb_can_view(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return kb_can_view(request.user)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return kb_can_edit(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return kb_can_edit(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_kb_edit_permission(self, request: HttpRequest, obj=None) -> bool:
        """Used by unfold detail actions (which pass an object id, not an object)."""
        return kb_can_edit(request.user)


class ReadOnlyVersionsInline:
    """Mixin for the version lists shown on a rubric or document page: visible to all staff, never edited there."""

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return kb_can_view(request.user)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
