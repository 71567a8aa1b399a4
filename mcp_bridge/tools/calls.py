"""Call tools: analyze_call, search_calls, compare_calls."""

from __future__ import annotations

from typing import Annotated

from fastmcp.exceptions import ToolError
from fastmcp.tools import ToolResult
from pydantic import Field

from coaching.access import Viewer
from coaching.selectors.calls import call_results
from coaching.selectors.compare import calls_compare, compare_differences
from coaching.selectors.reps import rep_resolve
from coaching.selectors.search import SearchCriteria, call_scores, calls_search
from coaching.selectors.turns import transcript_matches, transcript_turns_slice
from mcp_bridge.background import call_analyze_wait
from mcp_bridge.budget import clip
from mcp_bridge.paging import page_slice
from mcp_bridge.params import CallId, Cursor, Dimension, EndDate, StartDate
from mcp_bridge.runtime import respond, tool_scope
from mcp_bridge.serializers import (
    SIDES,
    analysis_compact,
    call_brief,
    clock,
    num,
    said,
    score_compact,
    session_compact,
    stats_compact,
    turn_compact,
)

TRANSCRIPT_PAGE_CHARS = 40_000  # ≈ 10K tokens of turns per page, leaving room for the scores

_WAITING = {
    "pending": "Gong has not delivered this call's transcript yet; try again later.",
    "fetching": "The transcript is being fetched from Gong; try again in a few minutes.",
    "skipped": "This call is not analysed",
}


def _matches(view, speaker: str) -> bool:
    needle = speaker.strip().lower()
    session = view.session
    values = [session.speaker_name, session.speaker_email, session.speaker_id, session.rep_id or ""]
    return any(needle == (value or "").lower() for value in values) or needle in (session.speaker_name or "").lower()


def _not_analysed(detail, viewer_call) -> dict | None:
    """None when an analysis may be run now; else the answer explaining why there are no results."""
    call = viewer_call
    if call.status in _WAITING:
        reason = _WAITING[call.status]
        if call.status == "skipped" and call.status_reason:
            reason = f"{reason}: {call.status_reason}"
        return {"call": call_brief(call), "status": call.status, "message": reason}
    if call.status == "failed":
        reason = clip(call.status_reason, 300) or "unknown reason"
        message = f"Analysis failed: {reason}. Ops can re-run it: manage.py analyze_calls --call {call.pk} --force."
        return {"call": call_brief(call), "status": "failed", "message": message}
    if detail.analysis is not None and call.status == "analyzed":
        return {
            "call": call_brief(call),
            "analysis": analysis_compact(detail.analysis),
            "status": "no_visible_results",
            "message": "The call is analysed, but none of its speakers' results are visible to you.",
        }
    return None


def analyze_call(
    call_id: CallId,
    speaker: Annotated[
        str | None,
        Field(max_length=254, description="Only this internal speaker: name, email or rep_id (default: all)."),
    ] = None,
    include_transcript: Annotated[
        bool, Field(description="Also return a page of the transcript (use `cursor` for the next page).")
    ] = False,
    transcript_limit: Annotated[int, Field(ge=1, le=200, description="Transcript turns per page (1–200).")] = 60,
    cursor: Cursor = None,
) -> ToolResult:
    """Coaching analysis of one call: per internal speaker, the 1–5 score and rationale for each dimension
    (product_knowledge, discovery, objection_handling, engagement; null = not applicable) with verified quotes
    (`ev`: `q` quote, `at` m:ss), strengths, improvements, key moments, product errors, and interaction stats
    against Gong's published ranges (`flag` high/low).

    If the call has not been analysed yet, the analysis runs now (a cached result costs nothing); if it takes
    longer than a few seconds the answer is status "queued": call analyze_call again in a minute.
    With include_transcript, `transcript.turns` holds a page of turns and `transcript.next_cursor` the next.
    Results with analyzer "offline" come from a deterministic baseline, not Claude.
    """
    with tool_scope("analyze_call") as viewer:
        detail = call_results(viewer=viewer, call_id=call_id)
        payload: dict = {"call": call_brief(detail.call)}
        if not detail.sessions:
            blocked = _not_analysed(detail, detail.call)
            if blocked:
                return respond(blocked)
            waited = call_analyze_wait(call_id=detail.call.pk)
            if waited.status != "analyzed":
                return respond(_analysis_pending(detail.call, waited))
            detail = call_results(viewer=viewer, call_id=call_id)
            payload["ran_now"] = True
        sessions = detail.sessions
        if speaker:
            sessions = [view for view in sessions if _matches(view, speaker)]
            if not sessions:
                names = ", ".join(view.session.speaker_name for view in detail.sessions) or "none"
                raise ToolError(f"No analysed speaker matches {speaker!r} on this call; speakers: {names}.")
        payload["analysis"] = analysis_compact(detail.analysis)
        payload["speakers"] = [session_compact(view, evidence=2 if len(sessions) <= 3 else 1) for view in sessions]
        if include_transcript:
            payload["transcript"] = _transcript_page(viewer, detail, call_id, transcript_limit, cursor)
        return respond(payload)


def _analysis_pending(call, waited) -> dict:
    messages = {
        "queued": "Analysis started and is still running; call analyze_call again in about a minute.",
        "not_claimed": "Another worker is analysing this call right now; call analyze_call again in a minute.",
        "batch_submitted": "The call is in a batch analysis; results usually arrive within the hour.",
        "held": "Analysis is on hold: the monthly Claude budget is spent. Ask ops to raise it.",
        "failed": f"Analysis failed: {waited.detail or 'unknown reason'}.",
    }
    return {"call": call_brief(call), "status": waited.status, "message": messages.get(waited.status, waited.detail)}


class _Turns:
    """The transcript's turns as a sliceable sequence that fetches only the requested slice."""

    def __init__(self, viewer: Viewer, call_id: str) -> None:
        self.viewer, self.call_id, self.total = viewer, call_id, 0

    def __getitem__(self, window: slice) -> list[dict]:
        turns, self.total = transcript_turns_slice(
            viewer=self.viewer, call_id=self.call_id, start=window.start, stop=window.stop
        )
        return turns


def _transcript_page(viewer: Viewer, detail, call_id: str, limit: int, cursor: str | None) -> dict:
    names = {p.speaker_id: p.name for p in detail.participants if p.speaker_id}
    turns = _Turns(viewer, detail.call.pk)
    page = page_slice(
        turns,
        cursor=cursor,
        limit=limit,
        query={"tool": "analyze_call.transcript", "call": call_id},
        render=lambda turn: turn_compact(turn, names),
        max_chars=TRANSCRIPT_PAGE_CHARS,
    )
    return {"from_turn": page.offset, "of": turns.total, "turns": page.items, "next_cursor": page.next_cursor}


SearchLimit = Annotated[int, Field(ge=1, le=50, description="Calls per page (1–50).")]


def search_calls(
    query: Annotated[
        str | None,
        Field(max_length=200, description='Words said in the call (web-search syntax: "exact phrase", or, -not).'),
    ] = None,
    rep: Annotated[str | None, Field(max_length=254, description="Rep email, name, Gong user id or 'me'.")] = None,
    account: Annotated[str | None, Field(max_length=200, description="Account name (partial match).")] = None,
    start: StartDate = None,
    end: EndDate = None,
    call_type: Annotated[
        str | None, Field(max_length=40, description="Call type, e.g. discovery, demo, negotiation, renewal.")
    ] = None,
    dimension: Annotated[Dimension | None, Field(description="Dimension the score range applies to.")] = None,
    min_score: Annotated[int | None, Field(ge=1, le=5, description="Lowest score (1–5) on `dimension`.")] = None,
    max_score: Annotated[int | None, Field(ge=1, le=5, description="Highest score (1–5) on `dimension`.")] = None,
    limit: SearchLimit = 20,
    cursor: Cursor = None,
) -> ToolResult:
    """Find calls you may see by words said (full-text search; `matches` are the matching sentences with `at`
    m:ss and who said them), rep, account, date range (YYYY-MM-DD), call type and score range, newest first.
    Each result has the call `id` for analyze_call or compare_calls and the mean score per dimension. Paged:
    pass `next_cursor` back as `cursor` with the same filters. A score range without `dimension` matches
    calls with any dimension in range.
    """
    with tool_scope("search_calls") as viewer:
        if min_score is not None and max_score is not None and min_score > max_score:
            raise ToolError(f"`min_score` ({min_score}) is above `max_score` ({max_score}); swap them.")
        if start and end and start > end:
            raise ToolError(f"`start` ({start}) is after `end` ({end}); swap them.")
        rep_id = rep_resolve(viewer=viewer, ref=rep).pk if rep else ""
        words = (query or "").strip()
        criteria = SearchCriteria(
            rep_id=rep_id, account=(account or "").strip(), date_from=start, date_to=end, dimension=dimension or "",
            score_min=min_score, score_max=max_score, words=words,
        )  # fmt: skip
        filters = {"criteria": criteria.__dict__, "call_type": call_type or "", "tool": "search_calls"}
        page = page_slice(
            calls_search(viewer=viewer, criteria=criteria, call_type=call_type or ""),
            cursor=cursor,
            limit=limit,
            query=filters,
        )
        ids = [call.pk for call in page.items]
        matches = transcript_matches(viewer=viewer, call_ids=ids, words=words) if words else {}
        scores = call_scores(viewer=viewer, call_ids=ids)
        results = []
        for call in page.items:
            item = call_brief(call)
            item["scores"] = scores.get(call.pk, {})
            if words:
                item["matches"] = [
                    {"at": clock(m.start_ms), "side": SIDES.get(m.party, "unknown"), "text": said(m.text, 240)}
                    for m in matches.get(call.pk, [])
                ]
            results.append(item)
        return respond({"results": results, "from": page.offset, "next_cursor": page.next_cursor})


CompareIds = Annotated[
    list[CallId],
    Field(min_length=2, max_length=5, description="2 to 5 call ids to put side by side (from search_calls)."),
]


def _side(item, *, evidence: bool = True) -> dict:
    if item.session is None:
        return {"call": call_brief(item.detail.call), "results": None, "note": "no visible analysis for this speaker"}
    session = item.session.session
    out = {
        "call": call_brief(item.detail.call),
        "speaker": session.speaker_name,
        "rep_id": session.rep_id,
        "overall": num(session.overall_score),
        "scores": {view.score.dimension: view.score.effective_score for view in item.session.scores},
        "stats": stats_compact(item.session.stats),
    }
    if item.detail.analysis and item.detail.analysis.is_offline:
        out["analyzer"] = "offline"
    return out


def _explain(item, dimension: str) -> dict:
    for view in item.session.scores:
        if view.score.dimension == dimension:
            return {"call_id": item.detail.call.pk, **score_compact(view, evidence=2)}
    return {"call_id": item.detail.call.pk}


def compare_calls(
    call_ids: CompareIds,
    rep: Annotated[
        str | None,
        Field(max_length=254, description="Compare this rep on each call (default: you, else each call's host)."),
    ] = None,
) -> ToolResult:
    """Put 2–5 calls side by side for one speaker: overall and per-dimension scores, interaction stats against
    Gong's ranges, and — for each dimension whose score differs (largest gap first) — the rationale and quotes
    (`ev`: `q`, `at` m:ss) from the best and the worst call, which explain the difference.
    """
    with tool_scope("compare_calls") as viewer:
        if len(set(call_ids)) != len(call_ids):
            raise ToolError("`call_ids` lists the same call twice; give 2–5 different calls.")
        rep_id = rep_resolve(viewer=viewer, ref=rep).pk if rep else None
        compared = calls_compare(viewer=viewer, call_ids=call_ids, rep_id=rep_id)
        differences = [
            {"dimension": d.dimension, "scores": d.scores, "gap": d.spread,
             "best": _explain(compared[d.high], d.dimension), "worst": _explain(compared[d.low], d.dimension)}
            for d in compare_differences(compared) if d.spread > 0
        ]  # fmt: skip
        return respond({"calls": [_side(item) for item in compared], "differences": differences})
