"""Bench: how far the offline analyzer agrees with the simulator's planted skill levels, and with itself.

Runs against a throwaway database `callcoach_bench_scorer` (dropped and re-created each run): migrate, seed the
demo knowledge base (`seed_knowledgebase --demo`), serve a simulated week (seed 11, 60 calls) from the Gong
simulator over HTTP, fetch it (users sync + gong_sync), analyse every transcribed call with the offline analyzer,
then `evaluate_scorer --gold` (QWK, ±1, N/A disagreements both ways, constant baseline) and
`evaluate_scorer --repeat 2 --sample 10` (test-retest, result cache bypassed). Writes
bench/results/evaluate_scorer_gold.json and bench/results/evaluate_scorer_retest.json — the files the README's
figures quote. The offline analyzer is a keyword baseline: the simulator plants the phrases the demo adds to the
rubrics, so this says the pipeline is wired right, not that it understands sales.

    .venv/bin/python bench/scorer_agreement.py [--keep]
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._db import bench_database_create, bench_database_drop  # noqa: E402

BENCH_DB = "callcoach_bench_scorer"
RESULTS = ROOT / "bench" / "results"


def main() -> None:
    bench_database_create(BENCH_DB)
    os.environ["ANALYZER"] = "offline"
    os.environ["ANTHROPIC_API_KEY"] = ""
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from coaching.services import call_coach
    from gong.models import Call, CallStatus
    from gong.services import gong_sync, users_sync
    from gong.simulator.corpus import corpus_build, corpus_gold_write
    from gong.simulator.server import SimulatorServer

    try:
        call_command("migrate", verbosity=0)
        call_command("seed_knowledgebase", "--demo", verbosity=0)
        corpus = corpus_build(seed=11, calls=60, long_calls=0, private_calls=1, internal_calls=1, late_calls=0)
        with SimulatorServer(corpus, rate_per_second=1000) as simulator:
            settings.GONG_BASE_URL = simulator.base_url
            settings.GONG_ACCESS_KEY = simulator.access_key
            settings.GONG_ACCESS_KEY_SECRET = simulator.access_key_secret
            users_sync()
            since = datetime.combine(corpus.week_start, datetime.min.time(), tzinfo=UTC)
            gong_sync(since=since, until=since + timedelta(days=7))
        for call_id in Call.objects.filter(status=CallStatus.TRANSCRIBED).values_list("id", flat=True):
            call_coach(call_id=call_id, worker="bench")
        gold = corpus_gold_write(corpus, RESULTS / ".scorer_gold_labels.json")
        RESULTS.mkdir(parents=True, exist_ok=True)
        call_command(
            "evaluate_scorer", "--gold", str(gold), "--analyzer", "offline",
            "--out", str(RESULTS / "evaluate_scorer_gold.json"),
        )  # fmt: skip
        call_command(
            "evaluate_scorer", "--repeat", "2", "--sample", "10",
            "--out", str(RESULTS / "evaluate_scorer_retest.json"),
        )  # fmt: skip
        gold.unlink(missing_ok=True)
    finally:
        if "--keep" not in sys.argv:
            bench_database_drop(BENCH_DB)


if __name__ == "__main__":
    main()
