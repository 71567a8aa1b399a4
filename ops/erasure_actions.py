"""Admin actions for erasure: on calls (each selected call), on Gong users and on call participants (everything
of each selected person, by email). Each comes as a dry run (counts only) and as the real thing; every erasure
is one transaction and writes its audit row (core_erasure_record). Attached from OpsConfig.ready(), as the
lower apps' admins cannot import ops."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from coaching.services.erasure import erasure_run
from core.errors import ApplicationError
from gong.models import Call, CallParticipant, GongUser
from ops.permissions import user_may_erase


def _targets(queryset: QuerySet) -> list[tuple[str, str, str]]:
    """(label, call_id, email) per selected object."""
    if queryset.model is Call:
        return [(f"call {pk}", pk, "") for pk in queryset.values_list("pk", flat=True)]
    emails = {e.strip().lower() for e in queryset.values_list("email", flat=True) if e and e.strip()}
    return [("a person", "", email) for email in sorted(emails)]


def _erase(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, dry_run: bool) -> None:
    if not user_may_erase(request.user):
        modeladmin.message_user(request, "Only coaching ops may erase data.", messages.ERROR)
        return
    targets = _targets(queryset)
    if not targets:
        modeladmin.message_user(request, "Nothing to erase: the selection has no call id or email.", messages.WARNING)
    for label, call_id, email in targets:
        try:
            outcome = erasure_run(
                call_id=call_id, email=email, dry_run=dry_run, actor=request.user.get_username(),
                requested_by=request.user, via="admin",
            )  # fmt: skip
        except ApplicationError as exc:
            modeladmin.message_user(request, f"{label}: {exc.message}", messages.ERROR)
            continue
        level = messages.INFO if dry_run else messages.SUCCESS
        modeladmin.message_user(request, f"{label}: {outcome.summary()}", level)


@admin.action(description="Erase selected calls — dry run (counts only)")
def erase_dry_run(modeladmin, request, queryset) -> None:
    _erase(modeladmin, request, queryset, dry_run=True)


@admin.action(description="Erase selected calls and everything derived from them (permanent)")
def erase_calls(modeladmin, request, queryset) -> None:
    _erase(modeladmin, request, queryset, dry_run=False)


@admin.action(description="Erase everything of the selected people — dry run (counts only)")
def erase_people_dry_run(modeladmin, request, queryset) -> None:
    _erase(modeladmin, request, queryset, dry_run=True)


@admin.action(description="Erase everything of the selected people, by email (permanent)")
def erase_people(modeladmin, request, queryset) -> None:
    _erase(modeladmin, request, queryset, dry_run=False)


def erasure_actions_register(site: admin.AdminSite = admin.site) -> None:
    """Attach the erasure actions to the Call, GongUser and CallParticipant admins (idempotent)."""
    for model, actions in (
        (Call, [erase_dry_run, erase_calls]),
        (GongUser, [erase_people_dry_run, erase_people]),
        (CallParticipant, [erase_people_dry_run, erase_people]),
    ):
        model_admin = site._registry.get(model)
        if model_admin is None:
            continue
        current = list(model_admin.actions or [])
        model_admin.actions = [*current, *(a for a in actions if a not in current)]
