"""Everything one analysis needs, gathered once: transcript, speakers, knowledge, stats, rendering, cache key."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from django.conf import settings

from analysis.interaction import interaction_stats
from analysis.models import Analyzer
from analysis.offline import OFFLINE_MODEL, offline_version
from analysis.prompts import prompt_version as claude_prompt_version
from analysis.redaction import Redaction, turns_redact
from analysis.render import Line, Speaker, speakers_build, transcript_render
from analysis.tokens import token_estimate
from gong.selectors import call_get, call_key_facts_get, call_participants, transcript_get
from knowledgebase.dimensions import DIMENSIONS
from knowledgebase.selectors import knowledge_snapshot_at, knowledge_snapshot_get, knowledge_version_hash

COACHED_ROLES = ("AE", "SE", "CSM")
_WORD = re.compile(r"[a-z0-9]{4,}")


@dataclass
class AnalysisInput:
    call: object
    transcript: object
    turns: list[dict]
    speakers: dict[str, Speaker]
    internal: list[Speaker]
    snapshot: object
    documents: tuple
    lines: list[Line]  # the rendered transcript, one line per merged turn (render.py)
    stats: dict[str, dict]
    analyzer: str
    model: str
    prompt_version: str
    options: dict
    cache_key: str
    error: str = ""
    rubric_versions: dict[str, int] = field(default_factory=dict)
    legend: str = ""  # the speaker legend sent before the lines
    raw_tokens: int = 0  # the transcript's own words: ⌈sentence characters ÷ 4⌉ (gong_transcript.token_count)
    # PII redaction (analysis/redaction.py): the turns the prompt is rendered from (redacted copies for Claude,
    # `turns` itself otherwise) and what was redacted. Quotes are verified against `prompt_turns`, which keep
    # every sentence's turn, speaker and timestamps, so a quote with placeholders lands on the stored original.
    prompt_turns: list[dict] = field(default_factory=list)
    redaction: Redaction | None = None


def analyzer_current() -> str:
    return Analyzer.OFFLINE if settings.ANALYZER == "offline" else Analyzer.CLAUDE


def documents_relevant(*, documents: tuple, transcript_text: str, max_tokens: int) -> tuple:
    """All documents when they fit; otherwise the ones sharing most words with the call, within the budget.

    Keeping the full set whenever it fits keeps the cached system prefix identical across calls.
    """
    if sum(token_estimate(doc.body) for doc in documents) <= max_tokens:
        return documents
    words = set(_WORD.findall(transcript_text.lower()))
    ranked = sorted(documents, key=lambda doc: -len(words & set(_WORD.findall(doc.body.lower()))))
    chosen, used = [], 0
    for doc in ranked:
        size = token_estimate(doc.body)
        if used + size <= max_tokens:
            chosen.append(doc)
            used += size
    return tuple(doc for doc in documents if doc in chosen)


def cache_key_for(
    *, transcript_sha256: str, knowledge_hash: str, prompt_version: str, model: str, options: dict
) -> str:
    payload = json.dumps([transcript_sha256, knowledge_hash, prompt_version, model, options], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(frozen=True)
class KeyInputs:
    """What the cache key is made of; cheap to compute (no rendering), so a cache hit is a fast lookup."""

    call: object | None  # None on the fast path (only the digest and call type were read)
    transcript: object | None
    participants: list
    role: str
    knowledge_hash: str
    analyzer: str
    model: str
    prompt_version: str
    options: dict
    cache_key: str


# (speaker_id, name, title, affiliation, user role) per participant: all the key needs to know about people.
Person = tuple[str, str, str, str, str]


def _people(participants: list) -> list[Person]:
    rows = [(p.speaker_id, p.name, p.title, p.affiliation, p.user.role if p.user else "") for p in participants]
    return sorted(rows)


def _role(people: list[Person]) -> str:
    """The rubric role: the one coached role all internal participants share, else generic rubrics."""
    roles = {role for _, _, _, affiliation, role in people if affiliation == "Internal" and role in COACHED_ROLES}
    return roles.pop() if len(roles) == 1 else ""


def key_inputs_get(*, call_id: str, analyzer: str | None = None, call=None, transcript=None) -> KeyInputs:
    """Cache key = sha256(transcript sha + knowledge hash + prompt version + model + options). Options hold the
    analyzer, the call id, chunking and KB-size settings, Claude's effort and output cap, and a digest of the
    participants' names, titles and affiliations; the product documents chosen for the prompt follow from the
    transcript and the knowledge, both already in the key. Without `call`/`transcript` this is the fast path of a
    cache lookup (2 queries: the call's key facts, the knowledge hash)."""
    participants = []
    if call is not None and transcript is not None:
        participants = call_participants(call_id=call_id)
        transcript_sha256, call_type, people = transcript.sha256, call.call_type or "", _people(participants)
    else:
        transcript_sha256, call_type, people = call_key_facts_get(call_id=call_id)
    role = _role(people)
    knowledge_hash = knowledge_version_hash(role=role, call_type=call_type)
    analyzer = analyzer or analyzer_current()
    model = OFFLINE_MODEL if analyzer == Analyzer.OFFLINE else settings.CLAUDE_MODEL
    prompt_version = offline_version() if analyzer == Analyzer.OFFLINE else claude_prompt_version()
    digest = hashlib.sha256("|".join(":".join(person[:4]) for person in people).encode()).hexdigest()
    options = {
        "analyzer": analyzer,
        "call_id": call_id,
        "chunk_tokens": settings.ANALYSIS_CHUNK_TOKENS,
        "chunk_overlap": settings.ANALYSIS_CHUNK_OVERLAP,
        "render_clock_s": settings.ANALYSIS_RENDER_CLOCK_S,
        "kb_max_tokens": settings.ANALYSIS_KB_MAX_TOKENS,
        "speakers": digest,
    }
    if analyzer == Analyzer.OFFLINE:  # it reads some stats' ranges by call type (analysis.offline)
        options["call_type"] = call_type
    if analyzer != Analyzer.OFFLINE:  # what shapes Claude's answer, beyond the prompt and the model
        options |= {"effort": settings.CLAUDE_EFFORT, "max_output_tokens": settings.CLAUDE_MAX_OUTPUT_TOKENS}
        options |= redaction_option()
    key = cache_key_for(
        transcript_sha256=transcript_sha256,
        knowledge_hash=knowledge_hash,
        prompt_version=prompt_version,
        model=model,
        options=options,
    )
    return KeyInputs(
        call, transcript, participants, role, knowledge_hash, analyzer, model, prompt_version, options, key
    )


def redaction_option() -> dict:
    """The PII redaction setting as a cache-key option (Claude only: the offline analyzer sends nothing)."""
    return {"pii_redaction": ",".join(settings.PII_REDACTION_KINDS) or "off"}


def _prompt_turns(turns: list[dict], analyzer: str) -> tuple[list[dict], Redaction | None]:
    """Redacted copies of the turns when they go to Claude and redaction is on; the stored turns otherwise."""
    if analyzer == Analyzer.OFFLINE or not settings.PII_REDACTION_KINDS:
        return turns, None
    return turns_redact(turns, kinds=settings.PII_REDACTION_KINDS)


def analysis_input_build(
    *, call_id: str, analyzer: str | None = None, knowledge_versions: dict | None = None
) -> AnalysisInput:
    """Gather the call; raises core.errors.NotFound when the call or its transcript is missing. With
    `knowledge_versions` (a run's), the knowledge is the one that run was asked about (a Message Batch ingested
    after a rubric changed), when those versions still exist; the cache key stays the current one."""
    call = call_get(call_id=call_id)
    transcript = transcript_get(call_id=call_id)
    keys = key_inputs_get(call_id=call_id, analyzer=analyzer, call=call, transcript=transcript)
    turns = transcript.turns or []
    speakers = speakers_build(participants=keys.participants, turns=turns)
    spoke = {str(turn.get("speaker_id", "")) for turn in turns}
    internal = [s for s in speakers.values() if s.is_internal and s.speaker_id in spoke]
    snapshot = None
    if knowledge_versions:
        snapshot = knowledge_snapshot_at(versions=knowledge_versions, role=keys.role, call_type=call.call_type or "")
    snapshot = snapshot or knowledge_snapshot_get(role=keys.role, call_type=call.call_type or "")
    documents = documents_relevant(
        documents=snapshot.documents, transcript_text=transcript.text or "", max_tokens=settings.ANALYSIS_KB_MAX_TOKENS
    )
    prompt_turns, redaction = _prompt_turns(turns, keys.analyzer)
    rendering = transcript_render(
        turns=prompt_turns,
        speakers=speakers,
        max_line_tokens=settings.ANALYSIS_CHUNK_TOKENS // 2,
        clock_every_s=settings.ANALYSIS_RENDER_CLOCK_S,
    )
    stats = {speaker.speaker_id: interaction_stats(turns, speaker_id=speaker.speaker_id) for speaker in internal}
    stats["call"] = interaction_stats(turns)
    missing = [d for d in DIMENSIONS if d not in snapshot.rubrics]
    error = ""
    if not turns:
        error = "the transcript is empty"
    elif not internal:
        error = "no internal speaker (Rep) spoke on this call"
    elif missing:
        error = f"no active rubric for {', '.join(missing)} (run manage.py seed_knowledgebase)"
    return AnalysisInput(
        call=call,
        transcript=transcript,
        turns=turns,
        speakers=speakers,
        internal=internal,
        snapshot=snapshot,
        documents=documents,
        lines=rendering.lines,
        stats=stats,
        analyzer=keys.analyzer,
        model=keys.model,
        prompt_version=keys.prompt_version,
        options=keys.options,
        cache_key=keys.cache_key,
        error=error,
        rubric_versions={d: r.version_id for d, r in snapshot.rubrics.items()},
        legend=rendering.legend,
        raw_tokens=transcript.token_count or token_estimate(transcript.text or ""),
        prompt_turns=prompt_turns,
        redaction=redaction,
    )
