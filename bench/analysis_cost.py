"""Bench: what one analysis costs in Claude tokens and dollars, and how fast the cache and the chunker are.

    .venv/bin/python bench/analysis_cost.py [--keep]

Runs the real pipeline (analysis_for_call, the real `anthropic` SDK over HTTP) against the fake Messages API
(tests/fakes/anthropic_server/) in a throwaway database `<database>_bench_analysis` (dropped and re-created),
with the shipped knowledge base. Writes bench/results/analysis_cost.json. Measured, in one run:
- billed input ÷ RAW transcript tokens (⌈sentence characters ÷ 4⌉, gong_transcript.token_count), for a ~30K- and
  a ~160K-token call (targets ≤ 1.10 / ≤ 1.35; bench/analysis_ratio.py has the warm/cold figures of issue 19).
  "Billed input" = input-token equivalents at the base price: uncached input + cache writes × 1.25 (5-minute
  TTL) + cache reads × 0.1. The 30K figure is the steady state (the rubric/KB prefix already in the prompt
  cache from an earlier call); the cold first call is reported too;
- cost per 30K call, realtime and Message Batches, at Sonnet 4.5 list prices ($3 / $15 per MTok; targets
  ≤ $0.11 / ≤ $0.06), and the same usage priced for the default model;
- a repeat analysis: tokens (target 0) and lookup time (median, target ≤ 5 ms);
- time to render + chunk a ~160K-token transcript (median, target ≤ 200 ms);
- tokens of the compact rendering ÷ tokens of Gong's raw transcript JSON.
Caveats, stated in the JSON: token counts are the fake's ⌈chars ÷ 4⌉ (the same estimator the code uses without
a key), not Anthropic's tokenizer; output tokens come from the fake answering at the prompt's length caps
(`answer_size="full"`: every rationale, summary and list at its maximum), not from a real model.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_database_create, bench_database_drop  # noqa: E402

# Named after the configured database, so helpers sharing a server do not drop each other's bench database.
BENCH_DB = (
    urlsplit(os.environ.get("DATABASE_URL") or "postgres:///callcoach").path.strip("/") or "callcoach"
) + "_bench_analysis"
RESULTS = ROOT / "bench" / "results" / "analysis_cost.json"
SONNET_45 = "claude-sonnet-4-5"


def database_prepare() -> None:
    """Point Django at a fresh throwaway database on the configured server (the dev database is untouched)."""
    bench_database_create(BENCH_DB)


def database_drop() -> None:
    bench_database_drop(BENCH_DB)


def usage_of(rows):
    from analysis.pricing import TokenUsage

    total = TokenUsage()
    for row in rows:
        total = total + TokenUsage(row.input_tokens, row.output_tokens, row.cache_write_tokens, row.cache_read_tokens)
    return total


def analyse(call_id: str) -> dict:
    """Analyse one call; its ledger usage, priced at Sonnet 4.5 and at the configured model."""
    from django.conf import settings

    from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose
    from analysis.pricing import cost_usd
    from analysis.services import analysis_for_call
    from analysis.services.context import analysis_input_build

    outcome = analysis_for_call(call_id=call_id)
    assert outcome.status == "succeeded", outcome
    rows = list(
        ApiCall.objects.filter(run_id=outcome.run_id, status=ApiCallStatus.OK).exclude(purpose=ApiPurpose.TOKEN_COUNT)
    )
    usage = usage_of(rows)
    transcript_tokens = AnalysisRun.objects.get(pk=outcome.run_id).call.transcript.token_count
    rendered = sum(line.tokens for line in analysis_input_build(call_id=call_id).lines)
    return {
        "run_id": outcome.run_id,
        "requests": len(rows),
        "raw_transcript_tokens": transcript_tokens,
        "rendered_transcript_tokens": rendered,
        "input_tokens": usage.input_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "output_tokens": usage.output_tokens,
        "billed_input_equivalent": round(usage.billed_input_equivalent),
        "billed_input_ratio": round(usage.billed_input_equivalent / transcript_tokens, 4),
        "cost_usd_sonnet_4_5": float(cost_usd(model=SONNET_45, usage=usage)),
        f"cost_usd_{settings.CLAUDE_MODEL}": _float(cost_usd(model=settings.CLAUDE_MODEL, usage=usage)),
    }


def _float(value):
    return None if value is None else float(value)


def gong_json_tokens(call_id: str, turns: list[dict]) -> int:
    """Tokens of the transcript as Gong's /v2/calls/transcript returns it (one monologue per turn)."""
    from analysis.tokens import token_estimate

    payload = {
        "requestId": "bench",
        "records": {"totalRecords": 1, "currentPageSize": 1, "currentPageNumber": 0},
        "callTranscripts": [
            {
                "callId": call_id,
                "transcript": [
                    {
                        "speakerId": t["speaker_id"],
                        "topic": None,
                        "sentences": [{"start": s[0], "end": s[1], "text": s[2]} for s in t["sentences"]],
                    }
                    for t in turns
                ],
            }
        ],
    }
    return token_estimate(json.dumps(payload, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()
    database_prepare()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from analysis.chunking import windows_plan
    from analysis.models import ApiCall, ApiCallStatus, RunMode
    from analysis.pricing import cost_usd
    from analysis.render import speakers_build, transcript_render
    from analysis.services import analysis_for_call, batch_poll, batch_submit
    from analysis.services.context import analysis_input_build
    from gong.selectors import call_participants
    from tests.factories.analysis import knowledge_seed, long_call
    from tests.fakes.anthropic_server import FakeAnthropic

    knowledge_seed()
    fake = FakeAnthropic().start()
    fake.answer_size = "full"
    default_model = settings.CLAUDE_MODEL
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ANALYZER = "bench", fake.url, "claude"
    settings.CLAUDE_MODEL = SONNET_45
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    # The figures are defined with 5-minute writes (auto would send the first call after a quiet spell uncached).
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"
    try:
        warmup = long_call(tokens=30_000)
        small, large, batch_call = long_call(tokens=30_000), long_call(tokens=160_000), long_call(tokens=30_000)
        cold = analyse(warmup.pk)  # writes the rubric/KB prefix to the prompt cache
        warm = analyse(small.pk)
        big = analyse(large.pk)

        requests_before, ledger_before = len(fake.usage_log), ApiCall.objects.count()
        requests_rows_before = ApiCall.objects.exclude(purpose="cache_hit").count()
        roundtrips = []
        for _ in range(25):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            roundtrips.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            analysis_for_call(call_id=small.pk)
        lookups = []
        for _ in range(25):
            started = time.perf_counter()
            hit = analysis_for_call(call_id=small.pk)
            lookups.append((time.perf_counter() - started) * 1000)
            assert hit.cache_hit
        repeat_tokens = sum(e["input_tokens"] + e["output_tokens"] for e in fake.usage_log[requests_before:])
        # Each hit adds a $0, zero-token `cache_hit` marker to the ledger; no Claude request rows.
        repeat_rows = ApiCall.objects.count() - ledger_before
        repeat_requests = ApiCall.objects.exclude(purpose="cache_hit").count() - requests_rows_before

        turns = large.transcript.turns
        speakers = speakers_build(participants=call_participants(call_id=large.pk), turns=turns)
        chunk_ms = []
        for _ in range(7):
            started = time.perf_counter()
            lines = transcript_render(
                turns=turns, speakers=speakers, max_line_tokens=settings.ANALYSIS_CHUNK_TOKENS // 2
            ).lines
            windows = windows_plan(
                [line.tokens for line in lines],
                max_tokens=settings.ANALYSIS_CHUNK_TOKENS,
                overlap=settings.ANALYSIS_CHUNK_OVERLAP,
            )
            chunk_ms.append((time.perf_counter() - started) * 1000)

        submission = batch_submit(call_ids=[batch_call.pk])
        poll = batch_poll(batch_id=submission.batch_id)
        assert poll.succeeded == 1, poll
        batch_rows = list(ApiCall.objects.filter(mode=RunMode.BATCH, status=ApiCallStatus.OK))
        batch_usage = usage_of(batch_rows)

        small_inp = analysis_input_build(call_id=small.pk)
        compact = sum(line.tokens for line in small_inp.lines)
        raw = gong_json_tokens(small.pk, small.transcript.turns)
        results = {
            "method": {
                "server": "tests/fakes/anthropic_server over real HTTP with the anthropic SDK",
                "token_counts": "⌈chars ÷ 4⌉ estimator (fake server and code agree); not Anthropic's tokenizer",
                "output": "fake answers at the prompt's length caps (answer_size=full), not a real model",
                "billed_input_equivalent": "input + 1.25 × cache writes (5m) + 0.1 × cache reads",
                "prices": "Sonnet 4.5 list $3 in / $15 out per MTok; batch −50 %; also priced for the default model",
                "default_model": default_model,
            },
            "call_30k": {**warm, "target_billed_input_ratio": 1.10, "target_cost_realtime_usd": 0.11},
            "call_30k_cold_cache": cold,
            "call_160k": {**big, "chunks": big["requests"], "target_billed_input_ratio": 1.35},
            "cost_per_30k_call_usd": {
                "realtime_sonnet_4_5": warm["cost_usd_sonnet_4_5"],
                "batch_sonnet_4_5": float(cost_usd(model=SONNET_45, usage=batch_usage, batch=True)),
                f"realtime_{default_model}": _float(
                    cost_usd(
                        model=default_model,
                        usage=usage_of(ApiCall.objects.filter(run_id=warm["run_id"], status=ApiCallStatus.OK)),
                    )
                ),
                f"batch_{default_model}": _float(cost_usd(model=default_model, usage=batch_usage, batch=True)),
                "targets": {"realtime": 0.11, "batch": 0.06},
                "seed_estimate_for_comparison": 0.73,
            },
            "repeat_analysis": {
                "tokens": repeat_tokens,
                "new_ledger_rows": repeat_rows,
                "new_request_rows": repeat_requests,
                "lookup_ms_median": round(statistics.median(lookups), 2),
                "lookup_ms_p95": round(sorted(lookups)[int(0.95 * len(lookups)) - 1], 2),
                "lookup_queries": len(queries.captured_queries),
                "db_roundtrip_ms_median": round(statistics.median(roundtrips), 3),
                "target_tokens": 0,
                "target_lookup_ms": 5.0,
            },
            "chunking_160k": {
                "rendered_tokens": sum(line.tokens for line in lines),
                "lines": len(lines),
                "windows": len(windows),
                "window_tokens": [w.tokens for w in windows],
                "ms_median": round(statistics.median(chunk_ms), 1),
                "target_ms": 200.0,
            },
            "compact_vs_gong_json": {
                "compact_tokens": compact,
                "gong_json_tokens": raw,
                "ratio": round(compact / raw, 3),
            },
        }
        results["pass"] = {
            "ratio_30k": warm["billed_input_ratio"] <= 1.10,
            "ratio_160k": big["billed_input_ratio"] <= 1.35,
            "cost_realtime": results["cost_per_30k_call_usd"]["realtime_sonnet_4_5"] <= 0.11,
            "cost_batch": results["cost_per_30k_call_usd"]["batch_sonnet_4_5"] <= 0.06,
            "repeat_tokens": repeat_tokens == 0,
            "lookup_ms": results["repeat_analysis"]["lookup_ms_median"] <= 5.0,
            "chunk_ms": results["chunking_160k"]["ms_median"] <= 200.0,
        }
    finally:
        fake.stop()
        if not args.keep:
            database_drop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({k: results[k] for k in ("pass", "cost_per_30k_call_usd", "repeat_analysis")}, indent=2))
    print(
        f"30K ratio {warm['billed_input_ratio']}, 160K ratio {big['billed_input_ratio']}, "
        f"chunking {results['chunking_160k']['ms_median']} ms, compact/json {results['compact_vs_gong_json']['ratio']}"
    )


if __name__ == "__main__":
    main()
