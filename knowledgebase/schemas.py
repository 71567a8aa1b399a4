"""The shape of a rubric version's content, validated at every edge (admin form, import, services).

Content is stored normalised (``RubricContent.model_dump``) so its canonical JSON, and therefore its SHA-256,
does not depend on key order, whitespace or which editor produced it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator, model_validator

# Interaction stats the analysis layer computes from timestamps; an indicator may point at one of them.
STAT_NAMES: tuple[str, ...] = (
    "talk_ratio",
    "longest_monologue_s",
    "longest_customer_story_s",
    "interactivity",
    "patience_s",
    "question_count",
)
ANCHOR_LEVELS: tuple[str, ...] = ("1", "2", "3", "4", "5")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=80)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Indicator(_Strict):
    """One observable behaviour: phrases an analyzer can find in the transcript and/or a computed stat range."""

    text: NonEmpty
    keywords: list[NonEmpty] = Field(default_factory=list)
    stat: str | None = None
    stat_min: float | None = None
    stat_max: float | None = None

    @field_validator("stat")
    @classmethod
    def _known_stat(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if value not in STAT_NAMES:
            raise ValueError(f"unknown stat {value!r}; use one of: {', '.join(STAT_NAMES)}")
        return value

    @model_validator(mode="after")
    def _stat_range(self) -> Indicator:
        has_range = self.stat_min is not None or self.stat_max is not None
        if has_range and self.stat is None:
            raise ValueError("stat_min/stat_max need a stat")
        if self.stat is not None and not has_range:
            raise ValueError(f"stat {self.stat!r} needs stat_min and/or stat_max")
        if self.stat_min is not None and self.stat_max is not None and self.stat_min > self.stat_max:
            raise ValueError("stat_min must not be greater than stat_max")
        return self


class Criterion(_Strict):
    key: Slug
    name: NonEmpty
    weight: int = Field(ge=1, le=100)
    description: NonEmpty
    positive_indicators: list[Indicator] = Field(min_length=1)
    negative_indicators: list[Indicator] = Field(min_length=1)
    anchors: dict[str, str]
    # A gate: the dimension's score is at most this criterion's level (e.g. accuracy: one wrong claim caps it).
    caps_score: bool | None = None
    # A presence criterion (a next step agreed, the critical event asked about): shown once anywhere in the call
    # is the behaviour, so in a call analysed in parts one part that shows it outweighs parts that did not.
    # Unset: judged throughout the call (parts that disagree are averaged) — see analysis/merge.py.
    once_is_enough: bool | None = None

    @field_validator("positive_indicators", "negative_indicators", mode="before")
    @classmethod
    def _some_indicators(cls, value: Any) -> Any:
        if not value:
            raise ValueError("needs at least one indicator")
        return value

    @field_validator("anchors", mode="before")
    @classmethod
    def _anchor_levels(cls, value: Any) -> dict[str, str]:
        if not isinstance(value, dict):
            raise ValueError("anchors must map levels 1–5 to a description")
        anchors = {str(level).strip(): str(text or "").strip() for level, text in value.items()}
        missing = [level for level in ANCHOR_LEVELS if not anchors.get(level)]
        extra = sorted(set(anchors) - set(ANCHOR_LEVELS))
        if missing:
            raise ValueError(f"anchors 1–5 must all be present and non-empty (missing: {', '.join(missing)})")
        if extra:
            raise ValueError(f"anchors only take levels 1–5 (unexpected: {', '.join(extra)})")
        return {level: anchors[level] for level in ANCHOR_LEVELS}


class CalibrationExample(_Strict):
    """A short, anchored excerpt shown to the scorer: what a given level of one criterion looks like."""

    criterion: Slug
    level: int = Field(ge=1, le=5)
    excerpt: NonEmpty = Field(max_length=400)
    why: NonEmpty = Field(max_length=300)


class RubricContent(_Strict):
    """A rubric version: weighted criteria (weights sum to 100), the rule for scoring N/A, optional scoring caps
    and calibration examples. The dimension score is computed from the criteria (analysis/scoring.py)."""

    criteria: list[Criterion] = Field(min_length=1)
    na_rule: NonEmpty
    # A verified product error made by the speaker caps this dimension's score at this level.
    error_cap: int | None = Field(default=None, ge=1, le=5)
    examples: list[CalibrationExample] | None = Field(default=None, max_length=4)

    @model_validator(mode="after")
    def _weights_and_keys(self) -> RubricContent:
        keys = [criterion.key for criterion in self.criteria]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"criterion keys must be unique (repeated: {', '.join(duplicates)})")
        total = sum(criterion.weight for criterion in self.criteria)
        if total != 100:
            raise ValueError(f"criterion weights must sum to 100 (they sum to {total})")
        unknown = sorted({e.criterion for e in self.examples or []} - set(keys))
        if unknown:
            raise ValueError(f"examples name unknown criteria: {', '.join(unknown)}")
        return self

    def normalized(self) -> dict:
        """The stored form: plain JSON types, optional fields left out when unset."""
        return self.model_dump(mode="json", exclude_none=True)


def rubric_content_parse(content: Any) -> RubricContent:
    """Validate raw content (a dict from YAML/JSON/the admin); raises pydantic.ValidationError."""
    return RubricContent.model_validate(content)


def validation_messages(exc: ValidationError) -> list[str]:
    """Readable one-line messages, each prefixed with where the problem is (e.g. ``criteria[2].anchors``)."""
    messages = []
    for error in exc.errors(include_url=False):
        where = ""
        for part in error["loc"]:
            where += f"[{part}]" if isinstance(part, int) else (f".{part}" if where else str(part))
        text = error["msg"].removeprefix("Value error, ")
        messages.append(f"{where}: {text}" if where else text)
    return messages


def canonical_json(value: Any) -> str:
    """Sorted keys, no whitespace, UTF-8 kept: the byte form every knowledge-base hash is taken over."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def rubric_content_sha256(content: dict) -> str:
    """SHA-256 of normalised rubric content (call with ``RubricContent.normalized()``)."""
    return sha256_of(content)


def document_body_normalize(body: str) -> str:
    """Line endings to \\n, trailing spaces and blank edges removed, so re-saving a form is a no-op."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def document_sha256(*, title: str, body: str) -> str:
    """SHA-256 of a document version's title and (normalised) body."""
    return sha256_of({"title": title.strip(), "body": document_body_normalize(body)})
