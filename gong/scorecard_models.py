"""Gong scorecards (managers' call reviews) and CRM opportunities with their outcome, as synced from Gong.

Imported by gong/models.py so Django registers them with the gong app. Ids are Gong's (or the CRM's) strings.
Only scorecards people answered are stored (see gong/services/scorecards.py); mapping questions to coaching
dimensions is coaching's (coaching_scorecard_mapping).
"""

from __future__ import annotations

from django.db import models


class ReviewMethod(models.TextChoices):
    MANUAL = "MANUAL", "People"
    AUTOMATIC = "AUTOMATIC", "Gong AI"


class Scorecard(models.Model):
    id = models.CharField(primary_key=True, max_length=20)
    name = models.CharField(max_length=255, blank=True)
    workspace_id = models.CharField(max_length=20, blank=True)
    enabled = models.BooleanField(default=True)
    review_method = models.CharField(max_length=10, blank=True)
    raw = models.JSONField(default=dict, blank=True)
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "gong_scorecard"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name or self.id


class ScorecardQuestion(models.Model):
    id = models.CharField(primary_key=True, max_length=20)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="questions")
    revision_id = models.CharField(max_length=20, blank=True)
    text = models.TextField(blank=True)
    is_overall = models.BooleanField(default=False)
    question_type = models.CharField(max_length=30, blank=True)
    min_range = models.IntegerField(null=True, blank=True)
    max_range = models.IntegerField(null=True, blank=True)
    # [{"id": "1", "text": "Poor"}, …] for single/multi-select questions.
    answer_options = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # False once the question is gone from Gong's definitions (answers to it stay).
    in_definition = models.BooleanField(default=True)

    class Meta:
        db_table = "gong_scorecard_question"
        ordering = ["scorecard", "position"]

    def __str__(self) -> str:
        return self.text[:80] or self.id


class AnsweredScorecard(models.Model):
    """One review of one person on one call, answered by a person (never Gong's AI)."""

    id = models.CharField(primary_key=True, max_length=20)
    scorecard = models.ForeignKey(Scorecard, on_delete=models.DO_NOTHING, db_constraint=False, related_name="answered")
    call_id = models.CharField(max_length=20, db_index=True)
    call_started = models.DateTimeField(null=True, blank=True)
    reviewed_user = models.ForeignKey(
        "gong.GongUser", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    reviewer_user = models.ForeignKey(
        "gong.GongUser", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    review_time = models.DateTimeField(null=True, blank=True)
    visibility_type = models.CharField(max_length=30, blank=True)
    synced_at = models.DateTimeField()

    class Meta:
        db_table = "gong_answered_scorecard"
        ordering = ["-review_time"]
        indexes = [models.Index(fields=["reviewed_user", "call_id"], name="gong_answered_user_call_idx")]

    def __str__(self) -> str:
        return f"Scorecard {self.scorecard_id} on call {self.call_id}"


class ScorecardAnswer(models.Model):
    answered = models.ForeignKey(AnsweredScorecard, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ScorecardQuestion, on_delete=models.DO_NOTHING, db_constraint=False, related_name="answers"
    )
    revision_id = models.CharField(max_length=20, blank=True)
    is_overall = models.BooleanField(default=False)
    score = models.IntegerField(null=True, blank=True)
    answer_text = models.TextField(blank=True)
    not_applicable = models.BooleanField(default=False)
    selected_options = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "gong_scorecard_answer"
        constraints = [
            models.UniqueConstraint(fields=["answered", "question"], name="gong_scorecard_answer_question_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {'N/A' if self.not_applicable else self.score or self.answer_text[:40]}"


class Outcome(models.TextChoices):
    WON = "won", "Won"
    LOST = "lost", "Lost"
    OPEN = "open", "Open"


class Opportunity(models.Model):
    """A CRM opportunity named in calls' context, with its state as last re-read from Gong ("Now")."""

    id = models.CharField(primary_key=True, max_length=64)
    system = models.CharField(max_length=40, blank=True)
    name = models.CharField(max_length=255, blank=True)
    stage = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    outcome = models.CharField(max_length=4, choices=Outcome.choices, default=Outcome.OPEN)
    # Final once won or lost: never re-read again (saves Gong requests).
    final_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    fields = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "gong_opportunity"
        ordering = ["name"]
        indexes = [models.Index(fields=["outcome", "checked_at"], name="gong_opportunity_outcome_idx")]

    def __str__(self) -> str:
        return self.name or self.id


class OpportunityCall(models.Model):
    """Which opportunity a call was about (the first Opportunity in its CRM context at call time)."""

    call = models.OneToOneField("gong.Call", on_delete=models.CASCADE, related_name="opportunity_link")
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="call_links")

    class Meta:
        db_table = "gong_opportunity_call"

    def __str__(self) -> str:
        return f"{self.call_id} → {self.opportunity_id}"
