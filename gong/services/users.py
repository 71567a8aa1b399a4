"""Gong users: the daily /v2/users sync (with the manager hierarchy) and linking Django users to them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.models import TombstoneKind
from core.tombstones import erased_among, erased_skip_note
from gong.client import GongClient
from gong.models import GongUser, RepRole
from gong.schemas import UserMetadata

# Order matters: "Sales Engineering Manager" is a manager; "Solutions Engineer" is an SE.
_MANAGER = r"\b(manager|director|head of|vp|svp|evp|vice president|chief|ceo|cro|cso|coo|team lead)\b"
_SE = r"\b(sales|solutions?|pre-?sales|systems?) (engineer(ing)?|architect|consultant)\b|\bSE\b"
_CSM = r"\bcustomer success\b|\baccount manager\b|\bCSM\b"
_AE = r"\baccount executive\b|\bAE\b|\bsales (rep|representative|executive)\b"
_ROLE_PATTERNS: list[tuple[RepRole, re.Pattern[str]]] = [
    (RepRole.MANAGER, re.compile(_MANAGER, re.I)),
    (RepRole.SE, re.compile(_SE, re.I)),
    (RepRole.CSM, re.compile(_CSM, re.I)),
    (RepRole.AE, re.compile(_AE, re.I)),
]


def role_from_title(*, title: str) -> RepRole:
    """The coaching role a job title implies (AE / SE / CSM / MANAGER), OTHER when it implies none."""
    title = title or ""
    # "Customer Success Manager" is a CSM, not a people manager; "Account Manager" likewise.
    if re.search(r"\bcustomer success manager\b|\baccount manager\b", title, re.I):
        return RepRole.CSM
    for role, pattern in _ROLE_PATTERNS:
        if pattern.search(title):
            return role
    return RepRole.OTHER


def user_link_django_user(*, user) -> GongUser | None:
    """Link a Django user to its Gong user (already linked, else matched by email case-insensitively).

    Returns the linked Gong user, or None when no Gong user matches. Idempotent; raises ApplicationError when
    the matching Gong user is already linked to someone else.
    """
    from gong.selectors import user_for_django_user

    gong_user = user_for_django_user(user=user)
    if gong_user is None or gong_user.django_user_id == user.pk:
        return gong_user
    with transaction.atomic():
        updated = GongUser.objects.filter(pk=gong_user.pk, django_user__isnull=True).update(
            django_user=user, updated_at=timezone.now()
        )
    if not updated:
        raise ApplicationError(f"Gong user {gong_user.email} is already linked to another account")
    gong_user.django_user = user
    return gong_user


@dataclass(frozen=True)
class UsersSyncReport:
    created: int
    updated: int
    linked_participants: int
    accounts_deactivated: int = 0
    erased: int = 0  # Gong users whose id or email an erasure tombstoned: neither created nor updated

    def summary(self) -> str:
        return (
            f"users created={self.created} updated={self.updated} participants linked={self.linked_participants}"
            f" accounts deactivated={self.accounts_deactivated}" + (f" erased={self.erased}" if self.erased else "")
        )


def users_sync(*, client: GongClient | None = None) -> UsersSyncReport:
    """Sync every Gong user (GET /v2/users) with the manager hierarchy; role from title unless role_locked.

    Idempotent. Afterwards, participants and calls that name a now-known user are linked to it. A user whose id
    or email was erased is skipped: an erased person's anonymised row stays anonymised, and never comes back.
    """
    client = client or GongClient.from_settings()
    records = client.users()  # network first, no transaction open
    now = timezone.now()
    with transaction.atomic():
        records, erased = _erased_drop(records)
        existing = {u.id: u for u in GongUser.objects.filter(pk__in={r.id for r in records} | erased)}
        ids = {r.id for r in records} | set(existing)  # managers we may point to: stored or being stored
        created, updated = [], []
        for record in records:
            user = existing.get(record.id) or GongUser(id=record.id)
            _user_apply(user, record, now=now, known_ids=ids)
            (updated if record.id in existing else created).append(user)
        GongUser.objects.bulk_create(created)
        GongUser.objects.bulk_update(updated, fields=_USER_FIELDS)
        linked = _links_refresh()
        deactivated = _accounts_of_departed_deactivate()
    return UsersSyncReport(
        created=len(created),
        updated=len(updated),
        linked_participants=linked,
        accounts_deactivated=deactivated,
        erased=len(erased),
    )


def _erased_drop(records: list[UserMetadata]) -> tuple[list[UserMetadata], set[str]]:
    """The records to store, and the ids of those an erasure tombstoned (by Gong user id or by email)."""
    by_id = erased_among(kind=TombstoneKind.GONG_USER, subjects=[r.id for r in records])
    by_email = erased_among(kind=TombstoneKind.PERSON, subjects=[(r.email_address or "").lower() for r in records])
    erased = {r.id for r in records if r.id in by_id or (r.email_address or "").lower() in by_email}
    erased_skip_note(path="users_sync", kind=TombstoneKind.GONG_USER, count=len(erased))
    return [r for r in records if r.id not in erased], erased


def _accounts_of_departed_deactivate() -> int:
    """Sign-in ends with Gong: the linked accounts of deactivated Gong users are deactivated (sessions, API and
    MCP tokens stop working at once). Superusers are left to a human, so nobody locks the last admin out."""
    return (
        get_user_model()
        .objects.filter(gong_user__active=False, is_active=True, is_superuser=False)
        .update(is_active=False)
    )


_USER_FIELDS = ["email", "first_name", "last_name", "title", "role", "manager", "active", "raw", "synced_at"]


def _user_apply(user: GongUser, record: UserMetadata, *, now, known_ids: set[str]) -> None:
    user.email = (record.email_address or "")[:254]
    user.first_name = (record.first_name or "")[:120]
    user.last_name = (record.last_name or "")[:120]
    user.title = (record.title or "")[:200]
    if not user.role_locked:
        user.role = role_from_title(title=user.title)
    manager_id = record.manager_id if record.manager_id and record.manager_id != record.id else None
    user.manager_id = manager_id if manager_id in known_ids else None
    user.active = record.active
    user.raw = record.model_dump(mode="json", by_alias=True)
    user.synced_at = now


_LINK_PARTICIPANTS_SQL = """
UPDATE gong_call_participant p SET user_id = u.id
FROM gong_call c, jsonb_array_elements(COALESCE(c.metadata->'parties', '[]'::jsonb)) party, gong_user u
WHERE p.user_id IS NULL AND p.affiliation = 'Internal' AND p.call_id = c.id
  AND party->>'id' = p.party_id AND u.id = party->>'userId'
"""
_LINK_PARTICIPANTS_BY_EMAIL_SQL = """
UPDATE gong_call_participant p SET user_id = u.id
FROM gong_user u
WHERE p.user_id IS NULL AND p.affiliation = 'Internal' AND p.email <> '' AND lower(u.email) = lower(p.email)
"""
_LINK_CALLS_SQL = """
UPDATE gong_call c SET primary_user_id = u.id
FROM gong_user u
WHERE c.primary_user_id IS NULL AND u.id = c.metadata->'metaData'->>'primaryUserId'
"""


def _links_refresh() -> int:
    with connection.cursor() as cursor:
        cursor.execute(_LINK_PARTICIPANTS_SQL)
        linked = cursor.rowcount
        cursor.execute(_LINK_PARTICIPANTS_BY_EMAIL_SQL)
        linked += cursor.rowcount
        cursor.execute(_LINK_CALLS_SQL)
    return linked
