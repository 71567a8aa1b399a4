"""Core services: API tokens (create, revoke, authenticate). Only the SHA-256 of a token is ever stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import ApplicationError
from core.models import ApiToken, OnceMarker, TokenScope
from core.selectors import user_get_by_email

TOKEN_PREFIX = "cc_"  # noqa: S105 - marks our tokens in logs and secret scanners, not a secret
PREFIX_CHARS = 11  # "cc_" + 8 random characters: enough to tell tokens apart, useless for guessing
# last_used_at is a hint for humans, not an audit log: write it at most once a minute per token.
TOUCH_EVERY = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedToken:
    """A newly created token. `token` is shown once and never stored."""

    token: str
    prefix: str
    token_id: int
    user_id: int


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, user_email: str, name: str = "", scope: str = TokenScope.FULL) -> IssuedToken:
    """Issue a new bearer token acting as the active Django user with this email (case-insensitive); `scope`
    `read` limits it to the read-only REST API."""
    if scope not in TokenScope.values:
        raise ApplicationError(f"Unknown token scope {scope!r}: use {' or '.join(TokenScope.values)}.")
    user = user_get_by_email(email=user_email)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name[:100], prefix=token[:PREFIX_CHARS], token_sha256=token_hash(token), scope=scope
    )
    return IssuedToken(token=token, prefix=row.prefix, token_id=row.pk, user_id=user.pk)


@transaction.atomic
def token_revoke(*, user_email: str, prefix: str) -> int:
    """Revoke the user's active tokens starting with `prefix`; returns how many were revoked (idempotent)."""
    user = user_get_by_email(email=user_email)
    prefix = prefix.strip()
    if len(prefix) < 6:
        raise ApplicationError("Give at least the first 6 characters of the token (as `mcp_token --list` shows).")
    return ApiToken.objects.filter(user=user, prefix__startswith=prefix[:PREFIX_CHARS], revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def token_authenticate(*, token: str, scope: str = TokenScope.FULL) -> int | None:
    """The id of the active user this token acts as, or None for an unknown, revoked or inactive one, or one
    whose scope does not cover `scope` (a `full` token covers `read`; a `read` token covers only `read`)."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return None
    scopes = [TokenScope.FULL, TokenScope.READ] if scope == TokenScope.READ else [TokenScope.FULL]
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_sha256=token_hash(token), revoked_at__isnull=True, scope__in=scopes)
        .only("pk", "last_used_at", "user__id", "user__is_active")
        .first()
    )
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user.pk


OAUTH_PREFIX = "oauth_"


@dataclass(frozen=True)
class GrantState:
    """What we know of an OAuth grant (one access token the MCP server issued): seen before, and whose."""

    known: bool
    user_id: int | None  # None when unknown, revoked, or its user is inactive


def oauth_grant_state(*, grant_id: str) -> GrantState:
    """The state of the grant with this id (the issued token's `jti`); touches last_used_at like tokens."""
    row = (
        ApiToken.objects.select_related("user")
        .filter(token_sha256=token_hash(OAUTH_PREFIX + grant_id))
        .only("pk", "last_used_at", "revoked_at", "user__id", "user__is_active")
        .first()
    )
    if row is None:
        return GrantState(known=False, user_id=None)
    if row.revoked_at is not None or not row.user.is_active:
        return GrantState(known=True, user_id=None)
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return GrantState(known=True, user_id=row.user.pk)


def oauth_grant_record(*, grant_id: str, user_id: int, name: str) -> int | None:
    """Bind a grant to the user it was issued for, once (it then lists, and is revoked, like any token).

    Returns the user id the grant acts as — None if it was already bound to someone else (never switch users).
    """
    digest = token_hash(OAUTH_PREFIX + grant_id)
    row, _ = ApiToken.objects.get_or_create(
        token_sha256=digest,
        defaults={"user_id": user_id, "name": name[:100], "prefix": (OAUTH_PREFIX + digest)[: PREFIX_CHARS + 3]},
    )
    return user_id if row.user_id == user_id and row.revoked_at is None else None


def once_claim(*, key: str) -> bool:
    """True for the first caller with this key, in any process; False for every later one (idempotent)."""
    _, created = OnceMarker.objects.get_or_create(key=key[:200])
    return created
