"""Infrastructure tables that belong to no domain: API tokens for the MCP bridge (and any future API), and
once-only markers for alerts shared by every process."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.display import datetime_display


class TokenScope(models.TextChoices):
    FULL = "full", "MCP tools and the read API"
    READ = "read", "Read API only (/api/v1/)"


class ApiToken(models.Model):
    """A bearer token that acts as one Django user. Only the SHA-256 of the token is stored; `prefix` (the first
    characters of the token) identifies it in lists and for revocation without revealing it. A `read` token
    (e.g. for a BI tool) is accepted by the read-only REST API only, never by the MCP server, whose tools can
    write (publish a rubric, start paid analyses)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16)
    token_sha256 = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.FULL)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "core_api_token"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["prefix"], name="core_api_token_prefix_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(token_sha256__regex=r"^[0-9a-f]{64}$"),  # noqa: S106 - a hash pattern, not a secret
                name="core_api_token_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name or 'unnamed'})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class OnceMarker(models.Model):
    """A key claimed once across every process and machine (e.g. "budget alert for 2026-12 at warning"): the
    unique key makes the claim atomic, where a per-process cache would let each worker alert again."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_once_marker"

    def __str__(self) -> str:
        return self.key


class ErasureKind(models.TextChoices):
    CALL = "call", "One call"
    PERSON = "person", "One person (by email)"


class ErasureAction(models.TextChoices):
    ERASE = "erase", "Erased"
    LIFT = "lift", "Tombstone lifted"


class ErasureRecord(models.Model):
    """The audit row of one erasure (coaching.services.erasure), or of lifting one: who, when, what kind, how many
    rows — never the erased content. `subject_digest` is an HMAC of the call id or the lower-cased email keyed with
    SECRET_KEY: it answers "was this one erased?" for someone who already knows the subject, and tells nobody else
    anything."""

    kind = models.CharField(max_length=10, choices=ErasureKind.choices)
    action = models.CharField(max_length=10, choices=ErasureAction.choices, default=ErasureAction.ERASE)
    subject_digest = models.CharField(max_length=64, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=150, help_text="who ran it: a username or the OS user of the command")
    via = models.CharField(max_length=20, help_text="command | admin")
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_erasure_record"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        verb = "erased" if self.action == ErasureAction.ERASE else "un-erased (tombstone lifted)"
        return f"{self.get_kind_display()} {verb} {datetime_display(self.created_at)} by {self.actor}"


class TombstoneKind(models.TextChoices):
    CALL = "call", "Gong call id"
    PERSON = "person", "Email"
    GONG_USER = "gong_user", "Gong user id"


class ErasureTombstone(models.Model):
    """What an erasure leaves behind so that it sticks: the keyed digest (core.tombstones) of an erased call id,
    email or Gong user id. Every Gong ingest path (webhook, fetch, poll, users and scorecards sync) looks incoming
    ids up here and stores nothing that matches. Deleted only by `manage.py erase --lift`."""

    kind = models.CharField(max_length=10, choices=TombstoneKind.choices)
    subject_digest = models.CharField(max_length=64, unique=True)
    record = models.ForeignKey(
        ErasureRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="tombstones"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_erasure_tombstone"
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_digest__regex=r"^[0-9a-f]{64}$"), name="core_erasure_tombstone_digest_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} tombstone {self.subject_digest[:12]}…"
