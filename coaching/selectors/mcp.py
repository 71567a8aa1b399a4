"""Reads the MCP tools need beyond the portal's: a rep by email/name/id, call search with call type and
timestamped matching sentences, side-by-side comparison, product-knowledge review and calls for a batch.
All take a Viewer and see only what the portal would show that user (NotFound for invisible and missing alike).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, replace

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import CharField, Prefetch, QuerySet, Value
from django.db.models.functions import Concat, Lower

from coaching import metrics
from coaching.access import Viewer
from coaching.models import DimensionScore
from coaching.selectors import calls as call_pieces
from coaching.selectors.calls import CallDetail, SessionView, call_get_for_viewer, call_list
from coaching.selectors.common import rep_get_for_viewer, reps_visible, sessions_visible
from coaching.selectors.search import SearchCriteria, _scores_by_call, call_search_queryset
from core.errors import ApplicationError, NotFound
from gong.models import Call, GongUser
from knowledgebase.selectors import document_list, kb_search

MAX_MATCHES_PER_CALL = 3


def rep_resolve(*, viewer: Viewer, ref: str) -> GongUser:
    """The visible rep named by a Gong user id, an email, a full or partial name, or "me".

    NotFound when no visible rep matches (missing and invisible alike); ApplicationError listing candidates when
    a name is ambiguous.
    """
    ref = (ref or "").strip()
    if ref.lower() in {"me", "myself", "i"}:
        if not viewer.gong_user_id:
            raise NotFound("Your login is not linked to a Gong user; name the rep by email instead.")
        return rep_get_for_viewer(viewer=viewer, rep_id=viewer.gong_user_id)
    if ref.isdigit():
        return rep_get_for_viewer(viewer=viewer, rep_id=ref)
    reps = reps_visible(viewer=viewer)
    if "@" in ref:
        rep = reps.filter(email__iexact=ref).order_by("-active", "id").first()
        if rep is None:
            raise NotFound(f"Rep {ref} not found")
        return rep
    named = reps.annotate(full=Lower(Concat("first_name", Value(" "), "last_name", output_field=CharField()))).filter(
        full__contains=ref.lower()
    )
    matches = list(named.order_by("-active", "last_name", "first_name", "id")[:6])
    exact = [rep for rep in matches if rep.name.lower() == ref.lower()]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    if not matches:
        raise NotFound(f"Rep {ref!r} not found")
    names = "; ".join(f"{rep.name} <{rep.email}>" for rep in matches[:5])
    raise ApplicationError(f"{ref!r} matches several reps: {names}. Use an email or Gong user id.")


def calls_search(*, viewer: Viewer, criteria: SearchCriteria, call_type: str = "") -> QuerySet[Call]:
    """The portal's call search (visible calls, visible scores) plus call type, newest first even with words.

    Words filter through the transcript's GIN-indexed tsvector but are not ranked: ranking reads every matching
    transcript's tsvector (seconds over a year of calls), and the MCP tool shows the matching sentences anyway.
    """
    words = criteria.words.strip()
    calls = call_search_queryset(viewer=viewer, criteria=replace(criteria, words=""))
    if words:
        calls = calls.filter(transcript__search_vector=SearchQuery(words, config="english", search_type="websearch"))
    if call_type.strip():
        calls = calls.filter(call_type__iexact=call_type.strip())
    return calls.select_related("primary_user")


@dataclass(frozen=True)
class SentenceMatch:
    start_ms: int
    speaker_id: str
    party: str
    text: str


def _prefixes(words: str) -> list[str]:
    """What any matching sentence must contain: each positive query word cut to a stem-safe prefix
    ("pricing" -> "pric"), so the exact full-text check runs only on a few candidate sentences."""
    terms = re.findall(r"(-?)([^\W_]+)", words.lower())
    return [word[: max(4, len(word) - 3)] for minus, word in terms if not minus and word != "or"]


def transcript_matches(*, call_ids: list[str], words: str, per_call: int = MAX_MATCHES_PER_CALL) -> dict:
    """{call_id: [SentenceMatch]}: up to `per_call` sentences of each call matching `words` (websearch syntax,
    the english configuration of the transcript index), in time order, with their timestamps. Callers pass
    only call ids the viewer may see.

    Cheap word-prefix LIKE first, to_tsvector only on those candidates, and a LIMIT inside the lateral join so
    a long call stops at its first matches: a page of 20 hour-long calls costs tens of milliseconds.
    """
    if not call_ids or not words.strip():
        return {}
    prefixes = _prefixes(words)
    candidate = "lower(s->>2) LIKE ANY(%(patterns)s) AND " if prefixes else ""
    sql = f"""
        SELECT t.call_id, m.start_ms, m.speaker_id, m.party, m.text
        FROM gong_transcript t
        CROSS JOIN LATERAL (
            SELECT (s->>0)::bigint AS start_ms, turn->>'speaker_id' AS speaker_id, turn->>'party' AS party,
                   s->>2 AS text
            FROM jsonb_array_elements(t.turns) AS turn
            CROSS JOIN LATERAL jsonb_array_elements(turn->'sentences') AS s
            WHERE {candidate}to_tsvector('english', s->>2) @@ websearch_to_tsquery('english', %(words)s)
            LIMIT %(per_call)s
        ) m
        WHERE t.call_id = ANY(%(ids)s)
    """
    params = {
        "ids": list(call_ids),
        "patterns": [f"%{p}%" for p in prefixes],
        "words": words.strip(),
        "per_call": per_call,
    }
    out: dict[str, list[SentenceMatch]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for call_id, start_ms, speaker_id, party, text in cursor.fetchall():
            out.setdefault(call_id, []).append(SentenceMatch(int(start_ms), speaker_id or "", party or "", text))
    for matches in out.values():
        matches.sort(key=lambda match: match.start_ms)
    return out


def call_scores(*, viewer: Viewer, call_ids: list[str]) -> dict[str, dict[str, float | None]]:
    """{call_id: {dimension: mean visible effective score}} for the given calls."""
    return _scores_by_call(viewer, list(call_ids)) if call_ids else {}


# ------------------------------------------------------------------------------------------- analyze / compare


def call_results(*, viewer: Viewer, call_id: str) -> CallDetail:
    """The call page's data without its rendered transcript (which costs seconds on a multi-hour call): the
    call, participants, the visible sessions with scores and evidence, and the analysis run. NotFound when the
    call is not visible. Built from the portal's own pieces, so both show the same results."""
    call = call_get_for_viewer(viewer=viewer, call_id=call_id)
    sessions = call_pieces._sessions(viewer, call)
    return CallDetail(
        call=call,
        participants=call_pieces._participants(call.pk),
        sessions=[call_pieces._session_view(viewer, session, None) for session in sessions],
        transcript=None,
        analysis=call_pieces._analysis(call, sessions),
    )


# ------------------------------------------------------------------------------------------------ compare_calls


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


# ------------------------------------------------------------------------------------------- batch_analyze_calls


def calls_for_batch(
    *, viewer: Viewer, call_ids: list[str] | None = None, rep_id: str | None = None,
    start: dt.date | None = None, end: dt.date | None = None, limit: int = 500,
) -> list[Call]:  # fmt: skip
    """Visible calls named by ids, or a rep's calls in a date range, oldest first (at most `limit` + 1, so the
    caller can tell the selection was too big). Unknown or invisible ids raise NotFound naming the first."""
    calls = call_list(viewer=viewer).only("id", "status", "started", "title", "primary_user_id")
    if call_ids:
        found = {call.pk: call for call in calls.filter(pk__in=call_ids)}
        missing = [call_id for call_id in call_ids if call_id not in found]
        if missing:
            raise NotFound(f"Call {missing[0]} not found")
        return [found[call_id] for call_id in dict.fromkeys(call_ids)]
    if rep_id:
        calls = calls.filter(primary_user_id=rep_id) | calls.filter(participants__user_id=rep_id)
    if start:
        calls = calls.filter(started__date__gte=start)
    if end:
        calls = calls.filter(started__date__lte=end)
    return list(calls.distinct().order_by("started", "id")[: limit + 1])


# ------------------------------------------------------------------------------------- analyze_product_knowledge

PRODUCT_KNOWLEDGE = "product_knowledge"
MAX_REVIEW_SESSIONS = 300


@dataclass
class ProductKnowledgeReview:
    sessions: int  # reviewed: the most recent MAX_REVIEW_SESSIONS of the scope at most
    sessions_in_scope: int  # all of the scope's sessions (more than `sessions` when the cap cut it)
    offline_sessions: int
    mean_score: float | None
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
    statements, errors, scores = [], [], []
    for session in sessions:
        call, date = session.call, session.call_started.date().isoformat()
        for score in session.scores.all():
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
        statements=statements,
        errors=errors,
        docs=docs + _study_more(statements, set(counts))[: max(0, 3 - len(docs))],
    )


def transcript_turns_slice(*, call_id: str, start: int, stop: int) -> tuple[list[dict], int]:
    """(turns[start:stop], how many turns there are) of a call's transcript — sliced inside PostgreSQL, so a
    page of a multi-hour call does not ship and decode megabytes of JSON. Callers check visibility first."""
    if stop <= start:
        return [], 0
    sql = (
        "SELECT jsonb_array_length(turns), jsonb_path_query_array(turns, %s::jsonpath) "
        "FROM gong_transcript WHERE call_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"$[{int(start)} to {int(stop) - 1}]", call_id])
        row = cursor.fetchone()
    if row is None:
        raise NotFound(f"Transcript for call {call_id} not found")
    total, turns = row
    return (json.loads(turns) if isinstance(turns, str) else turns) or [], int(total)
