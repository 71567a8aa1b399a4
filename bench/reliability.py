"""Run the reliability suite's long scenarios and print their summary table.

    python bench/reliability.py                 # the issue's load (10,000 webhooks / 7,000 calls …): ~1–2 hours
    python bench/reliability.py --scale 0.05    # a quick dry run of every scenario
    python bench/reliability.py -k burst        # some scenarios only (their rows replace the old ones)

The scenarios are tests/reliability/test_*.py marked `reliability`; each records one row, and the session writes
bench/results/reliability.md (test, load, faults injected, lost, duplicated, 5xx, result, notes) and
bench/results/reliability.json. Exit status: pytest's (non-zero when a scenario failed).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=None, help="multiply every scenario's load (default 1.0)")
    parser.add_argument("-k", dest="select", default="", help="pytest -k expression choosing scenarios")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.scale is not None:
        if args.scale <= 0:
            parser.error("--scale must be positive")
        env["RELIABILITY_SCALE"] = str(args.scale)
    env.setdefault("RELIABILITY_RESULTS_DIR", str(RESULTS))
    command = [sys.executable, "-m", "pytest", "-m", "reliability", "tests/reliability", "-q", "-p", "no:cacheprovider"]
    if args.select:
        command += ["-k", args.select]
    status = subprocess.run(command, cwd=BASE_DIR, env=env).returncode
    table = Path(env["RELIABILITY_RESULTS_DIR"]) / "reliability.md"
    if table.is_file():
        print(table.read_text())
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
