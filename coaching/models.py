"""Coaching results: a session per call × internal speaker, a score per dimension, weekly reviews."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.display import date_display
from knowledgebase.dimensions import Dimension


class CoachingSession(models.Model):
    """One call × one internal speaker. Partitioned quarterly by call_started (see migration 0002).

    A new analysis (e.g. after a rubric change) adds new sessions and clears `is_current` on the old ones,
    which stay as history.
    """

    id = models.BigAutoField(primary_key=True)
    call_started = models.DateTimeField()
    call = models.ForeignKey("gong.Call", on_delete=models.CASCADE, related_name="coaching_sessions")
    run = models.ForeignKey("analysis.AnalysisRun", on_delete=models.CASCADE, related_name="sessions")
    # The Gong user behind the speaker, when the participant is a known user.
    rep = models.ForeignKey(
        "gong.GongUser", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    speaker_id = models.CharField(max_length=20)
    speaker_name = models.CharField(max_length=255, blank=True)
    speaker_email = models.EmailField(max_length=254, blank=True)
    role = models.CharField(max_length=10, blank=True)
    analyzer = models.CharField(max_length=10)
    # The scoring contract that produced it: 1 = one holistic score per dimension (history), 2 = computed from
    # per-criterion evidence, status and level (analysis.scoring). Trends mark the week the contract changed.
    contract = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    overall_score = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    summary = models.TextField(blank=True)
    strengths = models.JSONField(default=list, blank=True)
    improvements = models.JSONField(default=list, blank=True)
    key_moments = models.JSONField(default=list, blank=True)
    product_errors = models.JSONField(default=list, blank=True)
    interaction_stats = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coaching_session"
        ordering = ["-call_started"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overall_score__isnull=True) | Q(overall_score__gte=1, overall_score__lte=5),
                name="coaching_session_overall_range",
            ),
            models.UniqueConstraint(
                fields=["run", "speaker_id", "call_started"], name="coaching_session_run_speaker_uniq"
            ),
            models.UniqueConstraint(
                fields=["call", "speaker_id", "call_started"],
                condition=Q(is_current=True),
                name="coaching_session_current_uniq",
            ),
        ]
        indexes = [
            models.Index(fields=["rep", "call_started"], name="coaching_session_rep_idx"),
            models.Index(fields=["call_started"], name="coaching_session_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.speaker_name or 'Unnamed speaker'} on {date_display(self.call_started)}"  # names, never ids


class DimensionScore(models.Model):
    """A session's score on one dimension, with verified evidence. Partitioned like sessions."""

    id = models.BigAutoField(primary_key=True)
    call_started = models.DateTimeField()
    # db_constraint=False: a foreign key into a partitioned table would have to name (id, call_started).
    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, db_constraint=False, related_name="scores")
    # Denormalized from the session so per-rep trends read one partitioned table.
    rep = models.ForeignKey(
        "gong.GongUser", null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    dimension = models.CharField(max_length=30, choices=Dimension.choices)
    # NULL = N/A: not enough evidence in the call to score this dimension.
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # [{"quote", "speaker_id", "speaker_name", "start_ms", "turn_index"}]: located in the transcript.
    evidence = models.JSONField(default=list, blank=True)
    criteria_met = models.JSONField(default=list, blank=True)
    criteria_missed = models.JSONField(default=list, blank=True)
    # [{"key", "name", "weight", "status": met|missed|n_a, "level", "evidence": [...]}]: why the score is what it
    # is (contract 2); empty for scores stored before criterion scoring.
    criteria = models.JSONField(default=list, blank=True)
    # Plain words when a cap lowered the computed score (a gate criterion, a verified product error).
    cap_reason = models.CharField(max_length=300, blank=True)
    rubric_version = models.ForeignKey(
        "knowledgebase.RubricVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_score = models.PositiveSmallIntegerField(null=True, blank=True)
    manager_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # A re-analysis carries the manager's override to the new current score of the same call, speaker and
    # dimension: the id of the score it was made on (same call, so same partition), and whether the rubric
    # version changed since — then the manager is asked to confirm it.
    override_carried_from = models.BigIntegerField(null=True, blank=True)
    override_needs_confirmation = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "coaching_dimension_score"
        ordering = ["session", "dimension"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="coaching_score_range"
            ),
            models.CheckConstraint(
                condition=Q(manager_score__isnull=True) | Q(manager_score__gte=1, manager_score__lte=5),
                name="coaching_manager_score_range",
            ),
            models.UniqueConstraint(
                fields=["session", "dimension", "call_started"], name="coaching_score_session_dimension_uniq"
            ),
        ]
        indexes = [
            models.Index(fields=["rep", "dimension", "call_started"], name="coaching_score_rep_idx"),
            models.Index(fields=["call_started", "dimension"], name="coaching_score_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.effective_score if self.effective_score is not None else 'N/A'}"

    @property
    def effective_score(self) -> int | None:
        """The manager's score when a manager overrode it, otherwise the AI's."""
        return self.manager_score if self.manager_score is not None else self.score


class ReviewScope(models.TextChoices):
    REP = "rep", "Rep"
    TEAM = "team", "Team"


class WeeklyReview(models.Model):
    scope = models.CharField(max_length=8, choices=ReviewScope.choices)
    # The rep, or the manager whose team it is.
    subject = models.ForeignKey("gong.GongUser", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W47")
    week_start = models.DateField()
    metrics = models.JSONField(default=dict, blank=True)
    trends = models.JSONField(default=dict, blank=True)
    skill_gaps = models.JSONField(default=list, blank=True)
    report_html = models.TextField(blank=True)
    report_text = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Set while one worker is sending; a worker killed mid-send leaves it, and it expires after the queue's task
    # timeout, so the queue's retry sends instead of the review being marked sent but never delivered.
    send_started_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coaching_weekly_review"
        ordering = ["-week_start", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "subject", "week"], name="coaching_weekly_review_uniq"),
            models.CheckConstraint(condition=Q(week__regex=r"^[0-9]{4}-W[0-9]{2}$"), name="coaching_week_format"),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} review {self.week}: {self.subject}"


class MappingScale(models.TextChoices):
    UNMAPPED = "unmapped", "Not mapped yet"
    NONE = "none", "Maps to no dimension"
    RANGE = "range", "Range → 1–5 (linear)"
    YES_NO = "yes_no", "Yes / No → two levels"
    OPTIONS = "options", "Options → a level each"


class ScorecardMapping(models.Model):
    """How one Gong scorecard question counts as a reference score on one dimension, edited by ops.

    Every question gets a row when it is first synced (scale `unmapped`); ops choose the dimension and the scale,
    or "maps to none". Range answers map linearly from [range_min, range_max] (the question's own range unless
    set here) onto 1–5; Yes/No answers to `yes_level` / `no_level`; select answers by option text through
    `option_levels` ({"Great": 4, …}).
    """

    question = models.OneToOneField("gong.ScorecardQuestion", on_delete=models.CASCADE, related_name="mapping")
    dimension = models.CharField(max_length=30, choices=Dimension.choices, blank=True)
    scale = models.CharField(max_length=10, choices=MappingScale.choices, default=MappingScale.UNMAPPED)
    range_min = models.IntegerField(null=True, blank=True, help_text="blank: the question's own minimum")
    range_max = models.IntegerField(null=True, blank=True, help_text="blank: the question's own maximum")
    yes_level = models.PositiveSmallIntegerField(null=True, blank=True, default=4)
    no_level = models.PositiveSmallIntegerField(null=True, blank=True, default=2)
    option_levels = models.JSONField(default=dict, blank=True, help_text='option text → level, e.g. {"Good": 3}')
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coaching_scorecard_mapping"
        ordering = ["question__scorecard__name", "question__position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(scale__in=["unmapped", "none"], dimension="")
                | (~Q(scale__in=["unmapped", "none"]) & ~Q(dimension="")),
                name="coaching_mapping_dimension_matches_scale",
            ),
            models.CheckConstraint(
                condition=(Q(yes_level__isnull=True) | Q(yes_level__gte=1, yes_level__lte=5))
                & (Q(no_level__isnull=True) | Q(no_level__gte=1, no_level__lte=5)),
                name="coaching_mapping_levels_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question_id} → {self.dimension or self.get_scale_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.scale in (MappingScale.UNMAPPED, MappingScale.NONE):
            if self.dimension:
                raise ValidationError({"dimension": "Leave the dimension blank for an unmapped or 'none' question."})
            return
        if not self.dimension:
            raise ValidationError({"dimension": "Choose the dimension this question scores."})
        if self.scale == MappingScale.OPTIONS:
            levels = self.option_levels if isinstance(self.option_levels, dict) else None
            if not levels or not all(isinstance(v, int) and 1 <= v <= 5 for v in levels.values()):
                raise ValidationError({"option_levels": 'Give each option a level 1–5, e.g. {"Good": 3}.'})
        if self.scale == MappingScale.YES_NO and (self.yes_level is None or self.no_level is None):
            raise ValidationError({"yes_level": "Both the Yes and the No level are needed."})


class ReferenceSource(models.TextChoices):
    GONG_SCORECARD = "gong_scorecard", "Gong scorecard"


class ReferenceScore(models.Model):
    """A person's score of a rep on one dimension of one call, beside the AI score and any manager override.

    Derived from a synced Gong scorecard through ops' mapping (source = gong_scorecard); recomputed whenever
    answers or mappings change. Several mapped questions of one scorecard on one dimension are averaged (rounded
    half up); `level` NULL = the reviewer marked it N/A.
    """

    source = models.CharField(max_length=20, choices=ReferenceSource.choices)
    source_key = models.CharField(max_length=40, help_text="the answered scorecard id")
    call = models.ForeignKey(
        "gong.Call", on_delete=models.DO_NOTHING, db_constraint=False, related_name="reference_scores"
    )
    rep = models.ForeignKey("gong.GongUser", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    reviewer = models.ForeignKey("gong.GongUser", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    dimension = models.CharField(max_length=30, choices=Dimension.choices)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    question_ids = models.JSONField(default=list, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coaching_reference_score"
        ordering = ["-reviewed_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key", "dimension"], name="coaching_reference_uniq"),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__gte=1, level__lte=5), name="coaching_reference_level"
            ),
        ]
        indexes = [models.Index(fields=["call", "rep"], name="coaching_ref_call_rep_idx")]

    def __str__(self) -> str:
        return f"{self.dimension}: {self.level if self.level is not None else 'N/A'} ({self.source})"


class PreviewStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class RubricPreview(models.Model):
    """One editor's Claude re-score of a few recent calls with a rubric draft, run by a queue task. `key` (draft,
    its content, the chosen scores, the editor) makes a double submit or a reload reuse it instead of spending
    again; `result` is the page's JSON, rebuilt after each call. Nothing here is a score anyone else sees."""

    key = models.CharField(max_length=64, unique=True)
    version = models.ForeignKey("knowledgebase.RubricVersion", on_delete=models.CASCADE, related_name="+")
    # db_index=False: the (editor, version, -created_at) index below serves lookups by editor.
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    score_ids = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=PreviewStatus.choices, default=PreviewStatus.QUEUED)
    total = models.PositiveSmallIntegerField(help_text="calls to re-score")
    done = models.PositiveSmallIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "coaching_rubric_preview"
        indexes = [models.Index(fields=["editor", "version", "-created_at"], name="coaching_rubric_preview_idx")]

    def __str__(self) -> str:
        return f"Preview of {self.version_id} by {self.editor_id}: {self.done}/{self.total} {self.status}"
