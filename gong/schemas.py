"""Pydantic models of what Gong sends us (API responses and webhook bodies). Unknown fields are ignored:
Gong "may, without prior warning, add fields to the JSON output" (reference/gong-api.md §2)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
