"""Bench: output tokens of one representative full answer under the old (holistic) and new (per-criterion) schema.

Output is billed at 5× input, and the fake Messages API's answers are not a model's (their size is only the
fake's), so this counts the tokens of hand-built answers at the prompt's caps instead — one speaker, four
dimensions of five criteria (the shipped rubrics have 4–5):
- old: per dimension a score, a 40-word rationale, 3 quotes of 12 words, 2 met and 1 missed criterion keys;
- new, at the caps: per criterion 2 quotes of 12 words, status, level; a 25-word rationale per dimension;
- new, typical: per dimension one criterion n_a (no quote), the others with one 12-word quote.
Both carry the same summary (40 words), 3 strengths (15), 3 improvements (20), 3 key moments and no product
error. Tokens ≈ characters ÷ 4 of compact JSON (no API call; the count endpoint would differ by a few percent).
Each answer is validated against the code's own answer model. Writes bench/results/answer_tokens.json.

    .venv/bin/python bench/answer_tokens.py
"""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

WORDS = [
    "the",
    "rep",
    "asked",
    "about",
    "their",
    "current",
    "process",
    "and",
    "what",
    "breaks",
    "when",
    "the",
    "report",
    "is",
    "wrong",
    "today",
]
DIMENSIONS = ("product_knowledge", "discovery", "objection_handling", "engagement")
KEYS = [f"criterion_key_{i}" for i in range(1, 6)]


def prose(words: int) -> str:
    return " ".join(WORDS[i % len(WORDS)] for i in range(words)).capitalize() + "."


def tokens(answer: dict) -> int:
    return math.ceil(len(json.dumps(answer, separators=(",", ":"))) / 4)


def common() -> dict:
    moment = {"quote": prose(12), "title": prose(8), "why": prose(25), "kind": "strength"}
    return {
        "summary": prose(40),
        "strengths": [prose(15)] * 3,
        "improvements": [prose(20)] * 3,
        "key_moments": [moment] * 3,
        "product_errors": [],
    }


def old_answer() -> dict:
    dimension = {
        "score": 4,
        "rationale": prose(40),
        "quotes": [prose(12)] * 3,
        "criteria_met": KEYS[:2],
        "criteria_missed": KEYS[2:3],
    }
    dims = [{"dimension": d, **dimension} for d in DIMENSIONS]
    return {"speakers": [{"speaker_id": "5100000000000000001", **common(), "dimensions": dims}]}


def new_answer(*, typical: bool) -> dict:
    def criterion(i: int) -> dict:
        if typical and i == 4:
            return {"key": KEYS[i], "evidence": [], "status": "n_a", "level": None}
        quotes = [prose(12)] * (1 if typical else 2)
        return {"key": KEYS[i], "evidence": quotes, "status": "met", "level": 4}

    dimension = {"criteria": [criterion(i) for i in range(5)], "rationale": prose(25)}
    speaker = {"speaker_id": "5100000000000000001", "dimensions": dict.fromkeys(DIMENSIONS, dimension), **common()}
    return {"speakers": [speaker]}


def main() -> None:
    import django

    django.setup()
    from analysis.schemas import answer_model

    model = answer_model(criteria=dict.fromkeys(DIMENSIONS, KEYS))
    caps, typical = new_answer(typical=False), new_answer(typical=True)
    model.model_validate(caps)
    model.model_validate(typical)
    result = {
        "definition": "output tokens (chars/4 of compact JSON) of one speaker's full answer, 4 dimensions × 5 "
        "criteria, every free-text field at its cap; hand-built, not a model's answer",
        "old_holistic": tokens(old_answer()),
        "new_criteria_at_caps": tokens(caps),
        "new_criteria_typical": tokens(typical),
    }
    result["change_at_caps"] = round(result["new_criteria_at_caps"] / result["old_holistic"] - 1, 3)
    result["change_typical"] = round(result["new_criteria_typical"] / result["old_holistic"] - 1, 3)
    out = ROOT / "bench" / "results" / "answer_tokens.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
