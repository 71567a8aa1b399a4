"""The Gong v2 endpoints the simulator serves, as pure request → response functions over a Corpus.

Reference: /work/shared/reference/gong-api.md §3 (endpoints), §4 (fields), §5 (paging, errors), §7 (gotchas).

Routes (anything else → 404 ``{"requestId", "errors": ["Not found"]}``):
* ``GET /v2/users?cursor=`` → ``{requestId, records, users: [UserMetadata]}``; ``GET /v2/users/{id}`` →
  ``{requestId, user}``; ``POST /v2/users/extensive`` body ``{cursor?, filter: {userIds?, createdFromDateTime?,
  createdToDateTime?}}``.
* ``GET /v2/calls?fromDateTime=&toDateTime=&cursor=`` → ``{requestId, records, calls: [CallBasicData]}`` (flat
  items, not wrapped in metaData; web-conference calls filtered by ``scheduled``, others by ``started``).
  ``GET /v2/calls/{id}`` → ``{requestId, call}``. ``POST /v2/calls`` (Gong: *create* a call) → 400.
* ``POST /v2/calls/extensive`` body ``{cursor?, filter: {callIds?, fromDateTime?, toDateTime?, primaryUserIds?,
  workspaceId?}, contentSelector: {context: None|Basic|Extended, exposedFields: {parties, media, content: {...},
  interaction: {...}}}}`` → ``{requestId, records, calls: [{metaData, context?, parties?, content?,
  interaction?, media?}]}``; only selected sections appear (metaData always).
* ``POST /v2/calls/transcript`` body ``{cursor?, filter: {callIds?, fromDateTime?, toDateTime?, workspaceId?}}``
  → ``{requestId, records, callTranscripts: [{callId, transcript: [{speakerId, topic, sentences: [{start, end,
  text}]}]}]}``. A call whose transcript is not ready yet (late call) is simply absent, as in Gong.
* ``GET /v2/workspaces`` → ``{requestId, workspaces: [{id, name, description}]}``.
* ``GET /v2/settings/scorecards`` → ``{requestId, scorecards: [...]}``; ``POST /v2/stats/activity/scorecards``
  body ``{cursor?, filter: {callFromDate?, callToDate?, reviewFromDate?, reviewToDate? (YYYY-MM-DD, from
  inclusive, to exclusive), reviewedUserIds?, scorecardIds?, reviewMethod?}}`` → ``{requestId, records,
  answeredScorecards}`` (shapes and planted answers: gong/simulator/scorecards.py; empty → 404 "No scorecards
  found corresponding to the provided filters"). ``contentSelector.contextTiming`` (``Now`` by default,
  ``TimeOfCall``) picks the CRM context's state: gong/simulator/outcomes.py.

Dates filter start time, ``fromDateTime`` inclusive, ``toDateTime`` exclusive; from ≥ to → 400. Lists hold
``page_size`` (100) records; ``records = {totalRecords, currentPageSize, currentPageNumber (0-based), cursor?}``
where ``cursor`` is present only when more pages remain. The cursor is an opaque HS256 JWT bound to the endpoint
and filter; its lifetime runs from the first page of the sequence. Errors are ``{"requestId", "errors": [str]}``:
empty result → 404 "No calls found corresponding to the provided filters" (users: "No users found …"), expired
cursor → 400 "cursor has expired", foreign/garbled cursor → 400 "Invalid cursor", malformed body → 400.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import jwt

from gong.simulator.corpus import Corpus
from gong.simulator.outcomes import OutcomePlan
from gong.simulator.scorecards import ScorecardPlan

NO_CALLS = "No calls found corresponding to the provided filters"
NO_USERS = "No users found corresponding to the provided filters"
CONFERENCE_SYSTEMS = {"Zoom", "Google Meet", "Microsoft Teams", "Webex"}
CONTENT_KEYS = ("structure", "topics", "trackers", "pointsOfInterest", "brief", "outline", "highlights", "keyPoints")


class ApiError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Reply:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def parse_datetime(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ApiError(400, f"{name}: must be an ISO-8601 date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(400, f"{name}: '{value}' is not a valid ISO-8601 date-time") from None
    if parsed.tzinfo is None:
        raise ApiError(400, f"{name}: '{value}' must include a time zone offset")
    return parsed


def _date_range(filters: dict[str, Any], prefix: str = "filter.") -> tuple[datetime | None, datetime | None]:
    start = filters.get("fromDateTime")
    end = filters.get("toDateTime")
    start_dt = parse_datetime(start, f"{prefix}fromDateTime") if start is not None else None
    end_dt = parse_datetime(end, f"{prefix}toDateTime") if end is not None else None
    if start_dt and end_dt and start_dt >= end_dt:
        raise ApiError(400, f"{prefix}fromDateTime: must be before toDateTime")
    return start_dt, end_dt


def _in_range(moment: str, start: datetime | None, end: datetime | None) -> bool:
    when = datetime.fromisoformat(moment)
    return (start is None or when >= start) and (end is None or when < end)


def _string_list(value: Any, name: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str | int) for item in value):
        raise ApiError(400, f"{name}: must be an array of id strings")
    return [str(item) for item in value]


class GongApi:
    """Route a request to its endpoint; `now` is the server's (adjustable) clock."""

    started_at: datetime | None = None  # set by the server at start; late transcripts count from here

    def __init__(self, corpus: Corpus, *, page_size: int, cursor_ttl_s: int, secret: str, base_url: str = ""):
        self.corpus = corpus
        self.page_size = page_size
        self.cursor_ttl_s = cursor_ttl_s
        self.secret = secret
        self.base_url = base_url
        self._calls_by_id = {record["metaData"]["id"]: record for record in corpus.calls}
        self._users_by_id = {user["id"]: user for user in corpus.users}
        self.scorecards = ScorecardPlan(corpus)
        self.outcomes = OutcomePlan(corpus)

    # -- routing ----------------------------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: dict[str, str], body: bytes, *, now: datetime) -> Reply:
        path = path.rstrip("/") or "/"
        payload = self._json(body) if method == "POST" else {}
        routes = {
            ("GET", "/v2/users"): lambda: self.users_list(query, now),
            ("POST", "/v2/users/extensive"): lambda: self.users_extensive(payload, now),
            ("GET", "/v2/calls"): lambda: self.calls_list(query, now),
            ("POST", "/v2/calls"): lambda: self._create_call(),
            ("POST", "/v2/calls/extensive"): lambda: self.calls_extensive(payload, now),
            ("POST", "/v2/calls/transcript"): lambda: self.calls_transcript(payload, now),
            ("GET", "/v2/workspaces"): lambda: Reply(200, {"workspaces": [self.corpus.workspace]}),
            ("GET", "/v2/settings/scorecards"): lambda: Reply(200, {"scorecards": self.scorecards.definitions}),
            ("POST", "/v2/stats/activity/scorecards"): lambda: self.scorecards_answered(payload, now),
        }
        if (method, path) in routes:
            return routes[(method, path)]()
        if method == "GET" and (match := re.fullmatch(r"/v2/(calls|users)/(\d{1,20})", path)):
            return self._one(match.group(1), match.group(2))
        raise ApiError(404, "Not found")

    @staticmethod
    def endpoint_label(method: str, path: str) -> str:
        """Stats key: the route template, e.g. 'GET /v2/calls/{id}'."""
        path = re.sub(r"/\d{1,20}$", "/{id}", path.rstrip("/") or "/")
        return f"{method} {path}"

    @staticmethod
    def _json(body: bytes) -> dict[str, Any]:
        try:
            payload = json.loads(body or b"{}")
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ApiError(400, "Malformed request: body is not valid JSON") from None
        if not isinstance(payload, dict):
            raise ApiError(400, "Malformed request: body must be a JSON object")
        return payload

    @staticmethod
    def _filter(payload: dict[str, Any]) -> dict[str, Any]:
        filters = payload.get("filter")
        if not isinstance(filters, dict):
            raise ApiError(400, "filter: must not be null")
        return filters

    def _create_call(self) -> Reply:
        raise ApiError(400, "Malformed request: POST /v2/calls creates a call; list calls with GET /v2/calls")

    def _one(self, kind: str, item_id: str) -> Reply:
        if kind == "calls":
            record = self._calls_by_id.get(item_id)
            if record is None:
                raise ApiError(404, "Call ID was not found")
            return Reply(200, {"call": record["metaData"]})
        user = self._users_by_id.get(item_id)
        if user is None:
            raise ApiError(404, "User not found")
        return Reply(200, {"user": user})

    # -- paging -----------------------------------------------------------------------------------------------
    def _page(self, key: str, items: list[Any], cursor: Any, now: datetime, empty: str) -> tuple[list, dict]:
        """One page of `items` for the request identified by `key` (endpoint + canonical filter)."""
        fingerprint = hashlib.sha256(key.encode()).hexdigest()[:32]
        page_number, expires = 0, int(now.timestamp()) + self.cursor_ttl_s
        if cursor not in (None, ""):
            page_number, expires = self._cursor_read(cursor, fingerprint, now)
        if not items:
            raise ApiError(404, empty)
        start = page_number * self.page_size
        page = items[start : start + self.page_size]
        records: dict[str, Any] = {
            "totalRecords": len(items),
            "currentPageSize": len(page),
            "currentPageNumber": page_number,
        }
        if start + self.page_size < len(items):
            claims = {"f": fingerprint, "pageNumber": page_number + 1, "pageSize": self.page_size}
            claims |= {"total": len(items), "exp": expires}
            records["cursor"] = jwt.encode(claims, self.secret, algorithm="HS256", headers={"typ": None})
        return page, records

    def _cursor_read(self, cursor: Any, fingerprint: str, now: datetime) -> tuple[int, int]:
        if not isinstance(cursor, str):
            raise ApiError(400, "Invalid cursor")
        try:
            claims = jwt.decode(cursor, self.secret, algorithms=["HS256"], options={"verify_exp": False})
        except jwt.PyJWTError:
            raise ApiError(400, "Invalid cursor") from None
        if claims.get("f") != fingerprint:
            raise ApiError(400, "Invalid cursor: all request inputs other than the cursor must stay the same")
        if now.timestamp() >= claims["exp"]:
            raise ApiError(400, "cursor has expired")
        return int(claims["pageNumber"]), int(claims["exp"])

    # -- users ------------------------------------------------------------------------------------------------
    def users_list(self, query: dict[str, str], now: datetime) -> Reply:
        page, records = self._page("users", self.corpus.users, query.get("cursor"), now, NO_USERS)
        return Reply(200, {"records": records, "users": page})

    def users_extensive(self, payload: dict[str, Any], now: datetime) -> Reply:
        filters = self._filter(payload)
        ids = _string_list(filters.get("userIds"), "filter.userIds")
        start = filters.get("createdFromDateTime")
        end = filters.get("createdToDateTime")
        start_dt = parse_datetime(start, "filter.createdFromDateTime") if start else None
        end_dt = parse_datetime(end, "filter.createdToDateTime") if end else None
        users = [
            user
            for user in self.corpus.users
            if (ids is None or user["id"] in ids) and _in_range(user["created"], start_dt, end_dt)
        ]
        key = "users/extensive:" + json.dumps(filters, sort_keys=True)
        page, records = self._page(key, users, payload.get("cursor"), now, NO_USERS)
        return Reply(200, {"records": records, "users": page})

    # -- calls ------------------------------------------------------------------------------------------------
    def calls_list(self, query: dict[str, str], now: datetime) -> Reply:
        start, end = _date_range(query, prefix="")
        if query.get("workspaceId") and query["workspaceId"] != self.corpus.workspace["id"]:
            raise ApiError(404, NO_CALLS)
        calls = []
        for record in self.corpus.calls:
            meta = record["metaData"]
            moment = meta["scheduled"] if meta["system"] in CONFERENCE_SYSTEMS else meta["started"]
            if _in_range(moment, start, end):
                calls.append(meta)
        key = f"calls:{query.get('fromDateTime')}:{query.get('toDateTime')}:{query.get('workspaceId')}"
        page, records = self._page(key, calls, query.get("cursor"), now, NO_CALLS)
        return Reply(200, {"records": records, "calls": page})

    def _calls_matching(self, filters: dict[str, Any]) -> list[dict[str, Any]]:
        start, end = _date_range(filters)
        ids = _string_list(filters.get("callIds"), "filter.callIds")
        hosts = _string_list(filters.get("primaryUserIds"), "filter.primaryUserIds")
        workspace = filters.get("workspaceId")
        wanted = set(ids) if ids is not None else None
        return [
            record
            for record in self.corpus.calls
            if (wanted is None or record["metaData"]["id"] in wanted)
            and (hosts is None or record["metaData"]["primaryUserId"] in hosts)
            and (workspace in (None, "", record["metaData"]["workspaceId"]))
            and _in_range(record["metaData"]["started"], start, end)
        ]

    def calls_extensive(self, payload: dict[str, Any], now: datetime) -> Reply:
        filters = self._filter(payload)
        selector = payload.get("contentSelector") or {}
        if not isinstance(selector, dict):
            raise ApiError(400, "contentSelector: must be an object")
        matching = self._calls_matching(filters)
        key = "calls/extensive:" + json.dumps([filters, selector], sort_keys=True)
        page, records = self._page(key, matching, payload.get("cursor"), now, NO_CALLS)
        calls = [self._project(record, selector, now) for record in page]
        return Reply(200, {"records": records, "calls": calls})

    def _project(self, record: dict[str, Any], selector: dict[str, Any], now: datetime) -> dict[str, Any]:
        """Only the sections the contentSelector asks for, as Gong does (CRM context as of contextTiming)."""
        fields = selector.get("exposedFields") or {}
        out: dict[str, Any] = {"metaData": record["metaData"]}
        context = selector.get("context") or "None"
        timing = selector.get("contextTiming") or ["Now"]
        if context in ("Extended", "Basic") and not (isinstance(timing, list) and set(timing) <= {"Now", "TimeOfCall"}):
            raise ApiError(400, "contentSelector.contextTiming: must be an array of Now, TimeOfCall")
        if context == "Extended":
            out["context"] = self.outcomes.context(record, timing=timing, now=now)
        elif context == "Basic":
            out["context"] = [
                {**system, "objects": [{k: v for k, v in obj.items() if k != "fields"} for obj in system["objects"]]}
                for system in self.outcomes.context(record, timing=timing, now=now)
            ]
        if fields.get("parties"):
            out["parties"] = record["parties"]
        content = fields.get("content") or {}
        chosen = {key: record["content"][key] for key in CONTENT_KEYS if content.get(key) and key in record["content"]}
        if chosen:
            out["content"] = chosen
        interaction = fields.get("interaction") or {}
        picked = {key: value for key, value in record["interaction"].items() if interaction.get(key)}
        if interaction.get("personInteractionStats"):
            picked["interactionStats"] = record["interaction"]["interactionStats"]
        if picked:
            out["interaction"] = picked
        if fields.get("media"):
            call_id = record["metaData"]["id"]
            out["media"] = {
                "audioUrl": f"{self.base_url}/media/{call_id}.mp3?expires=28800",
                "videoUrl": f"{self.base_url}/media/{call_id}.mp4?expires=28800",
            }
        return out

    def calls_transcript(self, payload: dict[str, Any], now: datetime) -> Reply:
        filters = self._filter(payload)
        ready = [
            self.corpus.transcripts[record["metaData"]["id"]]
            for record in self._calls_matching(filters)
            if self.corpus.transcript_ready(record["metaData"]["id"], now=now, started_at=self.started_at)
        ]
        key = "calls/transcript:" + json.dumps(filters, sort_keys=True)
        page, records = self._page(key, ready, payload.get("cursor"), now, NO_CALLS)
        return Reply(200, {"records": records, "callTranscripts": page})

    # -- scorecards -------------------------------------------------------------------------------------------
    def scorecards_answered(self, payload: dict[str, Any], now: datetime) -> Reply:
        """POST /v2/stats/activity/scorecards: answered scorecards by call date, review date, user, scorecard."""
        filters = self._filter(payload)
        bounds = {name: _date(filters.get(name), name) for name in _SCORECARD_DATES}
        users = _string_list(filters.get("reviewedUserIds"), "filter.reviewedUserIds")
        cards = _string_list(filters.get("scorecardIds"), "filter.scorecardIds")
        method = filters.get("reviewMethod")
        methods = {str(card["scorecardId"]): card["reviewMethod"] for card in self.scorecards.definitions}
        matching = [
            item
            for item in self.scorecards.answered
            if _within(item["callStartTime"], bounds["callFromDate"], bounds["callToDate"])
            and _within(item["reviewTime"], bounds["reviewFromDate"], bounds["reviewToDate"])
            and (users is None or item["reviewedUserId"] in users)
            and (cards is None or str(item["scorecardId"]) in cards)
            and (method in (None, "") or methods[str(item["scorecardId"])] == method)
        ]
        key = "stats/activity/scorecards:" + json.dumps(filters, sort_keys=True)
        page, records = self._page(key, matching, payload.get("cursor"), now, NO_SCORECARDS)
        return Reply(200, {"records": records, "answeredScorecards": page})


NO_SCORECARDS = "No scorecards found corresponding to the provided filters"
_SCORECARD_DATES = ("callFromDate", "callToDate", "reviewFromDate", "reviewToDate")


def _date(value: Any, name: str):
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ApiError(400, f"filter.{name}: must be a date in the format YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(400, f"filter.{name}: '{value}' is not a valid date") from None


def _within(moment: str, start, end) -> bool:
    day = datetime.fromisoformat(moment).date()  # the date where it happened (the company's zone, [I])
    return (start is None or day >= start) and (end is None or day < end)
