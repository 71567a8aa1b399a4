"""The "Retry" admin action on calls. gong/admin.py cannot import ops (layers), so ops adds it to the
registered Call admin: `call_admin_actions_register()` runs from OpsConfig.ready()."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from gong.models import Call
from ops.permissions import user_may_operate
from ops.services import calls_retry


@admin.action(description="Retry selected calls (back to fetching or analysis)")
def retry_calls(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Call]) -> None:
    if not user_may_operate(request.user):
        modeladmin.message_user(request, "Only coaching ops may retry calls.", messages.ERROR)
        return
    outcomes, refused = calls_retry(call_ids=list(queryset.values_list("pk", flat=True)))
    if outcomes:
        modeladmin.message_user(request, f"{len(outcomes)} call(s) sent back through the pipeline.", messages.SUCCESS)
    for call_id, reason in refused.items():
        modeladmin.message_user(request, f"Call {call_id}: {reason}", messages.WARNING)


def call_admin_actions_register(site: admin.AdminSite = admin.site) -> None:
    """Add `retry_calls` to the Call admin's actions (idempotent)."""
    model_admin = site._registry.get(Call)
    if model_admin is None:
        return
    actions = list(model_admin.actions or [])
    if retry_calls not in actions:
        model_admin.actions = [*actions, retry_calls]
