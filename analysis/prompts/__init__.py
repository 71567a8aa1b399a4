"""Prompt text for the analysis request: a cached system prefix and a per-call user message.

The system prefix holds what is shared by every call scored under the same knowledge: instructions, the active
rubric versions and the product documents. It carries `cache_control`, so repeated requests read it from
Anthropic's prompt cache (0.1× input price) instead of paying for it again. The user message holds what is
unique to the call: speakers, computed stats and the compact transcript.

The prompt version (part of the cache key) is a hash of everything that shapes the answer besides the
transcript, the knowledge and the model: the instructions as sent, the output JSON schema (its descriptions are
prompt text), and the source of the modules that render the prompt and turn the answer into scores. Nothing is
bumped by hand: change any of them and the next analysis is a cache miss.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import inspect
import json
from pathlib import Path

from django.conf import settings

from knowledgebase.dimensions import DIMENSIONS

INSTRUCTIONS_TEMPLATE = (Path(__file__).parent / "instructions.md").read_text(encoding="utf-8").strip()
# Modules whose code decides what the request says or how the answer becomes a stored result.
VERSIONED_MODULES = (
    "analysis.prompts",
    "analysis.render",
    "analysis.redaction",
    "analysis.schemas",
    "analysis.scoring",
    "analysis.results",
)


def instructions() -> str:
    """The instructions as sent: the seller named from settings (SELLER_NAME), never a built-in company."""
    seller = (settings.SELLER_NAME or "").strip()
    return INSTRUCTIONS_TEMPLATE.replace("{seller}'s", f"{seller}'s" if seller else "a B2B sales team's")


@functools.lru_cache(maxsize=16)
def module_digest(names: tuple[str, ...]) -> str:
    """sha256 over the source of the named modules (a package counts its __init__ only)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode() + b"\0" + inspect.getsource(importlib.import_module(name)).encode())
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def schema_digest() -> str:
    """sha256 of the answer's JSON schema with placeholder keys (the real keys are in the knowledge hash)."""
    from analysis.claude import output_schema
    from analysis.schemas import answer_model

    model = answer_model(criteria={d: ["criterion"] for d in DIMENSIONS})
    return hashlib.sha256(json.dumps(output_schema(model), sort_keys=True).encode()).hexdigest()


@functools.lru_cache(maxsize=8)
def _version(text: str, schema: str, code: str) -> str:
    return "v2-" + hashlib.sha256(f"{text}\0{schema}\0{code}".encode()).hexdigest()[:12]


def prompt_version() -> str:
    """The prompt version of a Claude analysis (see the module docstring)."""
    return _version(instructions(), schema_digest(), module_digest(VERSIONED_MODULES))


SPEAKERS_HEADER = "Score these speakers (speaker_id: name, role):"
TRANSCRIPT_HEADER = "Transcript:"


def _indicators(sign: str, indicators: list[dict]) -> list[str]:
    """One line per sign: `+ text (e.g. "keyword"); text [stat question_count ≥11]`."""
    out = []
    for indicator in indicators:
        keywords = indicator.get("keywords") or []
        examples = f' (e.g. "{keywords[0]}")' if keywords else ""
        stat = ""
        if indicator.get("stat"):
            bounds = [
                f"≥{indicator['stat_min']:g}" if indicator.get("stat_min") is not None else "",
                f"≤{indicator['stat_max']:g}" if indicator.get("stat_max") is not None else "",
            ]
            stat = f" [stat {indicator['stat']} {' '.join(b for b in bounds if b)}]"
        out.append(f"{indicator['text']}{examples}{stat}")
    return [f"  {sign} " + "; ".join(out)] if out else []


def rubric_text(rubric) -> str:
    """A rubric version as compact text (not YAML/JSON: fewer tokens, same content): per criterion its description,
    observable indicators and 1–5 anchors, then the N/A rule, the error cap and the calibration examples. Weights
    and the version number are left out: the model judges criteria one by one, the score is computed from them."""
    content = rubric.content
    lines = [f"## {rubric.dimension}: {rubric.name}"]
    for criterion in content.get("criteria", []):
        gate = " (caps the dimension score at its level)" if criterion.get("caps_score") else ""
        lines.append(f"- {criterion['key']}{gate}: {criterion['description']}")
        lines += _indicators("+", criterion.get("positive_indicators", []))
        lines += _indicators("-", criterion.get("negative_indicators", []))
        anchors = criterion.get("anchors", {})
        if anchors:
            lines.append("  anchors: " + " | ".join(f"{level}: {anchors[level]}" for level in sorted(anchors)))
    if content.get("na_rule"):
        lines.append(f"N/A rule: {content['na_rule']}")
    if content.get("error_cap"):
        lines.append(f"A verified product error caps this dimension at {content['error_cap']}.")
    for example in content.get("examples") or []:
        judged = f"{example['criterion']} level {example['level']}"
        lines.append(f"Calibration: {example['excerpt']} → {judged}: {example['why']}")
    return "\n".join(lines)


def system_blocks(*, snapshot, documents, ttl: str) -> list[dict]:
    """Instructions + rubrics (one cached block) and the product documents (a second cached block). `ttl` "5m" |
    "1h" | "none" (no cache_control: plain input, when calls are too rare for a write to be read)."""
    cache = {} if ttl == "none" else {"cache_control": {"type": "ephemeral", "ttl": ttl}}
    rubrics = "\n\n".join(rubric_text(snapshot.rubrics[d]) for d in DIMENSIONS if d in snapshot.rubrics)
    blocks = [{"type": "text", "text": f"{instructions()}\n\n# Rubrics\n\n{rubrics}", **cache}]
    if documents:
        docs = "\n\n".join(f"## doc_key {doc.key}: {doc.title}\n{doc.body.strip()}" for doc in documents)
        blocks.append({"type": "text", "text": f"# Product documents\n\n{docs}", **cache})
    return blocks


CALL_WIDE_STATS = ("duration_s", "interactivity", "longest_customer_story_s")  # the same for every speaker
STAT_KEYS = ("talk_ratio", "longest_monologue_s", "patience_s", "question_count", "talk_time_s")


def _stats_line(values: dict, keys) -> str:
    return ", ".join(f"{key} {values[key]}" for key in keys if values.get(key) is not None)


def user_text(*, call, speakers: list, stats: dict, transcript: str, part: tuple[int, int] | None) -> str:
    """The per-call message (not cached, so kept short: titles are in the transcript's speaker legend, call-wide
    stats are said once). `part` = (n, of) when this is one chunk of a longer call."""
    call_wide = stats.get("call") or (stats.get(speakers[0].speaker_id, {}) if speakers else {})
    header = [
        f"Call: {call.title or call.id} ({call.call_type or 'call'}, account {call.account_name or 'unknown'})",
        SPEAKERS_HEADER,
        *(f"- {s.speaker_id}: {s.name}, {s.role or 'Rep'}" for s in speakers),
        f"Interaction stats (from timestamps; whole call: {_stats_line(call_wide, CALL_WIDE_STATS)}):",
        *(
            f"{s.speaker_id}: {_stats_line(stats.get(s.speaker_id, {}), STAT_KEYS)}"
            for s in speakers
            if stats.get(s.speaker_id)
        ),
    ]
    if part is not None:
        header.append(f"This is part {part[0]} of {part[1]} of the call (parts overlap by about 20%).")
    return "\n".join(header) + f"\n\n{TRANSCRIPT_HEADER}\n{transcript}"


def repair_text(*, error: str) -> str:
    """The follow-up turn after an answer that did not match the schema (one attempt)."""
    return (
        "Your previous answer could not be used: "
        f"{error[:600]}\nAnswer again with JSON that matches the schema exactly, for every listed speaker."
    )
