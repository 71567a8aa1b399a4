"""Explicit, compact serializers from selector results to what the model reads.

Conventions (stated once in each tool's docstring): dates are YYYY-MM-DD; `at` is m:ss into the call; scores
are 1–5 with null for "not applicable"; `s` is the effective score (a manager's override wins, the AI's is then
in `ai`); ids (`id`, `rep_id`) chain into the other tools. Long text is clipped so a response stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings

from analysis.redaction import text_redact
from core.display import clock as core_clock
from mcp_bridge.budget import clip

QUOTE_CHARS = 240
TEXT_CHARS = 400
TURN_CHARS = 1_500
SIDES = {"Internal": "rep", "External": "customer"}


def said(text: str | None, limit: int) -> str:
    """Words from a transcript (turns, matches, quotes), clipped and PII-redacted: what an MCP tool returns goes to
    Claude (Desktop), so it gets the same redaction as our own prompts (PII_REDACTION, analysis/redaction.py)."""
    return clip(text_redact(text or "", kinds=settings.PII_REDACTION_KINDS), limit)


def num(value, digits: int = 2):
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = float(value)
    return round(value, digits) if isinstance(value, float) else value


def clock(ms) -> str | None:
    """m:ss like every page (core.display.clock); None stays null in JSON."""
    return None if ms is None else core_clock(ms)


def day(moment) -> str | None:
    return moment.date().isoformat() if moment else None


def call_brief(call) -> dict:
    host = getattr(call, "primary_user", None)
    return {
        "id": call.pk,
        "title": clip(call.title, 120),
        "date": day(call.started),
        "min": round(call.duration_s / 60) if call.duration_s else None,
        "account": call.account_name or None,
        "type": call.call_type or None,
        "host": host.name if host else None,
        "status": call.status,
    }


def stats_compact(stat_views: Iterable) -> dict:
    """{name: {"v": display, "flag": "high"|"low"|"ok"|None, "target": published range}} for known values."""
    return {
        view.name: {"v": view.display, "flag": view.assessment, "target": view.target}
        for view in stat_views
        if view.value is not None
    }


def evidence_compact(items: Iterable, *, limit: int = 2) -> list[dict]:
    return [{"q": said(item.quote, QUOTE_CHARS), "at": clock(item.start_ms)} for item in list(items)[:limit]]


def score_compact(score_view, *, evidence: int = 2) -> dict:
    row = score_view.score
    out = {"s": row.effective_score, "why": clip(row.rationale, TEXT_CHARS)}
    if row.manager_score is not None:
        out["ai"] = row.score
        out["mgr_note"] = clip(row.manager_note, 200) or None
    if evidence:
        out["ev"] = evidence_compact(score_view.evidence, limit=evidence)
    if row.criteria_missed:
        out["missed"] = row.criteria_missed[:4]
    return out


def session_compact(view, *, evidence: int = 2) -> dict:
    """One speaker's results on one call (a coaching_session with its dimension scores)."""
    session = view.session
    return {
        "rep_id": session.rep_id,
        "name": session.speaker_name,
        "role": session.role or None,
        "overall": num(session.overall_score),
        "summary": clip(session.summary, TEXT_CHARS),
        "strengths": [clip(text, 160) for text in session.strengths[:3]],
        "improve": [clip(text, 160) for text in session.improvements[:3]],
        "scores": {score.score.dimension: score_compact(score, evidence=evidence) for score in view.scores},
        "stats": stats_compact(view.stats),
        "moments": [
            {
                "at": moment.get("clock"),
                "kind": moment.get("kind"),
                "title": clip(moment.get("title"), 80),
                "why": clip(moment.get("why"), 200),
            }
            for moment in view.moments[:3]
        ],
        "product_errors": product_errors_compact(session.product_errors),
    }


def product_errors_compact(errors: Iterable[dict], *, limit: int = 5) -> list[dict]:
    return [
        {"said": said(error.get("said"), QUOTE_CHARS), "correct": clip(error.get("correct"), 300),
         "doc": error.get("doc_key") or None, "at": clock(error.get("start_ms"))}
        for error in list(errors)[:limit]
    ]  # fmt: skip


def analysis_compact(analysis) -> dict | None:
    if analysis is None:
        return None
    out = {"analyzer": analysis.analyzer, "model": analysis.model, "date": day(analysis.created_at)}
    if analysis.is_offline:
        out["note"] = "offline = deterministic keyword baseline, not Claude; say so when quoting these scores"
    return out


def turn_compact(turn: dict, names: dict[str, str]) -> dict:
    speaker = str(turn.get("speaker_id", ""))
    return {
        "at": clock(turn.get("start_ms")),
        "who": names.get(speaker) or f"Speaker {speaker}",
        "side": SIDES.get(turn.get("party"), "unknown"),
        "text": said(turn.get("text"), TURN_CHARS),
    }


def rep_brief(rep) -> dict:
    manager = getattr(rep, "manager", None) if rep.manager_id else None
    return {
        "rep_id": rep.pk,
        "name": rep.name,
        "email": rep.email,
        "role": rep.role,
        "manager": manager.name if manager else None,
    }


def weighted_mean(values: list[float | None], counts: list[int]) -> float | None:
    """Mean of weekly means weighted by how many scores each week has (= the mean of all scores)."""
    pairs = [(value, count) for value, count in zip(values, counts, strict=False) if value is not None and count]
    total = sum(count for _, count in pairs)
    return sum(value * count for value, count in pairs) / total if total else None


def outcomes_compact(report) -> dict:
    """Won-vs-lost context (coaching.calibration.outcomes.OutcomeValidity), compact."""
    dims: dict[str, dict] = {}
    for effect in report.dimensions:
        if effect.enough:
            dims[effect.dimension] = {
                "diff": num(effect.diff), "ci": [num(effect.ci_low), num(effect.ci_high)], "auc": num(effect.auc),
                "won_mean": num(effect.mean_won), "lost_mean": num(effect.mean_lost),
            }  # fmt: skip
        else:
            dims[effect.dimension] = {"thin": effect.reason}
    return {"deals": report.deals, "by_dimension": dims, "scores": "effective (manager overrides count)"}
