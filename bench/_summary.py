"""Issue 19's five figures in one table: bench/results/SUMMARY.md, written from the results files.

    .venv/bin/python bench/_summary.py

Run last by `make bench` (after analysis_ratio.py and webhook_busy.py wrote their JSON). Reads only the results
files: each figure keeps the load average and time of the run that measured it. A missing file or figure is shown
as "not measured" and fails. Not a benchmark itself (the name starts with an underscore).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
OUT = RESULTS / "SUMMARY.md"

RATIO = (
    "billed input equivalent ÷ raw transcript tokens (input + cache writes × 1.25 for 5m / × 2 for 1h + cache reads"
    " × 0.1, every paid request of the analysis; raw = ⌈sentence characters ÷ 4⌉)"
)
# (key, figure, file, path in the file, definition, goal, unit)
FIGURES = (
    ("call_30k_warm", "30K-token call, warm", "analysis_ratio.json", ("figures", "call_30k_warm"),
     f"{RATIO}; the prompt prefix already cached", 1.05, "×"),
    ("call_30k_cold", "30K-token call, cold", "analysis_ratio.json", ("figures", "call_30k_cold"),
     f"{RATIO}; empty cache, the prefix written with the 5-minute TTL", 1.30, "×"),
    ("workshop_warm", "2,600-turn workshop (~78K raw tokens; the issue's ~105K counted per-line labels), warm",
     "analysis_ratio.json", ("figures", "workshop_warm"), f"{RATIO}; the prefix already cached", 1.10, "×"),
    ("short_call_warm_usd", "mean short call (~340 raw tokens), warm, realtime", "analysis_ratio.json",
     ("figures", "short_call_warm_usd"),
     "input-side $ per call at Sonnet 4.5 list prices (input $3/MTok + cache writes + cache reads $0.30/MTok), "
     "Messages API (realtime)", 0.003, "$"),
    ("webhook_p99_ms", "webhook p99 at 100 req/s while a worker analyses a backlog", "webhook_busy.json",
     ("webhook_p99_ms",), "p99 latency of signed Gong webhooks (open-loop, from each request's due time) under "
     "gunicorn as shipped while `qcluster` as shipped works through a backlog, 2 cores", 50, "ms"),
)  # fmt: skip
# Shown beside the five (labelled, no goal of their own).
CONTEXT = (
    ("30K call, cold, 1-hour write (what CLAUDE_PROMPT_CACHE_TTL=auto asks for at calls 5–56 minutes apart)",
     "analysis_ratio.json", ("figures", "call_30k_cold_1h_write"), "×"),
    ("30K call, cold, no cache write (what auto sends when calls come rarer than ~56 minutes)",
     "analysis_ratio.json", ("figures", "call_30k_cold_no_cache"), "×"),
    ("30K call, one every 20 minutes, 1-hour TTL (mean of 4)", "analysis_ratio.json",
     ("figures", "call_30k_every_20_min_1h_ttl"), "×"),
    ("30K call, one every 20 minutes, TTL auto (mean of 4: one 1-hour write, then reads)", "analysis_ratio.json",
     ("figures", "call_30k_every_20_min_auto"), "×"),
    ("30K call, one every 90 minutes, TTL auto (mean of 4: no cache write)", "analysis_ratio.json",
     ("figures", "call_30k_every_90_min_auto"), "×"),
    ("30K call, one every 90 minutes, 1-hour TTL forced (mean of 4: every call a 2× write)", "analysis_ratio.json",
     ("figures", "call_30k_every_90_min_1h_ttl"), "×"),
    ("short call, warm, through Message Batches (ANALYSIS_BATCH_BELOW_TOKENS)", "analysis_ratio.json",
     ("figures", "short_call_batch_warm_usd"), "$"),
    ("short call, cold (5m write), realtime", "analysis_ratio.json", ("figures", "short_call_cold_usd"), "$"),
    ("cached prompt prefix, tokens", "analysis_ratio.json", ("prefix_composition", "cached_prefix_tokens"), ""),
)  # fmt: skip


def _load(name: str) -> dict | None:
    path = RESULTS / name
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _get(data: dict | None, path: tuple[str, ...]):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return None
        data = data[key]
    return data


def _load_of(data: dict) -> str:
    load = data.get("load_1m")
    if load is None:
        pair = data.get("load_average_1m_before_and_after") or []
        load = max(pair) if pair else None
    return "?" if load is None else f"{load:.1f}"


def _fmt(value, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "$":
        return f"${value:.5f}"
    if unit == "ms":
        return f"{value:.0f} ms"
    return f"{value:.3f}{unit}" if isinstance(value, float) else f"{value}{unit}"


def summary() -> tuple[str, bool]:
    rows = [
        "# Issue 19: cost and webhook figures",
        "",
        "Written by `bench/_summary.py` from the results files (`make bench` runs it last). Claude figures come from",
        "the fake Messages API (tests/fakes/anthropic_server/) driven by the real `anthropic` client; tokens are",
        "⌈characters ÷ 4⌉ on both sides (the transcript and what the fake bills), not Anthropic's tokenizer; prices",
        "are Sonnet 4.5 list prices. The machine is shared: the load average of each run is given.",
        "",
        "| figure | measured | goal | pass | definition | load (1 min) | measured at |",
        "|---|---|---|---|---|---|---|",
    ]
    all_pass = True
    for _key, label, name, path, definition, goal, unit in FIGURES:
        data = _load(name)
        value = _get(data, path)
        ok = value is not None and value <= goal
        all_pass &= ok
        load = _load_of(data) if data else "-"
        when = (data or {}).get("measured_at", "-")
        goal_text = f"≤ {_fmt(goal, unit)}"
        rows.append(
            f"| {label} | {_fmt(value, unit)} | {goal_text} | {'pass' if ok else 'FAIL'} | {definition} | {load} | "
            f"{when} |"
        )
    rows += ["", "Beside them (context, no goal of their own):", "", "| figure | measured | from |", "|---|---|---|"]
    for label, name, path, unit in CONTEXT:
        rows.append(f"| {label} | {_fmt(_get(_load(name), path), unit)} | {name} |")
    rows += ["", f"All five goals met: {'yes' if all_pass else 'no'}.", ""]
    return "\n".join(rows), all_pass


def main() -> None:
    text, _ = summary()
    OUT.write_text(text)
    print(text)
    sys.exit(0)  # a missed goal is reported, not a failed `make bench`


if __name__ == "__main__":
    main()
