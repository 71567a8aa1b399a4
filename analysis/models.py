"""The result cache (analysis_run) and the Claude cost ledger (analysis_api_call)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, Value


class Analyzer(models.TextChoices):
    CLAUDE = "claude", "Claude"
    OFFLINE = "offline", "offline (deterministic baseline, not Claude)"


class RunMode(models.TextChoices):
    REALTIME = "realtime"
    BATCH = "batch"


class RunStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    BATCH_SUBMITTED = "batch_submitted"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class AnalysisRun(models.Model):
    """One analysis of one transcript under one cache key. A hit on `cache_key` costs zero tokens."""

    call = models.ForeignKey("gong.Call", on_delete=models.CASCADE, related_name="analysis_runs")
    cache_key = models.CharField(max_length=64, unique=True)
    transcript_sha256 = models.CharField(max_length=64)
    knowledge_hash = models.CharField(max_length=64)
    knowledge_versions = models.JSONField(default=dict, blank=True)
    prompt_version = models.CharField(max_length=40)
    model = models.CharField(max_length=80)
    analyzer = models.CharField(max_length=10, choices=Analyzer.choices)
    mode = models.CharField(max_length=10, choices=RunMode.choices, default=RunMode.REALTIME)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.PENDING)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    chunk_count = models.PositiveSmallIntegerField(default=0)
    transcript_tokens = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveBigIntegerField(default=0)
    output_tokens = models.PositiveBigIntegerField(default=0)
    cache_write_tokens = models.PositiveBigIntegerField(default=0)
    cache_read_tokens = models.PositiveBigIntegerField(default=0)
    # NULL means unknown (a model missing from the price table): never guessed.
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    quotes_verified = models.PositiveIntegerField(default=0)
    quotes_dropped = models.PositiveIntegerField(default=0)
    batch_id = models.CharField(max_length=120, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "analysis_run"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["call", "-created_at"], name="analysis_run_call_idx"),
            models.Index(fields=["status", "claimed_at"], name="analysis_run_status_idx"),
            models.Index(fields=["batch_id"], name="analysis_run_batch_idx", condition=~Q(batch_id="")),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of call {self.call_id} ({self.analyzer}, {self.status})"


class ApiPurpose(models.TextChoices):
    CALL_ANALYSIS = "call_analysis", "Call analysis"
    CHUNK_ANALYSIS = "chunk_analysis", "Chunk analysis"
    CHUNK_MERGE = "chunk_merge", "Chunk merge"
    REPAIR = "repair", "Invalid-answer repair"
    TOKEN_COUNT = "token_count", "Token count"
    MCP = "mcp", "On-demand (MCP)"
    RETEST = "retest", "Test-retest re-score (evaluate_scorer --repeat)"
    # A rubric draft tried on recent calls before publishing (knowledge-base admin); its scores are never stored.
    RUBRIC_PREVIEW = "rubric_preview", "Rubric draft preview (scores not stored)"
    # Not a request: a result-cache hit, recorded at zero tokens and $0 so hit rates come from the ledger too.
    CACHE_HIT = "cache_hit", "Result-cache hit (no request)"


class ApiCallStatus(models.TextChoices):
    OK = "ok"
    ERROR = "error"
    # Written before the request is sent, so a worker killed mid-request still leaves a trace in the ledger.
    PENDING = "pending"
    # A pending row whose worker never came back: Anthropic may have billed it; the cost is unknown (NULL).
    LOST = "lost"


class ApiCall(models.Model):
    """One Claude request, successful or not. Partitioned quarterly by created_at (see migration 0002)."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField()
    run = models.ForeignKey(
        AnalysisRun, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="api_calls"
    )
    call_id = models.CharField(max_length=20, blank=True)
    purpose = models.CharField(max_length=20, choices=ApiPurpose.choices)
    model = models.CharField(max_length=80)
    mode = models.CharField(max_length=10, choices=RunMode.choices, default=RunMode.REALTIME)
    request_id = models.CharField(max_length=120, blank=True)
    batch_id = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=8, choices=ApiCallStatus.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_type = models.CharField(max_length=80, blank=True)
    input_tokens = models.PositiveBigIntegerField(default=0)
    output_tokens = models.PositiveBigIntegerField(default=0)
    cache_write_tokens = models.PositiveBigIntegerField(default=0)
    cache_read_tokens = models.PositiveBigIntegerField(default=0)
    cache_ttl = models.CharField(max_length=4, blank=True)
    cost_usd = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    price_source = models.CharField(max_length=40, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    # PII redaction (analysis/redaction.py): whether the request's transcript was redacted, and how many spans of
    # each kind ({"email": 2, "phone": 1}); never the spans themselves.
    # Database defaults too: partition maintenance and tests insert ledger rows with raw SQL.
    pii_redacted = models.BooleanField(default=False, db_default=False)
    pii_spans = models.JSONField(default=dict, blank=True, db_default=Value({}, output_field=models.JSONField()))

    class Meta:
        db_table = "analysis_api_call"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_at"], name="analysis_api_call_created_idx"),
            models.Index(fields=["call_id"], name="analysis_api_call_call_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.model} {self.status}"
