"""Output rows of the read API (flat, stable field names a BI tool can map to columns), and its query filters."""

from __future__ import annotations

from rest_framework import serializers

from coaching.models import CoachingSession, DimensionScore, ReviewScope, WeeklyReview
from gong.models import Call
from knowledgebase.dimensions import Dimension


class CallOut(serializers.ModelSerializer):
    rep_id = serializers.CharField(source="primary_user_id", allow_null=True)
    rep_email = serializers.EmailField(source="primary_user.email", allow_null=True, default=None)
    opportunity_amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = Call
        fields = [
            "id", "title", "url", "started", "duration_s", "rep_id", "rep_email", "direction", "scope",
            "call_type", "language", "is_private", "account_name", "opportunity_name", "opportunity_stage",
            "opportunity_amount", "status", "analyzed_at",
        ]  # fmt: skip


class SessionOut(serializers.ModelSerializer):
    overall_score = serializers.DecimalField(max_digits=3, decimal_places=2, coerce_to_string=False)

    class Meta:
        model = CoachingSession
        fields = [
            "id", "call_id", "call_started", "rep_id", "speaker_id", "speaker_name", "speaker_email", "role",
            "analyzer", "is_current", "overall_score", "summary", "strengths", "improvements", "interaction_stats",
            "created_at",
        ]  # fmt: skip


class ScoreOut(serializers.ModelSerializer):
    effective_score = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="manager_score when a manager overrode it, else score"
    )

    class Meta:
        model = DimensionScore
        fields = [
            "id", "session_id", "call_started", "rep_id", "dimension", "score", "manager_score", "effective_score",
            "rationale", "evidence", "rubric_version_id", "reviewed_at", "override_needs_confirmation",
        ]  # fmt: skip


class WeeklyReviewOut(serializers.ModelSerializer):
    class Meta:
        model = WeeklyReview
        fields = ["id", "scope", "subject_id", "week", "week_start", "metrics", "trends", "skill_gaps", "sent_at"]


class PeriodFilter(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="calls started at or after (ISO 8601)")
    until = serializers.DateTimeField(required=False, help_text="calls started before (ISO 8601)")
    rep = serializers.CharField(required=False, max_length=20, help_text="Gong user id of the rep")


class CallFilter(PeriodFilter):
    pass


class SessionFilter(PeriodFilter):
    call = serializers.CharField(required=False, max_length=20, help_text="Gong call id")
    include_superseded = serializers.BooleanField(
        required=False, default=False, help_text="also sessions a re-analysis replaced (is_current false)"
    )


class ScoreFilter(SessionFilter):
    dimension = serializers.ChoiceField(choices=Dimension.choices, required=False)


class WeeklyReviewFilter(serializers.Serializer):
    week = serializers.RegexField(r"^\d{4}-W\d{2}$", required=False, help_text="ISO week, e.g. 2026-W47")
    scope = serializers.ChoiceField(choices=ReviewScope.choices, required=False)
    subject = serializers.CharField(required=False, max_length=20, help_text="Gong user id of the rep or manager")
