"""Pydantic models at the analysis edges.

Two families:
- `Llm*`: what Claude is asked to return (the structured-output schema). No names, timestamps or speaker
  attribution of quotes: those come from the transcript, never from the model.
- `CallAnalysisResult` and friends: what an analysis run stores (analysis_run.result) and what the coaching
  layer, reports and MCP tools read. Evidence in it is verified against the transcript.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knowledgebase.dimensions import DIMENSIONS

DimensionName = Literal["product_knowledge", "discovery", "objection_handling", "engagement"]
assert set(DimensionName.__args__) == set(DIMENSIONS)  # one source of truth: knowledgebase.dimensions


# --- What Claude returns -------------------------------------------------------------------------------------
class _Llm(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LlmDimension(_Llm):
    dimension: DimensionName
    score: int | None = Field(description="1-5 per the rubric anchors; null = N/A (the rubric's N/A rule applies)")
    rationale: str = Field(description="At most 40 words, citing what was observed")
    quotes: list[str] = Field(description="Up to 3 short verbatim quotes of this speaker backing the score")
    criteria_met: list[str] = Field(description="Rubric criterion keys clearly met")
    criteria_missed: list[str] = Field(description="Rubric criterion keys missed or violated")

    @field_validator("score")
    @classmethod
    def _score_range(cls, value: int | None) -> int | None:
        if value is not None and not 1 <= value <= 5:
            raise ValueError("score must be 1-5 or null")
        return value


class LlmMoment(_Llm):
    quote: str = Field(description="Verbatim words from the transcript where the moment happens")
    title: str = Field(description="At most 8 words")
    why: str = Field(description="At most 25 words: why it mattered")
    kind: Literal["strength", "miss"]


class LlmProductError(_Llm):
    said: str = Field(description="Verbatim words of the speaker that state the wrong fact")
    correct: str = Field(description="The correct fact, as the product documents state it")
    doc_key: str = Field(description="Key of the product document holding the correct fact")


class LlmSpeaker(_Llm):
    speaker_id: str
    summary: str = Field(description="At most 40 words")
    strengths: list[str] = Field(description="Up to 3, at most 15 words each")
    improvements: list[str] = Field(description="Up to 3 concrete actions, at most 20 words each")
    key_moments: list[LlmMoment] = Field(description="Up to 3 most impactful moments")
    product_errors: list[LlmProductError]
    dimensions: list[LlmDimension]


class LlmAnalysis(_Llm):
    """The structured answer for one request (a whole call, or one chunk of it)."""

    speakers: list[LlmSpeaker]


# --- What a run stores ---------------------------------------------------------------------------------------
class Evidence(BaseModel):
    quote: str
    speaker_id: str
    speaker_name: str
    start_ms: int
    turn_index: int


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


class DimensionResult(BaseModel):
    dimension: str
    score: int | None = Field(default=None, ge=1, le=5)  # None = N/A
    rationale: str = ""
    evidence: list[Evidence] = Field(default_factory=list)
    criteria_met: list[str] = Field(default_factory=list)
    criteria_missed: list[str] = Field(default_factory=list)
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
    analyzer: Literal["claude", "offline"]
    model: str
    prompt_version: str
    speakers: list[SpeakerResult] = Field(default_factory=list)
    call_stats: dict = Field(default_factory=dict)
    chunk_count: int = 1
    quotes_verified: int = 0
    quotes_dropped: int = 0
