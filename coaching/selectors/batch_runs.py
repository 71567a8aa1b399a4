"""The pipeline's read for Message Batch runs that finished but never reached their call."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q

from analysis.models import AnalysisRun, RunMode, RunStatus
from coaching.models import CoachingSession
from gong.models import CallStatus


def batch_runs_unsettled(*, finished_after: datetime, claimed_before: datetime, limit: int) -> list[tuple[str, int]]:
    """(call id, run id) of succeeded Message Batch runs whose call never got their sessions and still waits
    (transcribed, or `analyzing` under a claim older than `claimed_before`): the ingest stopped between finishing
    the run and storing the call's sessions (a sweep killed at the task timeout, a crash)."""
    waiting = Q(call__status=CallStatus.TRANSCRIBED) | Q(
        call__status=CallStatus.ANALYZING, call__claimed_at__lt=claimed_before
    )
    rows = (
        AnalysisRun.objects.filter(waiting, mode=RunMode.BATCH, status=RunStatus.SUCCEEDED)
        .filter(finished_at__gte=finished_after)
        .exclude(Exists(CoachingSession.objects.filter(run_id=OuterRef("pk"))))  # per run, on the run index
        .order_by("finished_at")
        .values_list("call_id", "pk")
    )
    return list(rows[:limit])
