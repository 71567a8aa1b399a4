"""Pydantic models at the analysis edges.

Two families:
- `Llm*`: what Claude is asked to return (the structured-output schema). No names, timestamps or speaker
  attribution of quotes: those come from the transcript, never from the model.
- `CallAnalysisResult` and friends: what an analysis run stores (analysis_run.result) and what the coaching
  layer, reports and MCP tools read. Evidence in it is verified against the transcript.
"""

from __future__ import annotations

import functools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from knowledgebase.dimensions import DIMENSIONS

DimensionName = Literal["product_knowledge", "discovery", "objection_handling", "engagement"]
assert set(DimensionName.__args__) == set(DIMENSIONS)  # one source of truth: knowledgebase.dimensions


# --- What Claude returns -------------------------------------------------------------------------------------
# Field order is the order the model writes in: per criterion the evidence first, then met / missed / n_a, then
# the level from the anchors — so it commits to a level after looking, not before. The request's schema is built
# per request (answer_model) with criterion keys and speaker ids narrowed to enums of the rubric's own keys and
# the call's speakers; these base classes are what the code reads.
class _Llm(BaseModel):
    model_config = ConfigDict(extra="ignore")


Level = Literal[1, 2, 3, 4, 5]


# No field descriptions: they are prompt text sent with every request (four copies of the criterion's, one per
# dimension), and the instructions (prompts/instructions.md) already say what each field holds and how long it is.
class LlmCriterion(_Llm):
    key: str  # the rubric criterion's key
    evidence: list[str]  # 0-2 verbatim quotes of THIS speaker
    status: Literal["met", "missed", "n_a"]
    level: Level | None  # 1-5 from the criterion's anchors; null when n_a


class LlmDimension(_Llm):
    criteria: list[LlmCriterion]  # every criterion of the dimension's rubric, once each
    rationale: str  # ≤ 25 words


class LlmMoment(_Llm):
    quote: str
    title: str
    why: str
    kind: Literal["strength", "miss"]


class LlmProductError(_Llm):
    said: str  # the speaker's verbatim words stating the wrong fact
    correct: str  # the fact as the product documents state it
    doc_key: str  # the document stating it


class LlmDimensions(_Llm):
    product_knowledge: LlmDimension
    discovery: LlmDimension
    objection_handling: LlmDimension
    engagement: LlmDimension


class LlmSpeaker(_Llm):
    speaker_id: str
    dimensions: LlmDimensions
    product_errors: list[LlmProductError]
    key_moments: list[LlmMoment]
    strengths: list[str]
    improvements: list[str]
    summary: str


class LlmAnalysis(_Llm):
    """The structured answer for one request (a whole call, or one chunk of it)."""

    speakers: list[LlmSpeaker]


assert list(LlmDimensions.model_fields) == list(DIMENSIONS)


@functools.lru_cache(maxsize=64)
def _answer_model(criteria: tuple[tuple[str, tuple[str, ...]], ...]) -> type:
    dimensions = {}
    for dimension, keys in criteria:
        criterion = create_model(f"Criterion_{dimension}", __base__=LlmCriterion, key=(Literal[keys], ...))
        dimensions[dimension] = (
            create_model(f"Dimension_{dimension}", __base__=LlmDimension, criteria=(list[criterion], ...)),
            ...,
        )
    container = create_model("Dimensions", __base__=LlmDimensions, **dimensions)
    speaker = create_model("Speaker", __base__=LlmSpeaker, dimensions=(container, ...))
    return create_model("Analysis", __base__=LlmAnalysis, speakers=(list[speaker], ...))


def answer_model(*, criteria: dict[str, list[str]]) -> type[LlmAnalysis]:
    """The answer's model for one request: criterion keys an enum of each rubric's keys. Its JSON schema is the
    request's output format; it validates the reply. Nothing call-specific goes in it (speaker ids are checked
    after parsing, by results.answer_check): the output schema is part of the prompt-cache prefix, so a schema
    that changed per call would make every call write the rubric/KB prefix again (1.25–2× its input price)."""
    ordered = tuple((d, tuple(criteria[d])) for d in DIMENSIONS)
    return _answer_model(ordered)


# --- What a run stores ---------------------------------------------------------------------------------------
class Evidence(BaseModel):
    quote: str
    speaker_id: str
    speaker_name: str
    start_ms: int
    turn_index: int
    # When the words occur more than once in the speaker's turns: how often, and the part of a chunked call the
    # model was given (the occurrence kept is the one in that part).
    occurrences: int = 1
    part: int | None = None


class Moment(BaseModel):
    start_ms: int
    speaker_id: str
    title: str
    why: str
    kind: Literal["strength", "miss"]


class ProductError(BaseModel):
    said: str
    correct: str
    doc_key: str
    start_ms: int | None = None


class CriterionResult(BaseModel):
    """One rubric criterion as judged for one speaker, with its verified evidence."""

    key: str
    name: str = ""
    weight: int = 0
    status: Literal["met", "missed", "n_a"] = "n_a"
    level: int | None = Field(default=None, ge=1, le=5)
    evidence: list[Evidence] = Field(default_factory=list)


class DimensionResult(BaseModel):
    dimension: str
    score: int | None = Field(default=None, ge=1, le=5)  # None = N/A; computed from `criteria` (contract 2)
    rationale: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    criteria_met: list[str] = Field(default_factory=list)
    criteria_missed: list[str] = Field(default_factory=list)
    criteria: list[CriterionResult] = Field(default_factory=list)  # empty under contract 1 (history)
    cap_reason: str = ""
    rubric_version_id: int | None = None


class SpeakerResult(BaseModel):
    speaker_id: str
    name: str = ""
    email: str = ""
    user_id: str | None = None
    role: str = ""
    overall_score: float | None = None
    summary: str = ""
    strengths: list[str] = Field(default_factory=list, max_length=3)
    improvements: list[str] = Field(default_factory=list, max_length=3)
    key_moments: list[Moment] = Field(default_factory=list)
    product_errors: list[ProductError] = Field(default_factory=list)
    interaction_stats: dict = Field(default_factory=dict)
    dimensions: list[DimensionResult] = Field(default_factory=list)


class CallAnalysisResult(BaseModel):
    call_id: str
    # 1 = a holistic score per dimension (results stored before criterion scoring); 2 = analysis.scoring.
    contract: int = 1
    analyzer: Literal["claude", "offline"]
    model: str
    prompt_version: str
    speakers: list[SpeakerResult] = Field(default_factory=list)
    call_stats: dict = Field(default_factory=dict)
    chunk_count: int = 1
    quotes_verified: int = 0
    quotes_dropped: int = 0
