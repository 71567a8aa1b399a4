"""Call search: by rep, account, date, dimension score range, review state and words said (transcript FTS
with highlighted snippets). Scores that filter or show are only those the viewer may see, so a filter can
never reveal a colleague's score on a shared call."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import Avg, Exists, F, OuterRef, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coaching.access import Viewer
from coaching.selectors.calls import call_list
from coaching.selectors.common import effective_score, scores_visible
from core.escaping import http_link
from gong.models import Call, CallParticipant, Transcript
from knowledgebase.dimensions import DIMENSIONS

PAGE_SIZE = 25
SEARCH_CAP = 5_000
EXPORT_LIMIT = 10_000
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class SearchCriteria:
    rep_id: str = ""
    account: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    dimension: str = ""
    score_min: int | None = None
    score_max: int | None = None
    words: str = ""
    reviewed: str = ""  # "" | "yes" | "no"

    @property
    def is_empty(self) -> bool:
        return self == SearchCriteria()


@dataclass
class SearchHit:
    call: Call
    snippet: SafeString | str = ""
    scores: dict[str, float | None] = field(default_factory=dict)

    @property
    def in_order(self) -> list[float | None]:
        return [self.scores.get(dimension) for dimension in DIMENSIONS]


@dataclass
class SearchPage:
    criteria: SearchCriteria
    hits: list[SearchHit]
    total: int
    page: int
    pages: int
    capped: bool = False  # more than SEARCH_CAP calls match; `total` is the cap


def _query(words: str) -> SearchQuery:
    return SearchQuery(words, config="english", search_type="websearch")


def _score_filter(viewer: Viewer, criteria: SearchCriteria) -> Q:
    conditions = Q()
    if criteria.dimension in DIMENSIONS or criteria.score_min is not None or criteria.score_max is not None:
        scores = (
            scores_visible(viewer=viewer).filter(session__call_id=OuterRef("pk")).annotate(effective=effective_score())
        )
        if criteria.dimension in DIMENSIONS:
            scores = scores.filter(dimension=criteria.dimension)
        if criteria.score_min is not None:
            scores = scores.filter(effective__gte=criteria.score_min)
        if criteria.score_max is not None:
            scores = scores.filter(effective__lte=criteria.score_max)
        conditions &= Q(Exists(scores))
    if criteria.reviewed in {"yes", "no"}:
        visible = scores_visible(viewer=viewer).filter(session__call_id=OuterRef("pk"))
        reviewed = Exists(visible.filter(manager_score__isnull=False))
        conditions &= Q(reviewed) if criteria.reviewed == "yes" else (Q(Exists(visible)) & ~Q(reviewed))
    return conditions


def call_search_queryset(*, viewer: Viewer, criteria: SearchCriteria) -> QuerySet[Call]:
    """Visible calls matching the criteria, newest first."""
    calls = call_list(viewer=viewer)
    if criteria.rep_id:
        joined = CallParticipant.objects.filter(call_id=OuterRef("pk"), user_id=criteria.rep_id)
        calls = calls.filter(Q(primary_user_id=criteria.rep_id) | Q(Exists(joined)))
    if criteria.account.strip():
        calls = calls.filter(account_name__icontains=criteria.account.strip())
    if criteria.date_from:
        calls = calls.filter(started__date__gte=criteria.date_from)
    if criteria.date_to:
        calls = calls.filter(started__date__lte=criteria.date_to)
    calls = calls.filter(_score_filter(viewer, criteria))
    if criteria.words.strip():
        # Newest first, not by ts_rank: ranking would read every matching tsvector (slow on a year of calls),
        # and a manager looking for "who said X" wants the recent calls first anyway.
        calls = calls.filter(transcript__search_vector=_query(criteria.words.strip()))
    return calls.order_by(F("started").desc(nulls_last=True), "id")


def _snippets(call_ids: list[str], words: str) -> dict[str, SafeString]:
    headline = SearchHeadline(
        "text", _query(words), config="english", start_sel=_START, stop_sel=_STOP,
        max_words=14, min_words=5, max_fragments=2, fragment_delimiter=" … ",
    )  # fmt: skip
    rows = Transcript.objects.filter(call_id__in=call_ids).annotate(snippet=headline).values_list("call_id", "snippet")
    return {
        call_id: mark_safe(escape(snippet).replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308
        for call_id, snippet in rows
    }


def _scores_by_call(viewer: Viewer, call_ids: list[str]) -> dict[str, dict[str, float | None]]:
    rows = (
        scores_visible(viewer=viewer)
        .filter(session__call_id__in=call_ids)
        .values("session__call_id", "dimension")
        .annotate(mean=Avg(effective_score()))
        .order_by()
    )
    out: dict[str, dict[str, float | None]] = {}
    for row in rows:
        mean = None if row["mean"] is None else round(float(row["mean"]), 1)
        out.setdefault(row["session__call_id"], {})[row["dimension"]] = mean
    return out


def call_search(*, viewer: Viewer, criteria: SearchCriteria, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of search results with snippets (when searching words) and the visible scores per call.

    The matching ids are read once, in order (capped at SEARCH_CAP), which gives the total and the page without
    running the filters twice (COUNT, then LIMIT/OFFSET).
    """
    ordered = list(call_search_queryset(viewer=viewer, criteria=criteria).values_list("pk", flat=True)[:SEARCH_CAP])
    total = len(ordered)
    pages = max(1, math.ceil(total / page_size))
    page = min(max(1, page), pages)
    ids = ordered[(page - 1) * page_size : page * page_size]
    found = Call.objects.select_related("primary_user").in_bulk(ids)
    rows = [found[call_id] for call_id in ids if call_id in found]
    snippets = _snippets(ids, criteria.words.strip()) if criteria.words.strip() and ids else {}
    scores = _scores_by_call(viewer, ids) if ids else {}
    hits = [SearchHit(call=call, snippet=snippets.get(call.pk, ""), scores=scores.get(call.pk, {})) for call in rows]
    return SearchPage(criteria=criteria, hits=hits, total=total, page=page, pages=pages, capped=total >= SEARCH_CAP)


def call_search_export(*, viewer: Viewer, criteria: SearchCriteria, limit: int = EXPORT_LIMIT) -> Iterator[dict]:
    """Rows for a CSV export of the search (visible calls and visible scores only), in chunks of 500."""
    calls = call_search_queryset(viewer=viewer, criteria=criteria).select_related("primary_user")[:limit]
    batch: list[Call] = []
    for call in calls.iterator(chunk_size=500):
        batch.append(call)
        if len(batch) == 500:
            yield from _export_rows(viewer, batch)
            batch = []
    if batch:
        yield from _export_rows(viewer, batch)


def _export_rows(viewer: Viewer, calls: list[Call]) -> Iterator[dict]:
    scores = _scores_by_call(viewer, [call.pk for call in calls])
    for call in calls:
        row = {
            "call_id": call.pk,
            "started": call.started.isoformat() if call.started else "",
            "title": call.title,
            "account": call.account_name,
            "host": call.primary_user.name if call.primary_user else "",
            "gong_url": http_link(call.url),
        }
        row.update({dimension: scores.get(call.pk, {}).get(dimension, "") for dimension in DIMENSIONS})
        yield row


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


def call_scores(*, viewer: Viewer, call_ids: list[str]) -> dict[str, dict[str, float | None]]:
    """{call_id: {dimension: mean visible effective score}} for the given calls."""
    return _scores_by_call(viewer, list(call_ids)) if call_ids else {}
