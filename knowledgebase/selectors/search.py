"""Full-text search over the active versions of product documents."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F

from knowledgebase.models import DocumentVersion

MAX_LIMIT = 50


@dataclass(frozen=True)
class KbSearchHit:
    document_id: int
    version_id: int
    key: str
    title: str
    kind: str
    snippet: str  # ts_headline fragments on one line; matches wrapped in «…» (plain text: escape it to show as HTML)
    rank: float


def kb_search(*, query: str, limit: int = 10) -> list[KbSearchHit]:
    """Active document versions matching `query` (web-search syntax: words, "phrases", -not, or), best first."""
    query = (query or "").strip()
    if not query:
        return []
    limit = max(1, min(int(limit), MAX_LIMIT))
    search = SearchQuery(query, config="english", search_type="websearch")
    versions = (
        DocumentVersion.objects.filter(document__active_version_id=F("id"), search_vector=search)
        .annotate(
            rank=SearchRank(F("search_vector"), search),
            snippet=SearchHeadline(
                "body",
                search,
                config="english",
                start_sel="«",
                stop_sel="»",
                max_words=35,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .select_related("document")
        .order_by("-rank", "document__key")[:limit]
    )
    return [
        KbSearchHit(
            document_id=version.document_id,
            version_id=version.pk,
            key=version.document.key,
            title=version.title,
            kind=version.document.kind,
            snippet=" ".join(version.snippet.split()),
            rank=round(float(version.rank), 6),
        )
        for version in versions
    ]
