"""Reliability suite fixtures. Long scenarios are marked `reliability` (make reliability); each records one
summary row, and the session writes bench/results/reliability.md and reliability.json from them.

Scale: RELIABILITY_SCALE (default 1.0) multiplies the long scenarios' load, e.g. 0.05 for a quick dry run.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.reliability import report

RESULTS_DIR = Path(
    os.environ.get("RELIABILITY_RESULTS_DIR") or Path(__file__).resolve().parents[2] / "bench" / "results"
)
_ROWS: list[dict] = []


def scale(value: int, minimum: int = 1) -> int:
    """A load figure multiplied by RELIABILITY_SCALE."""
    factor = float(os.environ.get("RELIABILITY_SCALE") or 1.0)
    return max(minimum, round(value * factor))


@pytest.fixture
def record_row(request):
    """Record the scenario's summary row: record_row(test=…, load=…, faults=…, lost=…, duplicated=…, five_xx=…)."""

    def _record(**row) -> None:
        row.setdefault("test", request.node.name)
        row["node"] = request.node.nodeid
        row["recorded_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
        _ROWS.append(row)
        print(f"\nRELIABILITY ROW: {json.dumps(row, default=str)}")

    return _record


@pytest.fixture
def run_dir(tmp_path) -> Path:
    """Where the stack's logs go (kept by pytest's tmp_path retention for a post-mortem)."""
    path = tmp_path / "stack"
    path.mkdir()
    return path


def pytest_sessionfinish(session, exitstatus) -> None:
    if _ROWS:
        report.results_write(rows=_ROWS, directory=RESULTS_DIR)


@pytest.fixture(scope="session")
def webhook_keys():
    from tests.reliability.world import keys_generate

    return keys_generate()


@pytest.fixture
def pipeline(settings, webhook_keys, db):
    """The in-process pipeline of the short scenarios (see tests/reliability/inprocess.py), knowledge base seeded."""
    from tests.factories.analysis import knowledge_seed
    from tests.reliability.inprocess import InProcessPipeline

    knowledge_seed()
    world = InProcessPipeline(settings, webhook_keys)
    yield world
    world.stop()


@pytest.fixture(scope="session")
def pg_cluster():
    """A project-local PostgreSQL cluster for the long scenarios (their own server: many connections, no
    neighbours; initdb/pg_ctl from the machine's binaries). Destroyed at the end of the session."""
    from tests.reliability.pg import LocalCluster

    try:
        cluster = LocalCluster().init()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    yield cluster
    cluster.destroy()


def pytest_collection_modifyitems(config, items):
    # `make test` runs the whole tree: the long scenarios only run when asked for (`-m reliability`).
    if "reliability" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="long reliability scenario: run `make reliability` (pytest -m reliability)")
    for item in items:
        if item.get_closest_marker("reliability"):
            item.add_marker(skip)
