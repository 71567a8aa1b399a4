"""Ops map Gong scorecard questions to dimensions (list-editable), and see the reference scores they give."""

from __future__ import annotations

from django.contrib import admin, messages
from unfold.admin import ModelAdmin

from coaching.calibration.mapping import reference_scores_refresh
from coaching.models import ReferenceScore, ScorecardMapping
from core.admin_display import ReadOnlyModelAdmin


@admin.register(ScorecardMapping)
class ScorecardMappingAdmin(ModelAdmin):
    list_display = ["question_text", "scorecard", "question_type", "question_range", "answer_count", "dimension",
                    "scale"]  # fmt: skip
    list_editable = ["dimension", "scale"]
    list_filter = ["scale", "dimension", "question__scorecard__name"]
    search_fields = ["question__text", "question__scorecard__name"]
    list_select_related = ["question", "question__scorecard"]
    fields = ["question_text", "scorecard", "question_type", "question_range", "answer_options", "dimension",
              "scale", "range_min", "range_max", "yes_level", "no_level", "option_levels"]  # fmt: skip
    readonly_fields = ["question_text", "scorecard", "question_type", "question_range", "answer_options"]

    def has_add_permission(self, request) -> bool:
        return False  # rows appear when questions are synced from Gong

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Question", ordering="question__text")
    def question_text(self, obj: ScorecardMapping) -> str:
        return obj.question.text

    @admin.display(description="Scorecard", ordering="question__scorecard__name")
    def scorecard(self, obj: ScorecardMapping) -> str:
        card = obj.question.scorecard
        return f"{card.name} (Gong AI)" if card.review_method == "AUTOMATIC" else card.name

    @admin.display(description="Type")
    def question_type(self, obj: ScorecardMapping) -> str:
        return obj.question.question_type

    @admin.display(description="Range")
    def question_range(self, obj: ScorecardMapping) -> str:
        q = obj.question
        return f"{q.min_range}–{q.max_range}" if q.min_range is not None and q.max_range is not None else ""

    @admin.display(description="Options")
    def answer_options(self, obj: ScorecardMapping) -> str:
        return ", ".join(str(o.get("text", "")) for o in obj.question.answer_options or [] if isinstance(o, dict))

    @admin.display(description="Answers")
    def answer_count(self, obj: ScorecardMapping) -> int:
        return obj.question.answers.count()

    def save_model(self, request, obj: ScorecardMapping, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
        report = reference_scores_refresh()  # a mapping change re-derives the reference scores at once
        messages.info(request, report.summary())


@admin.register(ReferenceScore)
class ReferenceScoreAdmin(ReadOnlyModelAdmin):
    list_display = ["call_id", "rep", "dimension", "level", "reviewer", "source", "reviewed_at"]
    list_filter = ["source", "dimension"]
    search_fields = ["call__id", "call__title", "rep__email", "reviewer__email"]
    list_select_related = ["rep", "reviewer"]
    raw_id_fields = ["call", "rep", "reviewer"]
