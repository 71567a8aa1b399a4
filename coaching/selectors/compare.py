"""Calls side by side (the compare_calls tool): one speaker's results on each call and the biggest score gaps."""

from __future__ import annotations

from dataclasses import dataclass

from coaching.access import Viewer
from coaching.selectors.calls import CallDetail, SessionView, call_results


@dataclass
class ComparedCall:
    detail: CallDetail
    session: SessionView | None  # the compared speaker's results on this call (None: none visible)


@dataclass
class Difference:
    dimension: str
    scores: list[int | None]  # per compared call, in order
    spread: int
    high: int  # index of the best-scored call
    low: int  # index of the worst-scored call


def _pick_session(detail: CallDetail, viewer: Viewer, rep_id: str | None) -> SessionView | None:
    sessions = detail.sessions
    wanted = rep_id or viewer.gong_user_id
    for preferred in (wanted, detail.call.primary_user_id):
        for view in sessions:
            if preferred and view.session.rep_id == preferred:
                return view
    return sessions[0] if sessions and rep_id is None else None


def calls_compare(*, viewer: Viewer, call_ids: list[str], rep_id: str | None = None) -> list[ComparedCall]:
    """The calls side by side (each must be visible: NotFound names the first that is not), one speaker each:
    `rep_id` if given, else the viewer themself, else the call's host."""
    compared = []
    for call_id in call_ids:
        detail = call_results(viewer=viewer, call_id=call_id)
        compared.append(ComparedCall(detail=detail, session=_pick_session(detail, viewer, rep_id)))
    return compared


def compare_differences(compared: list[ComparedCall]) -> list[Difference]:
    """Per dimension, the score on each call and where the biggest gap is (largest spread first)."""
    dimensions: list[str] = []
    table: list[dict[str, int | None]] = []
    for item in compared:
        scores = {
            view.score.dimension: view.score.effective_score for view in (item.session.scores if item.session else [])
        }
        table.append(scores)
        dimensions += [dimension for dimension in scores if dimension not in dimensions]
    differences = []
    for dimension in dimensions:
        column = [row.get(dimension) for row in table]
        present = [(score, index) for index, score in enumerate(column) if score is not None]
        if len(present) < 2:
            continue
        high, low = max(present), min(present, key=lambda pair: (pair[0], -pair[1]))
        differences.append(Difference(dimension, column, high[0] - low[0], high[1], low[1]))
    differences.sort(key=lambda difference: (-difference.spread, difference.dimension))
    return differences
