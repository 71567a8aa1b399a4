"""The fake's analyses: schema-valid answers built from the request.

For every speaker listed under "Score these speakers" the answer quotes that speaker's real lines from the
rendered transcript in the request (optionally plus one fabricated and one wrong-speaker quote). How each
dimension and criterion is judged comes from the knobs on the FakeAnthropic (`score_fn`, `criteria_fn`,
`answer_size`, `fabricate`, `wrong_speaker`).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from tests.fakes.anthropic_server.billing import text_of

SPEAKERS_HEADER = "Score these speakers"
LEGEND = re.compile(r"^([A-Z]{1,3}) = (.+?) \((?:Rep|Customer|Unknown)\b.*\)$")
LINE = re.compile(r"^(?:\[(\d+):(\d\d)\] )?([A-Z]{1,3}): (.*)$")
SPEAKER = re.compile(r"^- (\d+): ([^,]+),")
DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")
FABRICATED = "We guarantee a three hundred percent return in the very first week"
_VOCABULARY = [
    "the",
    "rep",
    "asked",
    "about",
    "current",
    "process",
    "pain",
    "impact",
    "next",
    "steps",
    "pricing",
    "security",
    "rollout",
]


def default_score(speaker_id: str, dimension: str, lines: list[str]) -> int | None:
    if not lines:
        return None
    return 1 + (len(lines) + DIMENSIONS.index(dimension)) % 5


def analysis_answer(knobs: Any, body: dict) -> dict:
    """The analysis the fake answers to one Messages request (`knobs`: the FakeAnthropic)."""
    text = text_of(body["messages"][0].get("content"))
    speakers = [(m.group(1), m.group(2).strip()) for m in map(SPEAKER.match, text.splitlines()) if m]
    transcript = text.split("Transcript:\n", 1)[-1].splitlines()
    tagged = {m.group(1): m.group(2) for m in map(LEGEND.match, transcript) if m}
    by_name: dict[str, list[str]] = {}
    for match in filter(None, map(LINE.match, transcript)):
        by_name.setdefault(tagged.get(match.group(3), match.group(3)), []).append(match.group(4))
    names = {name for _, name in speakers}
    customer_lines = [line for name, lines in by_name.items() if name not in names for line in lines]
    keys = criterion_keys(body)
    return {
        "speakers": [
            _speaker(knobs, speaker_id, name, position, by_name.get(name, []), customer_lines, keys)
            for position, (speaker_id, name) in enumerate(speakers)
        ]
    }


def criterion_keys(body: dict) -> dict[str, list[str]]:
    """{dimension: the criterion keys the request's output schema allows}, read from its enums."""
    schema = ((body.get("output_config") or {}).get("format") or {}).get("schema") or {}
    try:
        speaker = _resolve(schema, _resolve(schema, schema["properties"]["speakers"])["items"])
        dimensions = _resolve(schema, speaker["properties"]["dimensions"])["properties"]
    except (KeyError, TypeError):
        return {}
    out = {}
    for name, node in dimensions.items():
        item = _resolve(schema, _resolve(schema, _resolve(schema, node)["properties"]["criteria"])["items"])
        key = item["properties"]["key"]
        out[name] = list(key.get("enum") or ([key["const"]] if "const" in key else []))
    return out


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _prose(words: int, seed: str) -> str:
    start = int(hashlib.sha256(seed.encode()).hexdigest(), 16)
    return " ".join(_VOCABULARY[(start + i) % len(_VOCABULARY)] for i in range(words)).capitalize() + "."


def _words(line: str, count: int = 12) -> str:
    return " ".join(line.split()[:count])


def _speaker(knobs, speaker_id: str, name: str, position: int, lines: list[str], customer_lines, keys) -> dict:
    full = knobs.answer_size == "full"
    dimensions = {
        d: _dimension(knobs, speaker_id, position, i, lines, customer_lines, keys.get(d) or ["criterion"])
        for i, d in enumerate(DIMENSIONS)
    }
    moments = [
        {"quote": _words(line), "title": "Key moment in the call", "kind": "strength",
         "why": _prose(25, line) if full else "Set the agenda."}
        for line in lines[: 3 if full else 1]
    ]  # fmt: skip
    return {
        "speaker_id": speaker_id,
        "dimensions": dimensions,
        "product_errors": [],
        "key_moments": moments,
        "strengths": [_prose(15, f"{name}s{i}") for i in range(3)] if full else ["Asked open questions"],
        "improvements": [_prose(20, f"{name}i{i}") for i in range(3)] if full else ["Summarise next steps"],
        "summary": _prose(40, name) if full else f"{name} spoke in {len(lines)} turns.",
    }


def _dimension(knobs, speaker_id: str, position: int, index: int, lines: list[str], customer_lines, keys) -> dict:
    """Every criterion judged at the level `score_fn` gives the dimension (so the computed dimension score is
    that level): met at 3+, missed below, n_a when it gives None. Quotes go to the first criterion."""
    dimension = DIMENSIONS[index]
    full = knobs.answer_size == "full"
    score = knobs.score_fn(speaker_id, dimension, lines)
    criteria = []
    for number, key in enumerate(keys):
        quotes = []
        if lines and (full or number == 0):
            quotes = [_words(lines[(index * 3 + number * 2 + k) % len(lines)]) for k in range(min(2, len(lines)))]
        if number == 0 and position == 0 and index == 0 and knobs.fabricate:
            quotes = [*quotes[:1], FABRICATED]  # at most 2 quotes per criterion, as the prompt asks
        if number == 0 and position == 0 and index == 1 and knobs.wrong_speaker and customer_lines:
            quotes = [*quotes[:1], _words(customer_lines[0])]
        status = "n_a" if score is None else "met" if score >= 3 else "missed"
        level = score
        if knobs.criteria_fn is not None:  # per-criterion judgements, (status, level[, quotes])
            status, level, *chosen = knobs.criteria_fn(speaker_id, dimension, key, lines)
            quotes = list(chosen[0]) if chosen else quotes
        evidence = quotes if status != "n_a" else []
        criteria.append({"key": key, "evidence": evidence, "status": status, "level": level})
    rationale = _prose(25, speaker_id + dimension) if full else f"Observed {len(lines)} turns."
    return {"criteria": criteria, "rationale": rationale}
