"""Bench: start-up time of `manage.py help` (what every command, the MCP stdio server included, pays before it
does anything), now against a commit from before the Anthropic SDK was imported lazily — side by side.

Both commits are checked out into temporary `git worktree`s (so edits in progress never count) and run with this
interpreter,
the same environment and settings, alternating run by run so load on the machine falls on both alike. Each
run is a fresh process; the figure is wall time to exit. Also records whether the `anthropic` package was
imported at all (python -X importtime). Writes bench/results/manage_startup.json.

    .venv/bin/python bench/manage_startup.py [--before REV] [--after REV] [--runs 9]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The last commit whose analysis/claude.py imported `anthropic` at module level (its child, ae72062, made the
# import lazy and changed nothing else): `--after ae72062` isolates that change, the default HEAD is "now".
BEFORE_REV = "e1c0566"
RESULT = ROOT / "bench" / "results" / "manage_startup.json"


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout.strip()


def _env() -> dict:
    env = os.environ.copy()
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def _run(tree: Path, *, importtime: bool = False) -> tuple[float, str]:
    started = time.perf_counter()
    flags = ["-X", "importtime"] if importtime else []
    done = subprocess.run(
        [sys.executable, *flags, str(tree / "manage.py"), "help"],
        cwd=tree, env=_env(), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if done.returncode:
        raise SystemExit(f"manage.py help failed in {tree}:\n{done.stderr[-2000:]}")
    return time.perf_counter() - started, done.stderr


def _imports_anthropic(tree: Path) -> bool:
    _, stderr = _run(tree, importtime=True)
    # -X importtime lines: "import time: <self us> | <cumulative us> | <indented module name>"
    return any(line.split("|")[-1].strip() == "anthropic" for line in stderr.splitlines() if "|" in line)


def _summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "median_s": round(statistics.median(ordered), 3),
        "min_s": round(ordered[0], 3),
        "max_s": round(ordered[-1], 3),
        "runs_s": [round(s, 3) for s in samples],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE_REV, help="the commit to compare with (default %(default)s)")
    parser.add_argument("--after", default="HEAD", help="the commit to measure (default %(default)s)")
    parser.add_argument("--runs", type=int, default=9, help="runs per tree, alternating (default %(default)s)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    commits = {"before": _git("rev-parse", "--short", args.before), "after": _git("rev-parse", "--short", args.after)}
    with tempfile.TemporaryDirectory(prefix="callcoach-bench-startup-") as tmp:
        trees = {name: Path(tmp) / name for name in commits}
        for name, tree in trees.items():
            _git("worktree", "add", "--detach", str(tree), commits[name])
        try:
            for tree in trees.values():
                _run(tree)  # warm the file cache and write .pyc files for both
            load_before = os.getloadavg()[0]
            samples: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(args.runs):
                for name, tree in trees.items():
                    samples[name].append(_run(tree)[0])
            load_after = os.getloadavg()[0]
            anthropic = {name: _imports_anthropic(tree) for name, tree in trees.items()}
        finally:
            for tree in trees.values():
                _git("worktree", "remove", "--force", str(tree))
    before, after = _summary(samples["before"]), _summary(samples["after"])
    result = {
        "bench": "manage_startup",
        "command": "manage.py help",
        "settings": _env()["DJANGO_SETTINGS_MODULE"],
        "before": {"commit": commits["before"], "imports_anthropic": anthropic["before"], **before},
        "after": {"commit": commits["after"], "imports_anthropic": anthropic["after"], **after},
        "saved_median_s": round(before["median_s"] - after["median_s"], 3),
        "ratio_median": round(after["median_s"] / before["median_s"], 3),
        "cpus": os.cpu_count(),
        "load_avg_1m": {"before": round(load_before, 2), "after": round(load_after, 2)},
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"manage.py help: before {commits['before']} median {before['median_s']} s "
        f"(anthropic imported: {anthropic['before']}), after {commits['after']} median {after['median_s']} s "
        f"(anthropic imported: {anthropic['after']}); load {load_before:.1f}→{load_after:.1f}"
    )


if __name__ == "__main__":
    main()
