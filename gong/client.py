"""A thin typed client for the Gong v2 endpoints we use (reference: /work/shared/reference/gong-api.md).

Paging is hidden (GET: `?cursor=`, POST: body `cursor`; an expired cursor restarts the sequence); Gong's 404
"No calls found corresponding to the provided filters" is an empty result; 401/403 raise GongAuthError;
429/5xx/timeouts are retried with exponential backoff honouring Retry-After, but a wait longer than
GONG_MAX_RETRY_WAIT_S (e.g. the daily quota, which answers hours) raises GongRateLimited instead of sleeping.
Every request first takes a slot from the shared rate limiter (gong/ratelimit.py). The client never touches
the ORM beyond that limiter's one statement.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pydantic import ValidationError

from core.metrics import GONG_REQUESTS
from core.text import json_storable
from gong.errors import GongAuthError, GongCursorExpired, GongError, GongNotFound, GongRateLimited
from gong.ratelimit import PostgresRateLimiter
from gong.schemas import (
    AnsweredScorecard,
    CallContextNow,
    CallData,
    CallMetaData,
    CallRecord,
    CallTranscript,
    ErrorBody,
    Scorecard,
    UserMetadata,
)

logger = logging.getLogger(__name__)

MAX_IDS_PER_REQUEST = 100  # Gong's page size; more ids would only spread over pages
EMPTY_404_MARKER = "found corresponding to the provided filters"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_CURSOR_RESTARTS = 2


class RateLimiter(Protocol):
    def acquire(self) -> None: ...


class GongClient:
    """Gong API client (Basic auth with an access key and secret)."""

    def __init__(
        self,
        *,
        base_url: str,
        access_key: str,
        access_key_secret: str,
        limiter: RateLimiter,
        timeout_s: float = 30.0,
        max_retries: int = 5,
        max_retry_wait_s: float = 60.0,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = (min(5.0, timeout_s), timeout_s)
        self.max_retries = max_retries
        self.max_retry_wait_s = max_retry_wait_s
        self.limiter = limiter
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.auth = (access_key, access_key_secret)
        # Call id → why Gong's record for it could not be read (filled by calls_extensive/transcripts): one bad
        # record is set aside with its reason instead of failing the whole batch of up to 100 calls.
        self.unreadable: dict[str, str] = {}
        self.session.headers.update({"Accept": "application/json", "User-Agent": "callcoach/1.0"})

    @classmethod
    def from_settings(cls) -> GongClient:
        """A client built from GONG_* settings; ImproperlyConfigured names a missing credential."""
        for name in ("GONG_BASE_URL", "GONG_ACCESS_KEY", "GONG_ACCESS_KEY_SECRET"):
            if not getattr(settings, name, ""):
                raise ImproperlyConfigured(f"{name} is not set: the Gong client needs it")
        limiter = PostgresRateLimiter(
            rate_per_second=settings.GONG_RATE_PER_SECOND, daily_budget=settings.GONG_DAILY_BUDGET
        )
        return cls(
            base_url=settings.GONG_BASE_URL,
            access_key=settings.GONG_ACCESS_KEY,
            access_key_secret=settings.GONG_ACCESS_KEY_SECRET,
            limiter=limiter,
            timeout_s=settings.GONG_TIMEOUT_S,
            max_retries=settings.GONG_MAX_RETRIES,
            max_retry_wait_s=settings.GONG_MAX_RETRY_WAIT_S,
        )

    # --- endpoints -------------------------------------------------------------------------------------------

    def users(self) -> list[UserMetadata]:
        """Every Gong user of the company (all pages)."""
        # Reference: https://gong.app.gong.io/settings/api/documentation#get-/v2/users (gong-api.md §3.5)
        items = self._paged("GET", "/v2/users", items_key="users")
        return [UserMetadata.model_validate(item) for item in items]

    def calls(self, *, from_dt: datetime, to_dt: datetime) -> list[CallMetaData]:
        """Calls that started in [from_dt, to_dt) (flat CallBasicData; all pages)."""
        params = {"fromDateTime": from_dt.isoformat(), "toDateTime": to_dt.isoformat()}
        # Reference: https://gong.app.gong.io/settings/api/documentation#get-/v2/calls (gong-api.md §3.1)
        items = self._paged("GET", "/v2/calls", items_key="calls", params=params)
        return [CallMetaData.model_validate(item) for item in items]

    def calls_extensive(self, *, call_ids: Iterable[str]) -> list[CallRecord]:
        """metaData, parties and CRM context of these calls (≤ 100 ids per request)."""
        records: list[CallRecord] = []
        for chunk in _chunks(list(call_ids)):
            body = {
                "filter": {"callIds": chunk},
                "contentSelector": {
                    "context": "Extended",
                    "exposedFields": {"parties": True, "content": {"topics": True, "trackers": True}},
                },
            }
            # Reference: https://gong.app.gong.io/settings/api/documentation#post-/v2/calls/extensive (§3.3)
            for item in self._paged("POST", "/v2/calls/extensive", items_key="calls", body=body):
                data = self._readable(CallData, item, call_id=_item_id(item, "metaData", "id"))
                if data is not None:
                    records.append(CallRecord(data=data, raw=item))
        return records

    def transcripts(self, *, call_ids: Iterable[str]) -> list[CallTranscript]:
        """Transcripts of these calls; a call Gong has not transcribed yet is simply absent."""
        transcripts: list[CallTranscript] = []
        for chunk in _chunks(list(call_ids)):
            body = {"filter": {"callIds": chunk}}
            # Reference: https://gong.app.gong.io/settings/api/documentation#post-/v2/calls/transcript (§3.4)
            items = self._paged("POST", "/v2/calls/transcript", items_key="callTranscripts", body=body)
            for item in items:
                transcript = self._readable(CallTranscript, item, call_id=_item_id(item, "callId"))
                if transcript is not None:
                    transcripts.append(transcript)
        return transcripts

    def scorecards(self) -> list[Scorecard]:
        """Every scorecard definition with its questions (GET /v2/settings/scorecards, one request)."""
        # Reference: https://help.gong.io/apidocs/retrieve-scorecards-details-v2settingsscorecards
        items = self._paged("GET", "/v2/settings/scorecards", items_key="scorecards")
        return [card for item in items if (card := self._readable(Scorecard, item, call_id="scorecard")) is not None]

    def answered_scorecards(self, *, review_from: date, review_to: date) -> list[AnsweredScorecard]:
        """Scorecards answered (reviewed) in [review_from, review_to), all pages; dates in the company's zone."""
        body = {"filter": {"reviewFromDate": review_from.isoformat(), "reviewToDate": review_to.isoformat()}}
        # Reference: https://help.gong.io/apidocs/retrieve-answered-scorecards-for-applicable-reviewed-users-or-scorecards-for-a-date-range-v2statsactivityscorecards
        items = self._paged("POST", "/v2/stats/activity/scorecards", items_key="answeredScorecards", body=body)
        answered = []
        for item in items:
            parsed = self._readable(AnsweredScorecard, item, call_id=_item_id(item, "callId"))
            if parsed is not None:
                answered.append(parsed)
        return answered

    def calls_context_now(self, *, call_ids: Iterable[str]) -> list[CallContextNow]:
        """The CRM context of these calls as it stands now (≤ 100 ids per request; no other sections)."""
        records: list[CallContextNow] = []
        for chunk in _chunks(list(call_ids)):
            body = {"filter": {"callIds": chunk}, "contentSelector": {"context": "Extended", "contextTiming": ["Now"]}}
            # Reference: https://gong.app.gong.io/settings/api/documentation#post-/v2/calls/extensive (§3.3:
            # contextTiming "Now" gives the CRM objects' current field values, "TimeOfCall" the snapshot)
            for item in self._paged("POST", "/v2/calls/extensive", items_key="calls", body=body):
                parsed = self._readable(CallContextNow, item, call_id=_item_id(item, "metaData", "id"))
                if parsed is not None:
                    records.append(parsed)
        return records

    def _readable(self, model, item: Any, *, call_id: str):
        """The item parsed into `model`, or None (recorded in `unreadable` by call id) when it does not fit."""
        try:
            return model.model_validate(item)
        except ValidationError as exc:
            first = exc.errors(include_input=False, include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            self.unreadable[call_id] = f"Gong returned a record we cannot read ({where}: {first['msg']})"[:300]
            return None

    # --- paging and retries ----------------------------------------------------------------------------------

    def _paged(
        self, method: str, path: str, *, items_key: str, params: dict | None = None, body: dict | None = None
    ) -> list[dict[str, Any]]:
        """All items of a paged endpoint. An expired cursor restarts from the first page (filters unchanged)."""
        for _restart in range(MAX_CURSOR_RESTARTS + 1):
            items: list[dict[str, Any]] = []
            cursor: str | None = None
            try:
                while True:
                    page = self._page(method, path, params=params, body=body, cursor=cursor)
                    if page is None:
                        return items
                    items.extend(page.get(items_key) or [])
                    cursor = (page.get("records") or {}).get("cursor")
                    if not cursor:
                        return items
            except GongCursorExpired:
                logger.warning("gong cursor expired on %s %s; restarting the paging sequence", method, path)
        raise GongError(f"{method} {path}: cursor kept expiring after {MAX_CURSOR_RESTARTS} restarts")

    def _page(
        self, method: str, path: str, *, params: dict | None, body: dict | None, cursor: str | None
    ) -> dict[str, Any] | None:
        """One page; None for Gong's empty-result 404."""
        if cursor and method == "GET":
            params = {**(params or {}), "cursor": cursor}
        elif cursor:
            body = {**(body or {}), "cursor": cursor}  # POST cursors go in the body; Gong ignores ?cursor= there
        try:
            return self._request(method, path, params=params, body=body)
        except GongNotFound as exc:
            if EMPTY_404_MARKER in exc.message:
                return None
            raise

    def _request(self, method: str, path: str, *, params: dict | None, body: dict | None) -> dict[str, Any]:
        url = self.base_url + path
        for attempt in range(self.max_retries + 1):
            self.limiter.acquire()
            try:
                response = self.session.request(method, url, params=params, json=body, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                GONG_REQUESTS.labels(endpoint=f"{method} {path}", status="error").inc()
                if attempt >= self.max_retries:
                    raise GongError(f"{method} {path}: Gong unreachable ({type(exc).__name__})") from exc
                self._backoff(attempt, None, f"{type(exc).__name__}")
                continue
            GONG_REQUESTS.labels(endpoint=f"{method} {path}", status=str(response.status_code)).inc()
            if response.status_code == 200:
                return json_storable(response.json())
            if response.status_code in RETRY_STATUSES and attempt < self.max_retries:
                self._backoff(attempt, _retry_after(response), f"HTTP {response.status_code}")
                continue
            raise _error_for(method, path, response)
        raise AssertionError("unreachable")  # pragma: no cover

    def _backoff(self, attempt: int, retry_after: float | None, why: str) -> None:
        wait = retry_after if retry_after is not None else min(30.0, 0.5 * 2**attempt) * (0.5 + random.random())  # noqa: S311
        if wait > self.max_retry_wait_s:
            raise GongRateLimited(f"Gong asked us to wait {wait:.0f}s ({why})", retry_after=wait)
        logger.info("gong %s; retrying in %.2fs", why, wait)
        self.sleep(wait)


def _item_id(item: Any, *path: str) -> str:
    for key in path:
        item = item.get(key) if isinstance(item, dict) else None
    return str(item) if item is not None else "?"


def _chunks(ids: list[str]) -> list[list[str]]:
    unique = list(dict.fromkeys(ids))
    return [unique[i : i + MAX_IDS_PER_REQUEST] for i in range(0, len(unique), MAX_IDS_PER_REQUEST)]


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _error_for(method: str, path: str, response: requests.Response) -> GongError:
    try:
        parsed = ErrorBody.model_validate(response.json())
    except ValueError:
        parsed = ErrorBody()
    detail = "; ".join(str(e) for e in parsed.errors) or response.reason or "error"
    message = f"{method} {path}: HTTP {response.status_code}: {detail}"
    status, request_id = response.status_code, parsed.request_id
    if status in (401, 403):
        return GongAuthError(message + " (check GONG_ACCESS_KEY / GONG_ACCESS_KEY_SECRET and scopes)", status=status)
    if status == 429:
        retry = _retry_after(response) or 1.0
        return GongRateLimited(message, retry_after=retry, request_id=request_id)
    if status == 404:
        return GongNotFound(message, status=status, request_id=request_id)
    if "cursor has expired" in detail.lower():
        return GongCursorExpired(message, status=status, request_id=request_id)
    return GongError(message, status=status, request_id=request_id)
