"""Product knowledge of a call or a rep's period: statements quoted as evidence, the wrong facts with the
correct fact and its document, and the documents to study."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Prefetch

from coaching import metrics
from coaching.access import Viewer
from coaching.models import DimensionScore
from coaching.selectors.calls import call_get_for_viewer
from coaching.selectors.common import scores_for_averages, sessions_visible
from knowledgebase.selectors import document_list, kb_search

PRODUCT_KNOWLEDGE = "product_knowledge"
MAX_REVIEW_SESSIONS = 300


@dataclass
class ProductKnowledgeReview:
    sessions: int  # reviewed: the most recent MAX_REVIEW_SESSIONS of the scope at most
    sessions_in_scope: int  # all of the scope's sessions (more than `sessions` when the cap cut it)
    offline_sessions: int
    mean_score: float | None  # over one analyzer's scores only (`mean_analyzer`), as every portal mean
    mean_analyzer: str | None
    statements: list[dict]  # product statements quoted as evidence, lowest score first
    errors: list[dict]  # wrong statements with the correct fact and its document
    docs: list[dict]  # documents to study, most needed first


def _review_sessions(viewer: Viewer, call_id, rep_id, start, end):
    pk_scores = DimensionScore.objects.filter(dimension=PRODUCT_KNOWLEDGE)
    sessions = sessions_visible(viewer=viewer).select_related("call")
    if call_id:
        call_get_for_viewer(viewer=viewer, call_id=call_id)  # NotFound for invisible and missing alike
        sessions = sessions.filter(call_id=call_id)
    if rep_id:
        sessions = sessions.filter(rep_id=rep_id)
    if start:
        sessions = sessions.filter(call_started__date__gte=start)
    if end:
        sessions = sessions.filter(call_started__date__lte=end)
    sessions = sessions.prefetch_related(Prefetch("scores", queryset=pk_scores))
    rows = list(sessions.order_by("-call_started", "-id")[: MAX_REVIEW_SESSIONS + 1])
    total = len(rows) if len(rows) <= MAX_REVIEW_SESSIONS else sessions.count()
    return rows[:MAX_REVIEW_SESSIONS], total


def _averaged_analyzer(viewer: Viewer) -> str | None:
    """The analyzer whose scores the portal averages for this viewer — Claude's when there are any, else the
    offline baseline's (scores_for_averages' rule) — or None when the viewer sees no score at all."""
    return next(iter(scores_for_averages(viewer=viewer).values_list("session__analyzer", flat=True)[:1]), None)


def _study_more(statements: list[dict], known: set[str]) -> list[dict]:
    words = {w.strip(".,?!\"'").lower() for s in statements if (s["score"] or 5) <= 2 for w in s["quote"].split()}
    words = sorted(w for w in words if len(w) >= 5 and w.isalpha())[:12]
    if not words:
        return []
    hits = kb_search(query=" or ".join(words), limit=3)
    return [{"key": h.key, "title": h.title, "errors": 0, "why": "matches your weakest statements"}
            for h in hits if h.key not in known]  # fmt: skip


def product_knowledge_review(
    *, viewer: Viewer, call_id: str | None = None, rep_id: str | None = None,
    start: dt.date | None = None, end: dt.date | None = None,
) -> ProductKnowledgeReview:  # fmt: skip
    """Product statements (the product_knowledge evidence), the errors the analysis found with the correct fact
    and the document it comes from, and the documents to study — for one call or a rep over a period."""
    sessions, total = _review_sessions(viewer, call_id, rep_id, start, end)
    titles = dict(document_list().values_list("key", "title"))
    analyzer = _averaged_analyzer(viewer) if sessions else None
    statements, errors, scores = [], [], []
    for session in sessions:
        call, date = session.call, session.call_started.date().isoformat()
        for score in session.scores.all():
            if session.analyzer == analyzer:  # never the offline baseline and Claude in one mean
                scores.append(score.effective_score)
            statements += [
                {"call_id": call.pk, "date": date, "score": score.effective_score, "quote": item.get("quote", ""),
                 "start_ms": item.get("start_ms"), "why": score.rationale}
                for item in score.evidence or []
            ]  # fmt: skip
        errors += [
            {"call_id": call.pk, "date": date, "said": error.get("said", ""), "correct": error.get("correct", ""),
             "doc_key": error.get("doc_key", ""), "doc_title": titles.get(error.get("doc_key", ""), ""),
             "start_ms": error.get("start_ms")}
            for error in session.product_errors or []
        ]  # fmt: skip
    counts = Counter(error["doc_key"] for error in errors if error["doc_key"])
    docs = [{"key": key, "title": titles.get(key, key), "errors": n, "why": "facts you got wrong"}
            for key, n in counts.most_common()]  # fmt: skip
    statements.sort(key=lambda s: (s["score"] is None, s["score"] or 0, s["date"]))
    return ProductKnowledgeReview(
        sessions=len(sessions),
        sessions_in_scope=total,
        offline_sessions=sum(1 for session in sessions if session.analyzer == "offline"),
        mean_score=metrics.mean(scores),
        mean_analyzer=analyzer if scores else None,
        statements=statements,
        errors=errors,
        docs=docs + _study_more(statements, set(counts))[: max(0, 3 - len(docs))],
    )
