"""Pydantic models of what Gong sends us (API responses and webhook bodies). Unknown fields are ignored:
Gong "may, without prior warning, add fields to the JSON output" (reference/gong-api.md §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

GONG_ID_PATTERN = r"^[0-9]{1,20}$"


class _Gong(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Records(_Gong):
    total_records: int | None = Field(default=None, alias="totalRecords")
    current_page_size: int | None = Field(default=None, alias="currentPageSize")
    current_page_number: int | None = Field(default=None, alias="currentPageNumber")
    cursor: str | None = None


class CallMetaData(_Gong):
    """CallBasicData: `metaData` of extensive/webhook records and the flat items of GET /v2/calls."""

    id: str = Field(pattern=GONG_ID_PATTERN)
    url: str | None = None
    title: str | None = None
    scheduled: datetime | None = None
    started: datetime | None = None
    duration: int | None = Field(default=None, ge=0, le=2_147_483_647)
    primary_user_id: str | None = Field(default=None, alias="primaryUserId", pattern=GONG_ID_PATTERN)
    direction: str | None = None
    system: str | None = None
    scope: str | None = None
    media: str | None = None
    language: str | None = None
    workspace_id: str | None = Field(default=None, alias="workspaceId")
    purpose: str | None = None
    meeting_url: str | None = Field(default=None, alias="meetingUrl")
    is_private: bool = Field(default=False, alias="isPrivate")
    calendar_event_id: str | None = Field(default=None, alias="calendarEventId")

    @field_validator("scheduled", "started", mode="before")
    @classmethod
    def _numeric_dates(cls, value: Any) -> Any:
        # The OpenAPI spec's examples give epoch numbers for date-times (a spec bug, §7.9); accept both.
        if isinstance(value, int | float):
            try:
                return datetime.fromtimestamp(value).astimezone()
            except (OverflowError, OSError, ValueError) as exc:
                raise ValueError("date out of range") from exc
        return value


class Party(_Gong):
    id: str | None = None
    email_address: str | None = Field(default=None, alias="emailAddress")
    name: str | None = None
    title: str | None = None
    user_id: str | None = Field(default=None, alias="userId", pattern=GONG_ID_PATTERN)
    speaker_id: str | None = Field(default=None, alias="speakerId", pattern=GONG_ID_PATTERN)
    affiliation: str | None = None
    methods: list[str] = Field(default_factory=list)


class ContextField(_Gong):
    name: str | None = None
    value: Any = None


class ContextObject(_Gong):
    object_type: str | None = Field(default=None, alias="objectType")
    object_id: str | None = Field(default=None, alias="objectId")
    timing: str | None = None
    fields: list[ContextField] = Field(default_factory=list)


class CallContext(_Gong):
    system: str | None = None
    objects: list[ContextObject] = Field(default_factory=list)


class CallData(_Gong):
    """One /v2/calls/extensive record, and the webhook's `callData`."""

    meta_data: CallMetaData = Field(alias="metaData")
    parties: list[Party] | None = None
    context: list[CallContext] | None = None
    content: dict[str, Any] | None = None


class WebhookPayload(_Gong):
    call_data: CallData = Field(alias="callData")
    is_test: bool = Field(default=False, alias="isTest")


class Sentence(_Gong):
    start: int
    end: int
    text: str


class Monologue(_Gong):
    speaker_id: str | None = Field(default=None, alias="speakerId")
    topic: str | None = None
    sentences: list[Sentence] = Field(default_factory=list)


class CallTranscript(_Gong):
    call_id: str = Field(alias="callId")
    transcript: list[Monologue] = Field(default_factory=list)


class UserMetadata(_Gong):
    id: str = Field(pattern=GONG_ID_PATTERN)
    email_address: str | None = Field(default=None, alias="emailAddress")
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    title: str | None = None
    manager_id: str | None = Field(default=None, alias="managerId")
    active: bool = True


class Page(_Gong):
    """Any paged Gong response: the item list lives under an endpoint-specific key."""

    request_id: str | None = Field(default=None, alias="requestId")
    records: Records | None = None


class ErrorBody(_Gong):
    request_id: str | None = Field(default=None, alias="requestId")
    errors: list[Any] = Field(default_factory=list)


class CallRecord(_Gong):
    """An extensive call record: parsed, plus the raw dict we keep on the call row (gong_call.metadata)."""

    data: CallData
    raw: dict[str, Any]


# --- scorecards (managers' call reviews) and CRM context "now" -----------------------------------------------
# Reference: https://help.gong.io/apidocs/retrieve-scorecards-details-v2settingsscorecards and
# https://help.gong.io/apidocs/retrieve-answered-scorecards-for-applicable-reviewed-users-or-scorecards-for-a-date-range-v2statsactivityscorecards
# (Gong's docs, updated 2025-11-17). Where shared/reference/gong-api.md differs we follow Gong's docs: ids are
# typed int64 there (JSON numbers), a range answer's `score` runs "between 1 to 50", questions carry
# `questionType`, `minRange`/`maxRange`, `answerOptions`, answers carry `selectedOptions`, and a scorecard says
# whether people or Gong's AI fill it (`reviewMethod`: MANUAL | AUTOMATIC). Ids are kept as digit strings here.


def _id_text(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _optional_id(value: Any) -> Any:
    value = _id_text(value)
    return None if value in ("", "0") else value


NumericId = Annotated[str, BeforeValidator(_id_text), Field(pattern=GONG_ID_PATTERN)]
OptionalUserId = Annotated[Annotated[str, Field(pattern=GONG_ID_PATTERN)] | None, BeforeValidator(_optional_id)]


class AnswerOption(_Gong):
    id: Annotated[str, BeforeValidator(_id_text), Field(max_length=40)]
    text: str = ""


class ScorecardQuestion(_Gong):
    question_id: NumericId = Field(alias="questionId")
    question_revision_id: NumericId | None = Field(default=None, alias="questionRevisionId")
    question_text: str = Field(default="", alias="questionText")
    is_overall: bool = Field(default=False, alias="isOverall")
    question_type: str | None = Field(default=None, alias="questionType")
    min_range: int | None = Field(default=None, alias="minRange")
    max_range: int | None = Field(default=None, alias="maxRange")
    answer_options: list[AnswerOption] | None = Field(default=None, alias="answerOptions")


class Scorecard(_Gong):
    scorecard_id: NumericId = Field(alias="scorecardId")
    scorecard_name: str = Field(default="", alias="scorecardName")
    workspace_id: NumericId | None = Field(default=None, alias="workspaceId")
    enabled: bool = True
    review_method: str | None = Field(default=None, alias="reviewMethod")
    updated: datetime | None = None
    questions: list[ScorecardQuestion] = Field(default_factory=list)


class ScorecardAnswer(_Gong):
    question_id: NumericId = Field(alias="questionId")
    question_revision_id: NumericId | None = Field(default=None, alias="questionRevisionId")
    is_overall: bool = Field(default=False, alias="isOverall")
    score: int | None = Field(default=None, ge=-1000, le=1000)
    answer_text: str | None = Field(default=None, alias="answerText")
    not_applicable: bool = Field(default=False, alias="notApplicable")
    selected_options: list[Annotated[str, BeforeValidator(_id_text)]] | None = Field(
        default=None, alias="selectedOptions"
    )


class AnsweredScorecard(_Gong):
    answered_scorecard_id: NumericId = Field(alias="answeredScorecardId")
    scorecard_id: NumericId = Field(alias="scorecardId")
    scorecard_name: str = Field(default="", alias="scorecardName")
    call_id: NumericId = Field(alias="callId")
    call_start_time: datetime | None = Field(default=None, alias="callStartTime")
    reviewed_user_id: OptionalUserId = Field(default=None, alias="reviewedUserId")
    reviewer_user_id: OptionalUserId = Field(default=None, alias="reviewerUserId")
    review_time: datetime | None = Field(default=None, alias="reviewTime")
    visibility_type: str | None = Field(default=None, alias="visibilityType")
    answers: list[ScorecardAnswer] = Field(default_factory=list)


class CallContextNow(_Gong):
    """One /v2/calls/extensive record read with contentSelector.context=Extended, contextTiming=["Now"]."""

    meta_data: CallMetaData = Field(alias="metaData")
    context: list[CallContext] = Field(default_factory=list)
