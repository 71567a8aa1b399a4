"""Prompt text for the analysis request: a cached system prefix and a per-call user message.

The system prefix holds what is shared by every call scored under the same knowledge: instructions, the active
rubric versions and the product documents. It carries `cache_control`, so repeated requests read it from
Anthropic's prompt cache (0.1× input price) instead of paying for it again. The user message holds what is
unique to the call: speakers, computed stats and the compact transcript.

PROMPT_VERSION changes whenever the instructions or the rendering rules change (it is part of the cache key).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from knowledgebase.dimensions import DIMENSIONS

PROMPT_REVISION = "2"
INSTRUCTIONS = (Path(__file__).parent / "instructions.md").read_text(encoding="utf-8").strip()
PROMPT_VERSION = f"v{PROMPT_REVISION}-{hashlib.sha256(INSTRUCTIONS.encode()).hexdigest()[:8]}"

SPEAKERS_HEADER = "Score these speakers (speaker_id: name, role, title):"
TRANSCRIPT_HEADER = "Transcript:"


def _indicators(sign: str, indicators: list[dict]) -> list[str]:
    out = []
    for indicator in indicators:
        keywords = indicator.get("keywords") or []
        examples = f' e.g. "{keywords[0]}"' if keywords else ""
        stat = ""
        if indicator.get("stat"):
            bounds = [
                f"≥{indicator['stat_min']}" if indicator.get("stat_min") is not None else "",
                f"≤{indicator['stat_max']}" if indicator.get("stat_max") is not None else "",
            ]
            stat = f" [stat {indicator['stat']} {' '.join(b for b in bounds if b)}]"
        out.append(f"    {sign} {indicator['text']}{examples}{stat}")
    return out


def rubric_text(rubric) -> str:
    """A rubric version as compact text (not JSON: fewer tokens, same content)."""
    content = rubric.content
    lines = [f"## {rubric.dimension}: {rubric.name} (rubric version {rubric.number})"]
    for criterion in content.get("criteria", []):
        lines.append(f"- {criterion['key']} (weight {criterion['weight']}): {criterion['description']}")
        lines += _indicators("+", criterion.get("positive_indicators", []))
        lines += _indicators("-", criterion.get("negative_indicators", []))
        anchors = criterion.get("anchors", {})
        lines.append("    anchors: " + " | ".join(f"{level}: {anchors[level]}" for level in sorted(anchors)))
    if content.get("na_rule"):
        lines.append(f"N/A rule: {content['na_rule']}")
    return "\n".join(lines)


def system_blocks(*, snapshot, documents, ttl: str) -> list[dict]:
    """Instructions + rubrics (one cached block) and the product documents (a second cached block)."""
    cache = {"type": "ephemeral", "ttl": ttl}
    rubrics = "\n\n".join(rubric_text(snapshot.rubrics[d]) for d in DIMENSIONS if d in snapshot.rubrics)
    blocks = [{"type": "text", "text": f"{INSTRUCTIONS}\n\n# Rubrics\n\n{rubrics}", "cache_control": cache}]
    if documents:
        docs = "\n\n".join(f"## doc_key {doc.key}: {doc.title}\n{doc.body.strip()}" for doc in documents)
        blocks.append({"type": "text", "text": f"# Product documents\n\n{docs}", "cache_control": cache})
    return blocks


def user_text(*, call, speakers: list, stats: dict, transcript: str, part: tuple[int, int] | None) -> str:
    """The per-call message. `part` = (n, of) when this is one chunk of a longer call."""
    header = [
        f"Call: {call.title or call.id} ({call.call_type or 'call'}, account {call.account_name or 'unknown'})",
        f"Dimensions: {', '.join(DIMENSIONS)}",
        SPEAKERS_HEADER,
        *(f"- {s.speaker_id}: {s.name}, {s.role or 'Rep'}, {s.title or '-'}" for s in speakers),
        "Interaction stats (computed from timestamps, whole call): "
        + json.dumps({s.speaker_id: stats.get(s.speaker_id, {}) for s in speakers}, separators=(",", ":")),
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
