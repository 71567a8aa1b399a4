"""Bench: what Claude bills for a call's input, divided by the RAW transcript, warm and cold prompt cache.

    .venv/bin/python bench/analysis_ratio.py [--keep] [--parts]

Runs the real pipeline (analysis_for_call, the real `anthropic` SDK over HTTP) against the fake Messages API
(tests/fakes/anthropic_server/, which bills prompt caching by Anthropic's rules) in a throwaway database, with the
shipped knowledge base, on calls built for this bench (bench/_ratio_calls.py). Writes
bench/results/analysis_ratio.json. Definitions (the same ⌈chars ÷ 4⌉ estimator on both sides):
- raw transcript tokens = ⌈characters of the sentence text ÷ 4⌉ (= gong_transcript.token_count);
- billed input equivalent = input + cache writes × 1.25 (5-minute TTL) or × 2 (1-hour TTL) + cache reads × 0.1,
  summed over every paid request of the analysis (all chunks; the free count request excluded);
- ratio = billed input equivalent ÷ raw transcript tokens;
- warm = the prompt prefix is already cached (an earlier analysis wrote it); cold = the fake's cache is empty,
  as after the cache expired, the prefix written with the 5-minute TTL (1.25×; `cold_1h_write`: with the 1-hour
  TTL, 2×, what CLAUDE_PROMPT_CACHE_TTL=auto asks for when calls come 5 to ~56 minutes apart; `cold_none`: no
  cache_control at all, the prefix billed as plain input, 1×, what auto sends when calls come rarer than that);
- every_20_min = the mean over 4 analyses 20 minutes apart on the fake's clock, at a forced 5m or 1h TTL;
- auto_every_N_min = the mean over 4 analyses N minutes apart (20 and 90) under CLAUDE_PROMPT_CACHE_TTL=auto,
  the fake's cache and the ledger's clock both moved N minutes between analyses (the ledger rows are shifted back,
  so auto measures the rate it would see); one analysis before them starts the rate history (not counted), the
  fake's cache empty at the start; `ttls` = what auto asked for, per counted analysis;
- short call $ = input-side dollars per call at Sonnet 4.5 list prices ($3/MTok input; 5m writes $3.75, 1h
  writes $6, reads $0.30): (input + cache writes + cache reads), the mean over the short calls.
Output tokens are reported, but the fake's answers are not a model's, so their size is no target.
The prompt prefix by part (bench/_prefix_parts.py) is printed first and stored as `prefix_composition`;
`--parts` prints only that (nothing is written).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_database_create, bench_database_drop  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "analysis_ratio.json"
SONNET_45 = "claude-sonnet-4-5"
SHORT_CALLS = 6
GOALS = {"call_30k_warm": 1.05, "call_30k_cold": 1.30, "workshop_warm": 1.10, "short_call_warm_usd": 0.003}


def _bench_db(suffix: str = "ratio") -> str:
    """Named after the configured database, so helpers sharing a server do not drop each other's bench."""
    from config.env import database_url, parse_database_url

    name = parse_database_url(os.environ.get("DATABASE_URL") or database_url())["NAME"]
    return f"{name}_bench_{suffix}"[:60]


@contextmanager
def fake_claude_bench(suffix: str, *, keep: bool = False):
    """A throwaway database `<database>_bench_<suffix>` (migrated, the shipped knowledge base seeded) and the fake
    Messages API answering at full length, with ANALYZER=claude pointed at it, priced as Sonnet 4.5, no monthly
    budget; yields the fake. The database is dropped afterwards unless `keep`."""
    name = _bench_db(suffix)
    bench_database_create(name)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from tests.factories.analysis import knowledge_seed
    from tests.fakes.anthropic_server import FakeAnthropic

    knowledge_seed()
    fake = FakeAnthropic().start()
    fake.answer_size = "full"
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ANALYZER = "bench", fake.url, "claude"
    settings.CLAUDE_MODEL = SONNET_45
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    try:
        yield fake
    finally:
        fake.stop()
        if not keep:
            bench_database_drop(name)


def _usage(rows):
    from analysis.pricing import TokenUsage

    total = TokenUsage()
    for row in rows:
        total = total + TokenUsage(
            row.input_tokens,
            row.output_tokens,
            row.cache_write_tokens,
            row.cache_read_tokens,
            row.cache_write_tokens if row.cache_ttl == "1h" else 0,
        )
    return total


def measure(call, *, cold: bool, fake) -> dict:
    """Analyse `call` afresh (force: a result-cache hit would cost nothing) and read its requests from the ledger."""
    from dataclasses import replace

    from analysis.models import ApiCall, ApiCallStatus, ApiPurpose
    from analysis.pricing import cost_usd
    from analysis.services import analysis_for_call

    if cold:
        fake.cache_clear()
    outcome = analysis_for_call(call_id=call.pk, force=True)
    assert outcome.status == "succeeded", outcome
    rows = list(
        ApiCall.objects.filter(run_id=outcome.run_id, status=ApiCallStatus.OK).exclude(purpose=ApiPurpose.TOKEN_COUNT)
    )
    usage = _usage(rows)
    raw = call.transcript.token_count
    input_side = cost_usd(model=SONNET_45, usage=replace(usage, output_tokens=0))
    return {
        "run_id": outcome.run_id,
        "raw_transcript_tokens": raw,
        "requests": len(rows),
        "cache_ttl": sorted({row.cache_ttl for row in rows}),
        "input_tokens": usage.input_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "output_tokens": usage.output_tokens,
        "billed_input_equivalent": round(usage.billed_input_equivalent),
        "ratio": round(usage.billed_input_equivalent / raw, 3),
        "input_side_usd_sonnet_4_5": float(input_side),
        "cost_usd_sonnet_4_5_with_output": float(cost_usd(model=SONNET_45, usage=usage)),
    }


def rendered_tokens(call) -> dict:
    from analysis.services.context import analysis_input_build

    inp = analysis_input_build(call_id=call.pk)
    return {"rendered_transcript_tokens": sum(line.tokens for line in inp.lines), "lines": len(inp.lines)}


def trickle(call, *, fake, ttl: str, calls: int = 4, gap_s: int = 1200) -> dict:
    """`calls` analyses of `call` `gap_s` apart on the fake's clock (a few calls an hour), at a forced cache TTL."""
    from django.conf import settings

    settings.CLAUDE_PROMPT_CACHE_TTL = ttl
    fake.cache_clear()
    runs = []
    for _ in range(calls):
        runs.append(measure(call, cold=False, fake=fake))
        fake.advance(gap_s)
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    return {
        "ttl": ttl,
        "calls": calls,
        "gap_s": gap_s,
        "ratio_mean": round(statistics.mean(r["ratio"] for r in runs), 3),
        "input_side_usd_mean": round(statistics.mean(r["input_side_usd_sonnet_4_5"] for r in runs), 5),
    }


def ledger_shift(seconds: float) -> None:
    """Move every ledger row `seconds` into the past (the bench database only): time passes for the rate rule."""
    from datetime import timedelta

    from django.db.models import F

    from analysis.models import ApiCall

    ApiCall.objects.update(created_at=F("created_at") - timedelta(seconds=seconds))


def trickle_auto(call, *, fake, gap_s: int, calls: int = 4) -> dict:
    """`calls` analyses `gap_s` apart under CLAUDE_PROMPT_CACHE_TTL=auto, after one that starts the rate history;
    earlier bench rows are moved out of the rate window first (see the definitions)."""
    from analysis.services.cache_ttl import RATE_WINDOW

    ledger_shift(RATE_WINDOW.total_seconds() + 3600)
    fake.cache_clear()
    runs = []
    for number in range(calls + 1):
        run = measure(call, cold=False, fake=fake)
        if number:
            runs.append(run)
        fake.advance(gap_s)
        ledger_shift(gap_s)
    return {
        "ttl": "auto",
        "calls": calls,
        "gap_s": gap_s,
        "ttls": [run["cache_ttl"] for run in runs],
        "ratio_mean": round(statistics.mean(r["ratio"] for r in runs), 3),
        "ratios": [r["ratio"] for r in runs],
        "input_side_usd_mean": round(statistics.mean(r["input_side_usd_sonnet_4_5"] for r in runs), 5),
    }


def docs_split(call) -> dict:
    """What sending only the documents a call needs would save, by the most a conservative rule could drop: a
    competitor's notes when that competitor is never named (product facts, pricing, security, playbooks stay —
    they are what proves a product error). Savings in input-token equivalents ÷ raw transcript tokens."""
    from analysis.services.context import analysis_input_build
    from analysis.tokens import token_estimate

    inp = analysis_input_build(call_id=call.pk)
    said = (call.transcript.text or "").lower()
    dropped = [
        doc
        for doc in inp.documents
        if doc.kind == "competitor" and doc.title.rsplit(":", 1)[-1].strip().lower() not in said
    ]
    tokens = sum(token_estimate(doc.body) for doc in dropped)
    raw = call.transcript.token_count
    return {
        "documents_sent": len(inp.documents),
        "droppable": [doc.key for doc in dropped],
        "droppable_tokens": tokens,
        "warm_saving_ratio": round(0.1 * tokens / raw, 4),
        "cold_saving_ratio_5m": round(1.25 * tokens / raw, 4),
        "cold_saving_ratio_1h": round(2 * tokens / raw, 4),
    }


def batch_short(calls, *, fake, warmup) -> dict:
    """The short calls through the Message Batches API (half price, 1-hour cache), the prefix already cached."""
    from dataclasses import replace

    from analysis.models import ApiCall, ApiCallStatus, RunMode
    from analysis.pricing import cost_usd
    from analysis.services import batch_poll, batch_submit

    measure(warmup, cold=False, fake=fake)
    submission = batch_submit(call_ids=[call.pk for call in calls], force=True)
    assert batch_poll(batch_id=submission.batch_id).succeeded == len(calls)
    costs = []
    for call in calls:
        rows = ApiCall.objects.filter(call_id=call.pk, mode=RunMode.BATCH, status=ApiCallStatus.OK)
        usage = replace(_usage(rows), output_tokens=0)
        costs.append(float(cost_usd(model=SONNET_45, usage=usage, batch=True)))
    return {"calls": len(calls), "input_side_usd_mean": round(statistics.mean(costs), 5)}


def scenarios(fake) -> dict:
    from django.conf import settings

    from bench._ratio_calls import sales_call, short_call, workshop_call

    results = {}
    warmup = short_call(seed=900)
    call_30k, workshop = sales_call(raw_tokens=30_000, seed=11), workshop_call()
    for name, call in (("call_30k", call_30k), ("workshop", workshop)):
        for ttl in ("5m", "1h", "none"):
            settings.CLAUDE_PROMPT_CACHE_TTL = ttl
            results[f"{name}_cold_{ttl}"] = {**measure(call, cold=True, fake=fake), **rendered_tokens(call)}
        settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
        measure(warmup, cold=False, fake=fake)  # the prefix is cached again, by another call
        results[f"{name}_warm"] = {**measure(call, cold=False, fake=fake), **rendered_tokens(call)}
    shorts = [short_call(seed=seed) for seed in range(SHORT_CALLS)]
    for label, cold in (("warm", False), ("cold", True)):
        settings.CLAUDE_PROMPT_CACHE_TTL = "5m" if cold else "auto"
        measure(warmup, cold=False, fake=fake)
        runs = [measure(call, cold=cold, fake=fake) for call in shorts]
        settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
        results[f"short_call_{label}"] = {
            "calls": len(runs),
            "raw_transcript_tokens_mean": round(statistics.mean(r["raw_transcript_tokens"] for r in runs)),
            "input_side_usd_mean": round(statistics.mean(r["input_side_usd_sonnet_4_5"] for r in runs), 5),
            "ratio_mean": round(statistics.mean(r["ratio"] for r in runs), 3),
            "per_call": runs,
        }
    results["short_call_batch_warm"] = batch_short(shorts, fake=fake, warmup=warmup)
    # A few calls an hour (every 20 minutes): every 5-minute write has expired by the next call; a 1-hour one has not.
    results["trickle_every_20_min"] = {
        "call_30k": {ttl: trickle(call_30k, fake=fake, ttl=ttl) for ttl in ("5m", "1h")},
        "short_call": {ttl: trickle(shorts[0], fake=fake, ttl=ttl) for ttl in ("5m", "1h")},
        "auto_chooses": "1h at this rate (tests/analysis/test_cache_ttl.py); 5m while calls come < 5 min apart",
    }
    # What auto does at each rate: every 20 minutes (1h write, then reads) and every 90 minutes (no cache write:
    # a 1-hour entry would expire unread), beside the forced TTLs at 90 minutes.
    results["auto_by_rate"] = {
        "call_30k_every_20_min": trickle_auto(call_30k, fake=fake, gap_s=1200),
        "call_30k_every_90_min": trickle_auto(call_30k, fake=fake, gap_s=5400),
        "call_30k_every_90_min_forced": {
            ttl: trickle(call_30k, fake=fake, ttl=ttl, gap_s=5400) for ttl in ("5m", "1h")
        },
    }
    results["docs_split"] = {"call_30k": docs_split(call_30k), "workshop": docs_split(workshop)}
    results["docs_split"]["short_calls"] = [docs_split(call) for call in shorts]
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--parts", action="store_true", help="only print the prefix composition (writes nothing)")
    args = parser.parse_args()
    from bench._prefix_parts import composition, composition_table, levers_projected

    started = time.monotonic()
    with fake_claude_bench("ratio", keep=args.keep) as fake:
        from django.conf import settings

        parts = composition()
        print(composition_table(parts))
        if args.parts:
            print(json.dumps(parts, indent=1))
            return
        results = scenarios(fake)
    figures = {
        "call_30k_warm": results["call_30k_warm"]["ratio"],
        "call_30k_cold": results["call_30k_cold_5m"]["ratio"],
        "call_30k_cold_1h_write": results["call_30k_cold_1h"]["ratio"],
        "call_30k_cold_no_cache": results["call_30k_cold_none"]["ratio"],
        "workshop_warm": results["workshop_warm"]["ratio"],
        "workshop_cold": results["workshop_cold_5m"]["ratio"],
        "short_call_warm_usd": results["short_call_warm"]["input_side_usd_mean"],
        "short_call_cold_usd": results["short_call_cold"]["input_side_usd_mean"],
        "short_call_batch_warm_usd": results["short_call_batch_warm"]["input_side_usd_mean"],
        "call_30k_every_20_min_5m_ttl": results["trickle_every_20_min"]["call_30k"]["5m"]["ratio_mean"],
        "call_30k_every_20_min_1h_ttl": results["trickle_every_20_min"]["call_30k"]["1h"]["ratio_mean"],
        "call_30k_every_20_min_auto": results["auto_by_rate"]["call_30k_every_20_min"]["ratio_mean"],
        "call_30k_every_90_min_auto": results["auto_by_rate"]["call_30k_every_90_min"]["ratio_mean"],
        "call_30k_every_90_min_1h_ttl": results["auto_by_rate"]["call_30k_every_90_min_forced"]["1h"]["ratio_mean"],
    }
    out = {
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "load_1m": os.getloadavg()[0],
        "seconds": round(time.monotonic() - started, 1),
        "definitions": __doc__.split("Definitions", 1)[1].split("Output tokens")[0].strip(),
        "chunk_tokens": settings.ANALYSIS_CHUNK_TOKENS,
        "chunk_overlap": settings.ANALYSIS_CHUNK_OVERLAP,
        "figures": figures,
        "goals": GOALS,
        "pass": {key: figures[key] <= goal for key, goal in GOALS.items()},
        "prefix_composition": parts,
        "prefix_levers_projected": levers_projected(parts["levers_not_applied_tokens"], results),
        **results,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps({"figures": figures, "pass": out["pass"]}, indent=2))


if __name__ == "__main__":
    main()
