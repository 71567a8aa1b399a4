"""The result cache's claim protocol on analysis_run (unique cache_key).

Claiming is INSERT … ON CONFLICT (cache_key) DO NOTHING, then reading the row back: the worker whose claim
token is on the row owns it. A failed or stale (claimed longer than ANALYSIS_CLAIM_TIMEOUT_S ago) run is taken
over by a conditional UPDATE. So two workers racing on one key pay once: the loser waits for the winner's
result and reads it at zero tokens. `force` supersedes a finished run: the old row gets a derived key (it
stays as history, with its sessions) and the real key is claimed anew.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from analysis.models import AnalysisRun, RunMode, RunStatus


@dataclass(frozen=True)
class Claim:
    run: AnalysisRun
    state: str  # owned | hit | busy | batch
    token: str


def claim_token(worker: str) -> str:
    return f"{worker[:80]}#{uuid.uuid4().hex[:12]}"


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.ANALYSIS_CLAIM_TIMEOUT_S)


def _takeover(run_id: int, token: str, mode: str) -> bool:
    now = timezone.now()
    claimable = Q(status__in=[RunStatus.FAILED, RunStatus.PENDING]) | Q(
        status=RunStatus.RUNNING, claimed_at__lt=_stale_before()
    )
    updated = AnalysisRun.objects.filter(Q(pk=run_id) & claimable).update(
        status=RunStatus.RUNNING,
        claimed_by=token,
        claimed_at=now,
        started_at=now,
        error="",
        mode=mode,
        attempts=F("attempts") + 1,
        finished_at=None,
        batch_id="",
    )
    return updated == 1


def run_supersede(*, cache_key: str) -> None:
    """Free `cache_key` for a forced re-analysis; the finished run keeps its result under a derived key."""
    for run in AnalysisRun.objects.filter(cache_key=cache_key, status__in=[RunStatus.SUCCEEDED, RunStatus.FAILED]):
        derived = hashlib.sha256(f"{cache_key}:superseded:{run.pk}".encode()).hexdigest()
        AnalysisRun.objects.filter(pk=run.pk, cache_key=cache_key).update(cache_key=derived)


def run_claim(*, inp, worker: str, mode: str = RunMode.REALTIME) -> Claim:
    """Claim the run for `inp.cache_key` (see module docstring)."""
    token = claim_token(worker)
    now = timezone.now()
    AnalysisRun.objects.bulk_create(
        [
            AnalysisRun(
                call_id=inp.call.pk,
                cache_key=inp.cache_key,
                transcript_sha256=inp.transcript.sha256,
                knowledge_hash=inp.snapshot.hash,
                knowledge_versions=inp.snapshot.versions(),
                prompt_version=inp.prompt_version,
                model=inp.model,
                analyzer=inp.analyzer,
                mode=mode,
                options=inp.options,
                status=RunStatus.RUNNING,
                attempts=1,
                claimed_at=now,
                claimed_by=token,
                started_at=now,
            )
        ],
        ignore_conflicts=True,  # INSERT … ON CONFLICT DO NOTHING
    )
    run = AnalysisRun.objects.get(cache_key=inp.cache_key)
    if run.claimed_by == token and run.status == RunStatus.RUNNING:
        return Claim(run, "owned", token)
    if run.status == RunStatus.SUCCEEDED:
        return Claim(run, "hit", token)
    if run.status == RunStatus.BATCH_SUBMITTED:
        return Claim(run, "batch", token)
    if _takeover(run.pk, token, mode):
        run.refresh_from_db()
        return Claim(run, "owned", token)
    return Claim(run, "busy", token)


def run_wait(*, run_id: int, timeout_s: float, poll_s: float = 0.2) -> AnalysisRun:
    """Wait for another worker's run to leave `running` (or for the timeout); returns the row as it is then."""
    deadline = time.monotonic() + timeout_s
    while True:
        run = AnalysisRun.objects.get(pk=run_id)
        if run.status != RunStatus.RUNNING or time.monotonic() >= deadline:
            return run
        time.sleep(poll_s)


def run_finish(*, run_id: int, token: str | None, status: str, fields: dict) -> bool:
    """Record the outcome if this worker (token) still owns the run; False when it was taken over."""
    query = AnalysisRun.objects.filter(pk=run_id)
    if token is not None:
        query = query.filter(claimed_by=token, status__in=[RunStatus.RUNNING, RunStatus.BATCH_SUBMITTED])
    return query.update(status=status, finished_at=timezone.now(), claimed_by="", **fields) == 1


def totals_fields(*, usage, cost: Decimal | None, latency_ms: int, paid_requests: int) -> dict:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_write_tokens": usage.cache_write_tokens,
        "cache_read_tokens": usage.cache_read_tokens,
        "cost_usd": cost if paid_requests else Decimal("0"),
        "latency_ms": latency_ms,
    }


def runs_sweep_stale() -> int:
    """Fail runs whose worker vanished (claimed longer than the claim timeout); the next claim retries them.
    Their in-flight ledger rows are marked lost (no request outlives the client's timeout and retries)."""
    from analysis.services.ledger import api_calls_mark_lost

    api_calls_mark_lost(older_than_s=settings.CLAUDE_TIMEOUT_S * (settings.CLAUDE_MAX_RETRIES + 1) + 60)
    return AnalysisRun.objects.filter(status=RunStatus.RUNNING, claimed_at__lt=_stale_before()).update(
        status=RunStatus.FAILED,
        error="worker lost (claim expired); will be retried",
        claimed_by="",
        finished_at=timezone.now(),
    )
