"""What we keep from Gong: users, calls, participants, transcripts and every webhook delivery.

Gong ids are strings of up to 20 digits (JavaScript would lose precision on them as numbers), so they are
CharFields validated by a regex constraint, never integers.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from core.display import date_display, datetime_display

GONG_ID_MAX = 20
GONG_ID_REGEX = r"^[0-9]{1,20}$"


def _gong_id_check(field: str) -> models.CheckConstraint:
    condition = Q(**{f"{field}__regex": GONG_ID_REGEX})
    return models.CheckConstraint(condition=condition, name=f"%(app_label)s_%(class)s_{field}_digits")


class Affiliation(models.TextChoices):
    INTERNAL = "Internal"
    EXTERNAL = "External"
    UNKNOWN = "Unknown"


class RepRole(models.TextChoices):
    """The coaching role of an internal user; selects role-specific rubrics."""

    AE = "AE", "Account executive"
    SE = "SE", "Sales engineer"
    CSM = "CSM", "Customer success manager"
    MANAGER = "MANAGER", "Manager"
    OTHER = "OTHER", "Other"


class GongUser(models.Model):
    id = models.CharField(primary_key=True, max_length=GONG_ID_MAX)
    email = models.EmailField(max_length=254, db_index=True)
    first_name = models.CharField(max_length=120, blank=True)
    last_name = models.CharField(max_length=120, blank=True)
    title = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=10, choices=RepRole.choices, default=RepRole.OTHER)
    # Editable by ops when the title-based role is wrong; a manual role survives the next user sync.
    role_locked = models.BooleanField(default=False)
    # db_constraint=False: /v2/users pages arrive in any order, so a manager may be stored after a report.
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="reports"
    )
    active = models.BooleanField(default=True)
    django_user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="gong_user"
    )
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "gong_user"
        ordering = ["last_name", "first_name"]
        constraints = [_gong_id_check("id")]

    def __str__(self) -> str:
        return self.name or self.email or self.id

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CallStatus(models.TextChoices):
    PENDING = "pending", "Pending fetch"
    FETCHING = "fetching", "Fetching from Gong"
    TRANSCRIBED = "transcribed", "Transcribed"
    ANALYZING = "analyzing", "Analyzing"
    ANALYZED = "analyzed", "Analyzed"
    HELD = "held", "Held (budget)"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class CallSource(models.TextChoices):
    WEBHOOK = "webhook"
    POLL = "poll"
    MANUAL = "manual"


class Call(models.Model):
    id = models.CharField(primary_key=True, max_length=GONG_ID_MAX)
    url = models.URLField(max_length=500, blank=True)
    title = models.CharField(max_length=500, blank=True)
    scheduled = models.DateTimeField(null=True, blank=True)
    started = models.DateTimeField(null=True, blank=True)
    duration_s = models.PositiveIntegerField(null=True, blank=True)
    primary_user = models.ForeignKey(
        GongUser, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    direction = models.CharField(max_length=20, blank=True)
    system = models.CharField(max_length=60, blank=True)
    scope = models.CharField(max_length=20, blank=True)
    media = models.CharField(max_length=20, blank=True)
    language = models.CharField(max_length=10, blank=True)
    workspace_id = models.CharField(max_length=GONG_ID_MAX, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    meeting_url = models.CharField(max_length=500, blank=True)
    is_private = models.BooleanField(default=False)
    is_test = models.BooleanField(default=False)
    call_type = models.CharField(max_length=40, blank=True, db_index=True)
    account_name = models.CharField(max_length=255, blank=True, db_index=True)
    opportunity_name = models.CharField(max_length=255, blank=True)
    opportunity_stage = models.CharField(max_length=120, blank=True)
    opportunity_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    crm_context = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    source = models.CharField(max_length=10, choices=CallSource.choices, default=CallSource.WEBHOOK)
    status = models.CharField(max_length=12, choices=CallStatus.choices, default=CallStatus.PENDING)
    status_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=120, blank=True)

    received_at = models.DateTimeField(null=True, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    transcribed_at = models.DateTimeField(null=True, blank=True)
    analyzed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "gong_call"
        ordering = ["-started"]
        constraints = [_gong_id_check("id")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="gong_call_status_next_idx"),
            models.Index(fields=["started"], name="gong_call_started_idx"),
            models.Index(fields=["primary_user", "started"], name="gong_call_primary_started_idx"),
        ]

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title, or a readable stand-in: people read call names and dates, never the numeric Gong id."""
        if self.title:
            return self.title
        return f"Untitled call, {date_display(self.started)}" if self.started else "Untitled call"


class CallParticipant(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="participants")
    party_id = models.CharField(max_length=GONG_ID_MAX)
    speaker_id = models.CharField(max_length=GONG_ID_MAX, blank=True)
    name = models.CharField(max_length=255, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    title = models.CharField(max_length=255, blank=True)
    affiliation = models.CharField(max_length=10, choices=Affiliation.choices, default=Affiliation.UNKNOWN)
    user = models.ForeignKey(
        GongUser, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    methods = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "gong_call_participant"
        constraints = [
            models.UniqueConstraint(fields=["call", "party_id"], name="gong_call_participant_party_uniq"),
            _gong_id_check("party_id"),
        ]
        indexes = [
            models.Index(fields=["user"], name="gong_participant_user_idx"),
            models.Index(fields=["email"], name="gong_participant_email_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.party_id} ({self.affiliation})"

    @property
    def is_internal(self) -> bool:
        return self.affiliation == Affiliation.INTERNAL


class Transcript(models.Model):
    call = models.OneToOneField(Call, primary_key=True, on_delete=models.CASCADE, related_name="transcript")
    # Normalized turns: [{"speaker_id", "party", "start_ms", "end_ms", "text", "sentences": [[start, end, text]]}]
    turns = models.JSONField(default=list)
    text = models.TextField(blank=True)
    sha256 = models.CharField(max_length=64)
    token_count = models.PositiveIntegerField(default=0)
    token_count_method = models.CharField(max_length=20, blank=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config="english"),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    fetched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "gong_transcript"
        indexes = [
            GinIndex(fields=["search_vector"], name="gong_transcript_fts_idx"),
            models.Index(fields=["sha256"], name="gong_transcript_sha_idx"),
        ]

    def __str__(self) -> str:
        return f"Transcript of {self.call_id}"


class WebhookAuthMethod(models.TextChoices):
    JWT = "jwt", "Signed JWT header"
    URL_KEY = "url_key", "URL includes key"
    HMAC = "hmac", "HMAC signature"


class WebhookEventStatus(models.TextChoices):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"


class WebhookEvent(models.Model):
    """One accepted delivery. Partitioned quarterly by received_at (see migration 0002)."""

    id = models.BigAutoField(primary_key=True)
    received_at = models.DateTimeField()
    auth_method = models.CharField(max_length=10, choices=WebhookAuthMethod.choices)
    body_sha256 = models.CharField(max_length=64)
    raw_body = models.TextField()
    call_id = models.CharField(max_length=GONG_ID_MAX)
    is_test = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=WebhookEventStatus.choices)
    error = models.TextField(blank=True)
    trace_id = models.CharField(max_length=120, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        db_table = "gong_webhook_event"
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["call_id"], name="gong_webhook_event_call_idx"),
            models.Index(fields=["body_sha256"], name="gong_webhook_event_sha_idx"),
            models.Index(fields=["received_at"], name="gong_webhook_event_recv_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} @ {datetime_display(self.received_at)}"


class ApiQuota(models.Model):
    """Shared state of the Gong API rate limiter and daily budget, one row per budget (normally "gong").

    Gong's limits (3 requests/second, 10,000/day) are company-wide, so every worker process must draw from one
    budget: each request reserves the next free slot with a single UPDATE ... RETURNING on this row (the row lock
    serializes processes; see gong/ratelimit.py). Not a domain table: operational state only.
    """

    name = models.CharField(primary_key=True, max_length=40)
    next_slot_at = models.DateTimeField()
    day = models.DateField()
    day_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "gong_api_quota"

    def __str__(self) -> str:
        return f"{self.name}: {self.day_count} requests on {date_display(self.day)}"


# Scorecards and opportunities live in their own module (this one is long enough); importing them here
# registers them with the app.
from gong.scorecard_models import (  # noqa: E402
    AnsweredScorecard,
    Opportunity,
    OpportunityCall,
    Outcome,
    ReviewMethod,
    Scorecard,
    ScorecardAnswer,
    ScorecardQuestion,
)

__all__ = [
    "Affiliation", "AnsweredScorecard", "ApiQuota", "Call", "CallParticipant", "CallSource", "CallStatus",
    "GongUser", "Opportunity", "OpportunityCall", "Outcome", "RepRole", "ReviewMethod", "Scorecard",
    "ScorecardAnswer", "ScorecardQuestion", "Transcript", "WebhookAuthMethod", "WebhookEvent",
]  # fmt: skip
