"""Queue entry points (django-q2 calls them by dotted path). They take ids and call services."""

from __future__ import annotations

import os
import socket

from coaching.services.pipeline import call_coach as _call_coach
from coaching.services.pipeline import calls_coach_batch_ingest as _calls_coach_batch_ingest
from coaching.services.pipeline import calls_coach_sweep as _calls_coach_sweep
from coaching.services.rubric_preview_jobs import rubric_preview_claude_run
from core.logging_context import task_logged


def _worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@task_logged
def call_coach(call_id: str, force: bool = False) -> str:
    outcome = _call_coach(call_id=call_id, force=force, worker=_worker())
    return f"{outcome.status} {outcome.detail}".strip()


def calls_coach_sweep() -> int:
    return _calls_coach_sweep()


def calls_coach_batch_ingest() -> str:
    report = _calls_coach_batch_ingest(worker=_worker())
    return f"batches checked {report.batches_checked}, ended {report.batches_ended}, calls {len(report.outcomes)}"


def calibration_sync() -> str:
    """Daily: managers' Gong scorecards → reference scores, and deal outcomes (coaching.calibration.sync)."""
    from coaching.calibration.sync import calibration_sync as _calibration_sync

    return _calibration_sync().summary()


def rubric_preview_run(preview_id: int) -> str:
    """A rubric draft preview with Claude (coaching.services.rubric_preview_jobs): claims the row, re-scores."""
    return rubric_preview_claude_run(preview_id=preview_id)
