"""Report tools: batch_analyze_calls (starts work, reports progress), export_coaching_report."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated, Literal

from django.conf import settings
from fastmcp.exceptions import ToolError
from fastmcp.tools import ToolResult
from pydantic import Field

from analysis.services import analysis_estimate, batch_poll, batch_submit
from coaching.exports import report_export
from coaching.selectors.calls import calls_for_batch
from coaching.selectors.reps import rep_resolve
from mcp_bridge.background import calls_coach_later
from mcp_bridge.jobs import Job, job_decode, job_encode
from mcp_bridge.paging import cursor_decode, cursor_encode, query_fingerprint
from mcp_bridge.params import CallId, Cursor, EndDate, StartDate, period
from mcp_bridge.runtime import respond, tool_scope
from mcp_bridge.serializers import num

MAX_IDS = 100
MAX_RANGE_CALLS = 200
ANALYSABLE = {"transcribed", "held"}
UNFINISHED = {"pending", "fetching", "transcribed", "analyzing"}
EXPORT_PAGE_CHARS = 60_000


def _usd(value) -> float | None:
    return None if value is None else num(float(value), 4)


def _progress(viewer, job: Job) -> dict:
    calls = calls_for_batch(
        viewer=viewer, call_ids=list(job.call_ids) or None, rep_id=job.rep_id or None,
        start=date.fromisoformat(job.start) if job.start else None,
        end=date.fromisoformat(job.end) if job.end else None, limit=MAX_RANGE_CALLS,
    )  # fmt: skip
    batch = None
    if job.batch_id:
        poll = batch_poll(batch_id=job.batch_id)
        calls_coach_later(call_ids=poll.call_ids, batch_runs=poll.runs)
        batch = {"id": job.batch_id, "ended": bool(poll.ended), "ingested_now": len(poll.call_ids)}
    counts = Counter(call.status for call in calls)
    unfinished = sum(counts[status] for status in UNFINISHED)
    return {"calls": len(calls), "by_status": dict(counts), "done": unfinished == 0, "batch": batch}


def batch_analyze_calls(
    call_ids: Annotated[
        list[CallId] | None, Field(max_length=MAX_IDS, description=f"Calls to analyse (at most {MAX_IDS}).")
    ] = None,
    rep: Annotated[str | None, Field(max_length=254, description="Or: all calls of this rep in the period.")] = None,
    start: StartDate = None,
    end: EndDate = None,
    dry_run: Annotated[bool, Field(description="Only count and estimate the cost; analyse nothing.")] = False,
    handle: Annotated[
        str | None, Field(max_length=4000, description="A job handle from an earlier call: report its progress.")
    ] = None,
) -> ToolResult:
    """Analyse a set of calls — given `call_ids`, or a `rep`'s calls in a period (default: the last 90 days) —
    through the batch path (Claude's Message Batches API at half price; already analysed calls are skipped and
    cached results cost nothing). Returns a job `handle`, counts by status, and the cost estimate in USD
    (realtime vs batch). Call again with only `handle` to see progress (`done` becomes true when every call is
    analysed, failed or skipped). Use `dry_run` to see counts and cost without analysing.
    """
    with tool_scope("batch_analyze_calls") as viewer:
        if handle:
            job = job_decode(handle, user_id=viewer.user_id)
            return respond({"handle": handle, **_progress(viewer, job)})
        if bool(call_ids) == bool(rep):
            raise ToolError("Give either `call_ids` or `rep` (with an optional period), or a `handle` for progress.")
        rep_id, start_s, end_s = "", "", ""
        if rep:
            start, end = period(start, end)
            rep_id, start_s, end_s = rep_resolve(viewer=viewer, ref=rep).pk, start.isoformat(), end.isoformat()
        calls = calls_for_batch(
            viewer=viewer, call_ids=call_ids, rep_id=rep_id or None, start=start if rep else None,
            end=end if rep else None, limit=MAX_RANGE_CALLS,
        )  # fmt: skip
        if len(calls) > MAX_RANGE_CALLS:
            raise ToolError(f"More than {MAX_RANGE_CALLS} calls match; narrow the period (`start`/`end`).")
        todo = [call.pk for call in calls if call.status in ANALYSABLE]
        estimate = analysis_estimate(call_ids=todo)
        payload = {
            "calls": len(calls),
            "by_status": dict(Counter(call.status for call in calls)),
            "to_analyse": len(todo),
            "estimate": {"analyzer": settings.ANALYZER, "cache_hits": estimate.cache_hits,
                         "input_tokens": estimate.input_tokens, "output_tokens": estimate.output_tokens,
                         "realtime_usd": _usd(estimate.cost_realtime_usd), "batch_usd": _usd(estimate.cost_batch_usd)},
        }  # fmt: skip
        if dry_run or not todo:
            payload["note"] = "dry run: nothing analysed" if dry_run else "nothing to analyse"
            return respond(payload)
        submission = batch_submit(call_ids=todo, worker="mcp")
        ready = [call_id for call_id, outcome in submission.outcomes.items() if outcome.status == "succeeded"]
        calls_coach_later(call_ids=ready)
        outcomes = Counter(outcome.status for outcome in submission.outcomes.values())
        job = Job(viewer.user_id, submission.batch_id, tuple(call_ids or ()), rep_id, start_s, end_s)
        payload.update(
            {"handle": job_encode(job), "batch_id": submission.batch_id or None, "submitted": dict(outcomes),
             "next": "Call batch_analyze_calls with this handle to see progress."}
        )  # fmt: skip
        return respond(payload)


def export_coaching_report(
    scope: Annotated[Literal["rep", "team"], Field(description="A rep's report, or a manager's team report.")],
    subject: Annotated[
        str,
        Field(
            min_length=2,
            max_length=254,
            description='The rep (or the manager, for a team): email, name, id, or "me" (default: you).',
        ),
    ] = "me",
    start: StartDate = None,
    end: EndDate = None,
    format: Annotated[
        Literal["md", "markdown", "html", "csv", "json"],
        Field(description="md or markdown (Markdown), html, csv or json."),
    ] = "md",
    cursor: Cursor = None,
) -> ToolResult:
    """A coaching report for a rep or a team over a period (default: the last 90 days), as Markdown, HTML, CSV
    or JSON: per-dimension means and distributions, change vs the previous period, trends, interaction stats
    against Gong's ranges, skill gaps and calls worth reviewing. Returns `filename`, `content_type` and
    `body`; a long body comes in parts — pass `next_cursor` back as `cursor` for the next part.
    """
    with tool_scope("export_coaching_report") as viewer:
        format = "md" if format == "markdown" else format
        start, end = period(start, end)
        person = rep_resolve(viewer=viewer, ref=subject)
        export = report_export(viewer=viewer, scope=scope, subject=person.pk, start=start, end=end, fmt=format)
        fingerprint = query_fingerprint(tool="export", scope=scope, subject=person.pk, start=start, end=end, fmt=format)
        offset = cursor_decode(cursor, fingerprint=fingerprint)
        part = export.body[offset : offset + EXPORT_PAGE_CHARS]
        if offset + EXPORT_PAGE_CHARS < len(export.body):
            cut = part.rfind("\n")
            part = part[: cut + 1] if cut > EXPORT_PAGE_CHARS // 2 else part
        following = offset + len(part)
        more = following < len(export.body)
        return respond(
            {"filename": export.filename, "content_type": export.content_type, "chars": len(export.body),
             "from": offset, "body": part,
             "next_cursor": cursor_encode(offset=following, fingerprint=fingerprint) if more else None}
        )  # fmt: skip
