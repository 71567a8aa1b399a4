"""A transcript shaped for reading: turns of sentences, each anchored at its start (`#t-<start_ms>`), with
PostgreSQL full-text highlighting of a query (the same english configuration as gong_transcript's tsvector)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coaching.selectors.stats import clock

# ts_headline markers that never occur in transcript text; replaced by <mark> after HTML-escaping.
_START, _STOP = "\x02", "\x03"
_HEADLINE_OPTIONS = f"HighlightAll=true, StartSel={_START}, StopSel={_STOP}"


def anchor(start_ms: int | None) -> str:
    return f"t-{int(start_ms or 0)}"


@dataclass
class SentenceView:
    start_ms: int
    html: SafeString
    matched: bool = False

    @property
    def anchor(self) -> str:
        return anchor(self.start_ms)

    @property
    def clock(self) -> str:
        return clock(self.start_ms)


@dataclass
class TurnView:
    speaker_id: str
    speaker_name: str
    party: str
    start_ms: int
    sentences: list[SentenceView] = field(default_factory=list)

    @property
    def clock(self) -> str:
        return clock(self.start_ms)


@dataclass
class TranscriptView:
    turns: list[TurnView]
    query: str
    match_count: int
    first_match: str | None
    starts: list[int]  # sorted sentence starts, to anchor evidence

    def html(self) -> SafeString:
        """The transcript block as HTML, built here rather than by a template loop: a 90-minute call has over a
        thousand sentences, and the template engine's per-sentence cost dominated the call page."""
        out: list[str] = []
        for turn in self.turns:
            party = escape(turn.party)
            out.append(
                f'<div class="cc-turn {party}"><div class="who">{escape(turn.speaker_name)} '
                f'<span class="cc-muted">{party} · {turn.clock}</span></div>'
            )
            for sentence in turn.sentences:
                name = sentence.anchor
                out.append(
                    f'<span class="cc-sentence" id="{name}"><a class="ts" href="#{name}">{sentence.clock}</a>'
                    f"{sentence.html}</span> "
                )
            out.append("</div>")
        return mark_safe("".join(out))  # noqa: S308 - every piece of text is escaped above

    def anchor_for(self, start_ms: int | None) -> str:
        """The anchor of the sentence holding `start_ms` (the latest sentence starting at or before it)."""
        if start_ms is None or not self.starts:
            return anchor(start_ms)
        index = bisect.bisect_right(self.starts, int(start_ms)) - 1
        return anchor(self.starts[max(index, 0)])


def _sentences_of(turn: dict) -> list[tuple[int, str]]:
    sentences = turn.get("sentences") or [[turn.get("start_ms", 0), turn.get("end_ms", 0), turn.get("text", "")]]
    return [(int(start), str(text)) for start, _end, text in sentences]


def _highlight(texts: list[str], query: str) -> list[tuple[str, bool]]:
    """(highlighted text with markers, matched?) per text, in one query."""
    sql = (
        "SELECT ts_headline('english', s.t, q.query, %s), to_tsvector('english', s.t) @@ q.query "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS s(t, n), websearch_to_tsquery('english', %s) AS q(query) "
        "ORDER BY s.n"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_HEADLINE_OPTIONS, texts, query])
        return [(row[0], bool(row[1])) for row in cursor.fetchall()]


def _html(text: str) -> SafeString:
    escaped = escape(text).replace(_START, "<mark>").replace(_STOP, "</mark>")
    return mark_safe(escaped)  # noqa: S308 - escaped above; only our own <mark> tags are added


def transcript_view(*, turns: list[dict], names: dict[str, str], query: str = "") -> TranscriptView:
    """Turns → TranscriptView; with `query`, sentences matching it are highlighted (PostgreSQL FTS)."""
    flat = [(turn_index, start, text) for turn_index, turn in enumerate(turns) for start, text in _sentences_of(turn)]
    query = (query or "").strip()
    highlighted = _highlight([text for _, _, text in flat], query) if query and flat else None
    views: list[TurnView] = [
        TurnView(
            speaker_id=str(turn.get("speaker_id", "")),
            speaker_name=names.get(str(turn.get("speaker_id", "")), "") or f"Speaker {turn.get('speaker_id', '?')}",
            party=turn.get("party") or "Unknown",
            start_ms=int(turn.get("start_ms") or 0),
        )
        for turn in turns
    ]
    match_count, first_match = 0, None
    for position, (turn_index, start, text) in enumerate(flat):
        marked, matched = highlighted[position] if highlighted else (text, False)
        sentence = SentenceView(start_ms=start, html=_html(marked), matched=matched)
        views[turn_index].sentences.append(sentence)
        if matched:
            match_count += 1
            first_match = first_match or sentence.anchor
    starts = sorted({start for _, start, _ in flat})
    return TranscriptView(turns=views, query=query, match_count=match_count, first_match=first_match, starts=starts)
