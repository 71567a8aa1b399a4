"""Bench: the same long calls scored whole and in chunks — agreement, and what the chunks cost.

    .venv/bin/python bench/chunk_agreement.py [--keep]

Issue 19 keeps the seed's chunk budget (80K raw tokens, 20 % overlap) unless a measurement says otherwise. This
scores four long calls (~60K–200K raw tokens, behaviours planted in different phases of each call: discovery
early or late, a rep who slips, behaviours seen once or twice in 200K tokens) whole (a budget above the call)
and chunked at 120K, 80K and 40K, through the real pipeline (windows, one request per part, quote verification,
analysis/merge.py) against the fake Messages API (tests/fakes/anthropic_server.py), in a throwaway database.

WHAT IT TESTS: the chunk + merge logic — does cutting a call into parts and merging the parts' criteria lose or
invent evidence compared with one request over the whole call. The judge in every request is deterministic: the
offline analyzer's rules (analysis/offline.py: keyword indicators of the seeded demo rubrics, plus the
whole-call interaction stats that the prompt gives every part) applied by the fake to the lines that request
shows, quoting the sentences that matched. It says nothing about Claude's own steadiness (a model may judge the
same lines differently twice); the cost figures come from the fake API's usage, not from a model.

Definitions (whole = the reference):
- pairs: every (call, scored speaker, dimension) for scores (also per dimension: scores_by_dimension, 8 pairs
  each, so kappa is null there); every (call, speaker, dimension, criterion) for criteria;
- exact: the same value (N/A equal to N/A; for criteria: the same status and level);
- within_1: both N/A, or both scored and at most one level apart;
- na_agreement: both N/A or both assessed;
- kappa: quadratically weighted Cohen's kappa over the pairs both assessed (levels 1–5); null when fewer than
  10 pairs or the whole-call values do not vary (then kappa is not meaningful);
- chunked_higher / chunked_lower: pairs both assessed where the chunked level is above / below the whole's;
- lost: assessed whole, n_a chunked; invented: n_a whole, assessed chunked; met_flipped: met in one, missed in
  the other;
- evidence_recall: of the whole run's quotes on criteria assessed in both, the share the chunked run also cites
  (normalized text; at most 2 quotes per criterion, so a different choice of equally valid quotes counts as
  a miss);
- cost: summed over the four calls, warm prompt cache (the rubric/KB prefix already cached): requests; billed
  input equivalent = input + cache writes × 1.25 (5m) or × 2 (1h) + cache reads × 0.1; ratio = billed input
  equivalent ÷ raw transcript tokens (⌈sentence characters ÷ 4⌉); dollars at Sonnet 4.5 list prices. Tokens
  are the fake's ⌈chars ÷ 4⌉, not Anthropic's tokenizer; output tokens are the fake's answers, not a model's.
A whole-call request over 200K tokens would not fit a real 200K context: the whole runs are a reference for the
merge, not a configuration to ship.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.analysis_ratio import fake_claude_bench, measure  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "chunk_agreement.json"
WHOLE = 10_000_000
CONFIGS = {"whole": (WHOLE, 0.2), "120k": (120_000, 0.2), "80k": (80_000, 0.2), "40k": (40_000, 0.2)}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def calls(scale: float = 1.0) -> dict:
    """The long calls: name → call. Rates are per rep sentence; the rest is demo filler."""
    from bench._ratio_calls import phased_call
    from gong.simulator import behaviours as b
    from gong.simulator import lines as sim
    from gong.simulator.product import FACTS

    def phased(*, raw_tokens: int, **kwargs):
        return phased_call(raw_tokens=round(raw_tokens * scale), **kwargs)

    right, wrong = tuple(f.right for f in FACTS), tuple(f.wrong for f in FACTS)
    story = (b.CUSTOMER_STORY, sim.CUSTOMER_DETAIL, b.CUSTOMER_ACK)
    objecting = (b.OBJECTIONS, sim.CUSTOMER_OBJECTION_DETAIL, b.CUSTOMER_ACK)
    asking = (sim.CUSTOMER_QUESTIONS, sim.CUSTOMER_DETAIL, b.CUSTOMER_ACK)
    handle = {b.OBJECTION_ACKNOWLEDGE: 0.08, b.OBJECTION_EXPLORE: 0.08, b.OBJECTION_RESPOND: 0.08}
    every = {pool: 0.004 for pool in (b.DISCOVERY_POSITIVE, b.DISCOVERY_NEGATIVE, b.OBJECTION_ACKNOWLEDGE,
             b.OBJECTION_EXPLORE, b.OBJECTION_RESPOND, b.OBJECTION_NEGATIVE, b.ENGAGEMENT_POSITIVE,
             b.ENGAGEMENT_NEGATIVE, b.PRODUCT_POSITIVE, b.PRODUCT_NEGATIVE, right, wrong)}  # fmt: skip
    return {
        "discovery_then_demo_60k": phased(raw_tokens=60_000, seed=71, title="Discovery, demo, objections", phases=[
            (0.2, {b.DISCOVERY_POSITIVE: 0.3}, story),
            (0.7, {right: 0.05, b.ENGAGEMENT_POSITIVE: 0.03}, asking),
            (1.0, {**handle, b.ENGAGEMENT_POSITIVE: 0.05}, objecting),
        ]),
        "slipping_rep_100k": phased(raw_tokens=100_000, seed=72, title="Strong start, weak finish", phases=[
            (0.3, {b.DISCOVERY_POSITIVE: 0.2, b.OBJECTION_ACKNOWLEDGE: 0.05, right: 0.05}, story),
            (0.7, {b.DISCOVERY_NEGATIVE: 0.05, b.OBJECTION_NEGATIVE: 0.08, wrong: 0.03}, objecting),
            (1.0, {b.ENGAGEMENT_NEGATIVE: 0.08, b.ENGAGEMENT_POSITIVE: 0.02}, asking),
        ]),
        "late_discovery_150k": phased(raw_tokens=150_000, seed=73, title="Objections first", phases=[
            (0.35, {**handle, b.PRODUCT_NEGATIVE: 0.02}, objecting),
            (0.6, {right: 0.04, b.PRODUCT_POSITIVE: 0.02}, asking),
            (1.0, {b.DISCOVERY_POSITIVE: 0.1, b.ENGAGEMENT_POSITIVE: 0.03}, story),
        ]),
        "sparse_200k": phased(raw_tokens=200_000, seed=74, title="Workshop recording", phases=[
            (1.0, every, (*story, *objecting)),
        ]),
    }  # fmt: skip


class OfflineJudge:
    """The fake's `criteria_fn`: the offline analyzer's rules on the lines a request shows (see the docstring)."""

    def __init__(self) -> None:
        self.rubrics: dict = {}
        self.stats: dict = {}

    def __call__(self, speaker_id: str, dimension: str, key: str, lines: list[str]):
        criterion = self._judged(speaker_id, dimension, tuple(lines)).get(key)
        if criterion is None:
            return ("n_a", None, [])
        # The quote is the whole line (turn) of the sentence that matched: long enough to occur once, as asked.
        quotes = list(dict.fromkeys(lines[e.start_ms] for e in criterion.evidence))
        return (criterion.status, criterion.level, quotes)

    @functools.lru_cache(maxsize=64)  # noqa: B019 - one judge per bench run
    def _judged(self, speaker_id: str, dimension: str, lines: tuple[str, ...]) -> dict:
        from analysis.offline import dimension_offline, speaker_sentences

        sentences = [[i, i, s] for i, line in enumerate(lines) for s in SENTENCE_END.split(line) if s]
        said = speaker_sentences([{"speaker_id": speaker_id, "sentences": sentences}], speaker_id)
        speaker = SimpleNamespace(speaker_id=speaker_id, name="judge")
        # Each sentence's start_ms is its line's index (the quote is that line).
        result, _ = dimension_offline(self.rubrics[dimension], said, self.stats.get(speaker_id, {}), speaker)
        return {c.key: c for c in result.criteria}


def weighted_kappa(pairs: list[tuple[int, int]]) -> float | None:
    """Quadratically weighted kappa over levels 1–5; None when not meaningful (see the docstring)."""
    if len(pairs) < 10 or len({a for a, _ in pairs}) < 2:
        return None
    n, cats = len(pairs), range(1, 6)
    left = {c: sum(a == c for a, _ in pairs) / n for c in cats}
    right = {c: sum(b == c for _, b in pairs) / n for c in cats}
    observed = sum((a - b) ** 2 for a, b in pairs) / n
    expected = sum(left[i] * right[j] * (i - j) ** 2 for i in cats for j in cats)
    return round(1 - observed / expected, 3) if expected else None


def _share(hits: int, total: int) -> float | None:
    return round(hits / total, 3) if total else None


def _agreement(pairs: list[tuple[int | None, int | None]]) -> dict:
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    scored = set(both)
    return {
        "pairs": len(pairs),
        "exact": _share(sum(a == b for a, b in pairs), len(pairs)),
        "within_1": _share(sum(a == b or ((a, b) in scored and abs(a - b) <= 1) for a, b in pairs), len(pairs)),
        "na_agreement": _share(sum((a is None) == (b is None) for a, b in pairs), len(pairs)),
        "kappa": weighted_kappa(both),
        "chunked_higher": sum(b > a for a, b in both),
        "chunked_lower": sum(b < a for a, b in both),
    }


def compare(whole: list[dict], chunked: list[dict], *, call: str) -> dict:
    """Score and criterion pairs of one call's two results (speakers matched by id)."""
    from analysis.quotes import normalize

    scores, levels, statuses, quotes, differences, by_dimension = [], [], [], [0, 0], [], {}
    by_id = {s["speaker_id"]: s for s in chunked}
    for speaker in whole:
        other = {d["dimension"]: d for d in by_id[speaker["speaker_id"]]["dimensions"]}
        for dimension in speaker["dimensions"]:
            mine = other[dimension["dimension"]]
            scores.append((dimension["score"], mine["score"]))
            by_dimension.setdefault(dimension["dimension"], []).append(scores[-1])
            theirs = {c["key"]: c for c in mine["criteria"]}
            for criterion in dimension["criteria"]:
                twin = theirs[criterion["key"]]
                levels.append((criterion["level"], twin["level"]))
                statuses.append((criterion["status"], twin["status"]))
                if criterion["status"] != "n_a" and twin["status"] != "n_a":
                    cited = {normalize(e["quote"]) for e in twin["evidence"]}
                    quotes[0] += sum(normalize(e["quote"]) in cited for e in criterion["evidence"])
                    quotes[1] += len(criterion["evidence"])
                if (criterion["status"], criterion["level"]) != (twin["status"], twin["level"]):
                    differences.append({
                        "call": call, "speaker": speaker["name"], "dimension": dimension["dimension"],
                        "criterion": criterion["key"], "whole": [criterion["status"], criterion["level"]],
                        "chunked": [twin["status"], twin["level"]],
                    })  # fmt: skip
    return {
        "scores": scores, "levels": levels, "statuses": statuses, "quotes": quotes, "differences": differences,
        "by_dimension": by_dimension,
    }  # fmt: skip


def summarise(compared: list[dict]) -> dict:
    scores = [p for c in compared for p in c["scores"]]
    levels = [p for c in compared for p in c["levels"]]
    statuses = [p for c in compared for p in c["statuses"]]
    found, cited = sum(c["quotes"][0] for c in compared), sum(c["quotes"][1] for c in compared)
    criteria = _agreement(levels)
    same = sum(s == t and a == b for (s, t), (a, b) in zip(statuses, levels, strict=True))
    criteria["exact"] = _share(same, len(levels))
    criteria["status_exact"] = _share(sum(a == b for a, b in statuses), len(statuses))
    criteria["lost"] = sum(a != "n_a" and b == "n_a" for a, b in statuses)
    criteria["invented"] = sum(a == "n_a" and b != "n_a" for a, b in statuses)
    criteria["met_flipped"] = sum({a, b} == {"met", "missed"} for a, b in statuses)
    criteria["evidence_recall"] = _share(found, cited)
    dimensions = {}
    for compared_call in compared:
        for name, pairs in compared_call["by_dimension"].items():
            dimensions.setdefault(name, []).extend(pairs)
    by_dimension = {name: _agreement(pairs) for name, pairs in dimensions.items()}
    return {"dimension_scores": _agreement(scores), "criteria": criteria, "scores_by_dimension": by_dimension}


def cost(runs: list[dict]) -> dict:
    raw = sum(r["raw_transcript_tokens"] for r in runs)
    billed = sum(r["billed_input_equivalent"] for r in runs)
    return {
        "requests": sum(r["requests"] for r in runs),
        "raw_transcript_tokens": raw,
        "billed_input_equivalent": billed,
        "ratio": round(billed / raw, 3),
        "output_tokens": sum(r["output_tokens"] for r in runs),
        "input_side_usd_sonnet_4_5": round(sum(r["input_side_usd_sonnet_4_5"] for r in runs), 4),
        "usd_sonnet_4_5_with_output": round(sum(r["cost_usd_sonnet_4_5_with_output"] for r in runs), 4),
    }


def scenarios(fake, *, scale: float = 1.0) -> dict:
    from django.conf import settings

    from analysis.models import AnalysisRun
    from analysis.services.context import analysis_input_build
    from bench._ratio_calls import short_call

    judge = OfflineJudge()
    fake.criteria_fn = judge
    warmup = short_call(seed=901)
    runs: dict[str, dict[str, dict]] = {config: {} for config in CONFIGS}
    results: dict[str, dict[str, list]] = {config: {} for config in CONFIGS}
    for name, call in calls(scale).items():
        inp = analysis_input_build(call_id=call.pk)
        judge.rubrics, judge.stats = inp.snapshot.rubrics, inp.stats
        for config, (budget, overlap) in CONFIGS.items():
            settings.ANALYSIS_CHUNK_TOKENS = max(1000, round(budget * scale))
            settings.ANALYSIS_CHUNK_OVERLAP = overlap
            measure(warmup, cold=False, fake=fake)  # the prefix is cached: every measured request is warm
            run = measure(call, cold=False, fake=fake)
            stored = AnalysisRun.objects.get(pk=run["run_id"])
            run["chunks"] = stored.chunk_count
            runs[config][name] = run
            results[config][name] = stored.result["speakers"]
    out = {}
    for config in CONFIGS:
        compared = [compare(results["whole"][n], results[config][n], call=n) for n in results[config]]
        differences = [d for c in compared for d in c["differences"]]
        out[config] = {
            "budget_tokens": CONFIGS[config][0],
            "overlap": CONFIGS[config][1],
            "chunks": {n: r["chunks"] for n, r in runs[config].items()},
            "cost": cost(list(runs[config].values())),
            "per_call": {
                n: {k: r[k] for k in ("raw_transcript_tokens", "requests", "billed_input_equivalent", "ratio")}
                for n, r in runs[config].items()
            },
            **summarise(compared),
            "differences": differences[:40],
            "differences_total": len(differences),
        }
    return out


def table(out: dict) -> str:
    rows = [
        "config  chunks/call       requests  billed-in  ratio  score exact ±1  kappa | crit exact ±1  N/A  "
        "lost inv flip ev-recall",
    ]
    for config, r in out.items():
        s, c = r["dimension_scores"], r["criteria"]
        rows.append(
            f"{config:<7} {'/'.join(str(n) for n in r['chunks'].values()):<17} {r['cost']['requests']:>8} "
            f"{r['cost']['billed_input_equivalent']:>10} {r['cost']['ratio']:>6} {s['exact']:>11} {s['within_1']:>5} "
            f"{s['kappa']!s:>6} | {c['exact']:>10} {c['within_1']:>5} {c['na_agreement']:>5} {c['lost']:>4} "
            f"{c['invented']:>3} {c['met_flipped']:>4} {c['evidence_recall']!s:>9}"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--scale", type=float, default=1.0, help="calls and budgets × this (a quick check: 0.1)")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # not one info line per analysis
    started = time.monotonic()
    load_before = os.getloadavg()
    with fake_claude_bench("chunks", keep=args.keep) as fake:
        from django.conf import settings

        # Warm = the 5-minute prefix the warm-up wrote (auto would send the first call after a quiet spell uncached).
        settings.CLAUDE_PROMPT_CACHE_TTL = "5m"
        configs = scenarios(fake, scale=args.scale)
    out = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_avg_before": [round(x, 2) for x in load_before],
        "load_avg_after": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(time.monotonic() - started, 1),
        "scale": args.scale,
        "what_it_tests": __doc__.split("WHAT IT TESTS: ", 1)[1].split("\n\n", 1)[0].replace("\n", " "),
        "definitions": __doc__.split("Definitions", 1)[1].strip(),
        "configs": configs,
    }
    results = RESULTS if args.scale == 1.0 else RESULTS.with_suffix(f".scale{args.scale}.json")
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print(table(configs))


if __name__ == "__main__":
    main()
