"""bench/results/reliability.{json,md}: one row per long scenario (test, load, faults injected, lost,
duplicated, 5xx, plus the scenario's own figures). A run of some scenarios replaces only their rows."""

from __future__ import annotations

import json
from pathlib import Path

ORDER = ["burst", "burst_redis", "worker_kill", "db_restart", "gong_faults", "claude_faults", "fuzz", "access",
         "data_lifecycle"]  # fmt: skip


def _key(row: dict) -> tuple[int, str]:
    name = row.get("test", "")
    return (ORDER.index(name) if name in ORDER else len(ORDER), name)


def results_write(*, rows: list[dict], directory: Path) -> tuple[Path, Path]:
    """Merge `rows` into reliability.json (by test name) and render reliability.md from all rows."""
    directory.mkdir(parents=True, exist_ok=True)
    json_path, md_path = directory / "reliability.json", directory / "reliability.md"
    merged: dict[str, dict] = {}
    if json_path.is_file():
        for row in json.loads(json_path.read_text()).get("rows", []):
            merged[row["test"]] = row
    for row in rows:
        merged[row["test"]] = row
    ordered = sorted(merged.values(), key=_key)
    json_path.write_text(json.dumps({"rows": ordered}, indent=2, default=str) + "\n")
    md_path.write_text(markdown(ordered))
    return json_path, md_path


def _cell(value) -> str:
    return str(value).replace("|", "/").replace("\n", " ")


def markdown(rows: list[dict]) -> str:
    lines = [
        "# Reliability suite results",
        "",
        "Written by `make reliability` (tests/reliability, marker `reliability`). Lost = a call Gong sent that did",
        "not end in its expected state (or ended half-written); duplicated = a second accepted webhook, analysis run,",
        "session or paid request for one call; 5xx = responses ≥ 500 our web tier gave.",
        "",
        "| test | load | faults injected | lost | duplicated | 5xx | result | notes | when |",
        "|---|---|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        ok = row.get("lost") == 0 and row.get("duplicated") == 0 and row.get("five_xx") == 0 and row.get("passed", True)
        lines.append(
            "| "
            + " | ".join(
                _cell(value)
                for value in (
                    row.get("test"),
                    row.get("load", ""),
                    row.get("faults", ""),
                    row.get("lost", ""),
                    row.get("duplicated", ""),
                    row.get("five_xx", ""),
                    "pass" if ok else "FAIL",
                    row.get("notes", ""),
                    row.get("recorded_at", ""),
                )
            )
            + " |"
        )
    return "\n".join(lines) + "\n"
