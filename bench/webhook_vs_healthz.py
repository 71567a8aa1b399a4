"""The DRF webhook against /healthz: p99 at 200 req/s, same server, same client, same run.

Run: .venv/bin/python bench/webhook_vs_healthz.py [--rate 200] [--seconds 10] [--rounds 2]
Writes bench/results/webhook_vs_healthz.json. Target: webhook p99 ≤ 3 × /healthz p99, 0 errors.

The webhook is a DRF APIView (gong/views.py: three authentication classes, a size-limited parser, JSON errors);
/healthz is a plain Django view that runs two small queries. Both go through the same middleware, gunicorn and
database (a throwaway one; see bench/webhook_latency.py, whose server and open-loop client this reuses). Runs
alternate healthz / webhook for `--rounds` rounds so that a burst of other work on the machine tends to land on
both; the verdict is the worst round's ratio. No worker runs: this is the request path alone
(bench/webhook_latency.py measures it while a fetcher runs).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from webhook_latency import (  # noqa: E402  (bench/ is on sys.path when a script in it runs)
    RESULTS,
    WEBHOOK_PATH,
    app_env,
    constant_rate,
    dev_keys,
    free_port,
    gunicorn,
    http_request,
    step,
    throwaway_database,
    webhook_requests,
)

HEALTHZ_PATH = "/healthz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    count = int(args.rate * args.seconds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    private_pem, public_b64 = dev_keys()
    load_before = round(os.getloadavg()[0], 2)
    port = free_port()
    host = f"127.0.0.1:{port}"
    url = f"http://{host}{WEBHOOK_PATH}"
    signing = {"host": host, "url": url, "private_pem": private_pem}
    step("signing webhooks")
    warm = webhook_requests(**signing, count=200, duplicate_rate=0, id_base=9_400_000_000_000_000_000)
    rounds_hooks = [
        webhook_requests(**signing, count=count, duplicate_rate=0.05, id_base=9_500_000_000_000_000_000 + r * 10**9)
        for r in range(args.rounds)
    ]
    healthz = [http_request(host, HEALTHZ_PATH) for _ in range(count)]
    log = RESULTS / "webhook_vs_healthz.gunicorn.log"
    rounds = []
    step("creating the throwaway database")
    with throwaway_database() as database_url:
        env = app_env(database_url=database_url, public_key_b64=public_b64, webhook_url=url)
        with gunicorn(env, port=port, log=log, workers=args.workers, threads=args.threads) as base:
            constant_rate(base, healthz[:200], rate=100)  # warm-up: imports, connections
            constant_rate(base, warm, rate=100)
            for index, hooks in enumerate(rounds_hooks, start=1):
                step(f"round {index}: /healthz at {args.rate:g}/s")
                health_result = constant_rate(base, healthz, rate=args.rate)
                step(f"round {index}: webhooks at {args.rate:g}/s")
                hook_result = constant_rate(base, hooks, rate=args.rate)
                ratio = round(hook_result["p99_ms"] / max(health_result["p99_ms"], 0.01), 2)
                rounds.append({"healthz": health_result, "webhook": hook_result, "p99_ratio": ratio})
    errors = sum(
        v for r in rounds for k, v in r["webhook"]["statuses"].items() if k != "202"
    ) + sum(v for r in rounds for k, v in r["healthz"]["statuses"].items() if k != "200")  # fmt: skip
    worst_ratio = max(r["p99_ratio"] for r in rounds)
    result = {
        "bench": "webhook_vs_healthz",
        "server": f"gunicorn gthread workers={args.workers} threads={args.threads}, config.settings.production",
        "webhook_view": os.environ.get("BENCH_LABEL", "DRF APIView (gong/views.py)"),
        "cpus": os.cpu_count(),
        # Other work on the machine competes for the same CPUs; a high load average inflates the figures.
        "load_average_1m_before_and_after": [load_before, round(os.getloadavg()[0], 2)],
        "duration_s_per_run": args.seconds,
        "rounds": rounds,
        "worst_p99_ratio": worst_ratio,
        "errors": errors,
        "target": {"webhook_p99_over_healthz_p99_max": 3.0, "errors": 0},
        "meets_target": worst_ratio <= 3.0 and errors == 0,
    }
    (RESULTS / "webhook_vs_healthz.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
