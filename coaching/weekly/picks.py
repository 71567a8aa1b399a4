"""The 2–3 calls most worth a manager's time: the best example, the biggest miss, the top gap's worst call."""

from __future__ import annotations

from coaching.metrics import SkillGap
from core.display import date_display
from knowledgebase.dimensions import Dimension

DIMENSION_LABELS: dict[str, str] = dict(Dimension.choices)


def _score(session: dict) -> float | None:
    value = session["overall_score"]
    return None if value is None else float(value)


def _moment(session: dict, kind: str) -> dict | None:
    for moment in session.get("key_moments") or []:
        if moment.get("kind") == kind:
            return {"start_ms": moment.get("start_ms"), "title": moment.get("title", ""), "why": moment.get("why", "")}
    return None


def _pick(session: dict, *, kind: str, reason: str, moment_kind: str, score: float | None) -> dict:
    return {
        "kind": kind,
        "call_id": session["call_id"],
        "title": session["call_title"] or f"Untitled call, {date_display(session['call_started'])}",
        "url": session["call_url"],
        "rep_id": session["rep_id"],
        "rep_name": session["speaker_name"],
        "started": session["call_started"].isoformat(),
        "score": None if score is None else round(score, 2),
        "reason": reason,
        "moment": _moment(session, moment_kind),
    }


def calls_to_review(*, sessions: list[dict], scores: list[dict], gaps: list[SkillGap], threshold: float) -> list[dict]:
    """Up to three distinct calls, each with why it is worth listening to. Deterministic (ties: latest call)."""
    # Private Gong calls are visible to their host only, so they are never suggested to a manager.
    sessions = [s for s in sessions if not s.get("call_private")]
    scored = [s for s in sessions if _score(s) is not None]
    if not scored:
        return []
    ranked = sorted(scored, key=lambda s: (_score(s), s["call_started"], s["id"]))
    best, worst = ranked[-1], ranked[0]
    picks = [
        _pick(
            best,
            kind="best_example",
            reason=(best["strengths"] or ["highest overall score this period"])[0],
            moment_kind="strength",
            score=_score(best),
        )
    ]
    if worst["call_id"] != best["call_id"] and _score(worst) < _score(best):
        reason = (worst["improvements"] or ["lowest overall score this period"])[0]
        picks.append(_pick(worst, kind="biggest_miss", reason=reason, moment_kind="miss", score=_score(worst)))
    if gaps:
        picks.extend(_gap_pick(sessions, scores, gaps[0], threshold, {p["call_id"] for p in picks}))
    return picks


def _gap_pick(sessions, scores, gap: SkillGap, threshold: float, taken: set[str]) -> list[dict]:
    by_id = {s["id"]: s for s in sessions}
    candidates = [
        (row["effective"], by_id[row["session_id"]]["call_started"], row["session_id"])
        for row in scores
        if row["dimension"] == gap.dimension
        and row["effective"] is not None
        and row["effective"] < threshold
        and row["session_id"] in by_id
        and by_id[row["session_id"]]["call_id"] not in taken
    ]
    if not candidates:
        return []
    value, _, session_id = min(candidates, key=lambda c: (c[0], -c[1].timestamp(), c[2]))
    label = DIMENSION_LABELS.get(gap.dimension, gap.dimension)
    reason = f"{label} scored {value}: the top skill gap"
    return [_pick(by_id[session_id], kind="skill_gap", reason=reason, moment_kind="miss", score=float(value))]
