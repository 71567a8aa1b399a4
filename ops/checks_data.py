"""Consistency checks over the stored data (`manage.py check_data`): run after a restore, an outage or a
migration to prove nothing is orphaned, half-written, missing its partitions or stuck.

Each check is one SQL statement over the whole database and returns a `Finding`; `problem` findings make the
command exit non-zero, `warning` findings are printed only (states that heal by themselves, such as a participant
whose Gong user the next users sync will bring). Read-only: nothing is repaired here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core.partitions import Quarter, partition_list, partitioned_tables
from ops.conf import ops_setting

PROBLEM, WARNING = "problem", "warning"
DIMENSIONS = 4  # knowledgebase.dimensions.Dimension: every session is scored on all four (N/A is a NULL score)


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    count: int
    detail: str
    examples: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.count > 0 and self.severity == PROBLEM


@dataclass(frozen=True)
class Check:
    name: str
    severity: str
    detail: str
    sql: str


# Every statement returns rows of one example id each; the row count is the finding's count (capped at LIMIT).
LIMIT = 1000
ORPHAN_CHECKS = (
    Check("scores_without_session", PROBLEM, "dimension scores whose session does not exist",
          "SELECT d.id::text FROM coaching_dimension_score d WHERE NOT EXISTS (SELECT 1 FROM coaching_session s "
          "WHERE s.id = d.session_id AND s.call_started = d.call_started)"),
    Check("sessions_without_call_or_run", PROBLEM, "coaching sessions whose call or analysis run does not exist",
          "SELECT s.id::text FROM coaching_session s WHERE NOT EXISTS (SELECT 1 FROM gong_call c "
          "WHERE c.id = s.call_id) OR NOT EXISTS (SELECT 1 FROM analysis_run r WHERE r.id = s.run_id)"),
    Check("ledger_without_run", PROBLEM, "Claude ledger rows pointing at an analysis run that does not exist",
          "SELECT a.id::text FROM analysis_api_call a WHERE a.run_id IS NOT NULL AND NOT EXISTS "
          "(SELECT 1 FROM analysis_run r WHERE r.id = a.run_id)"),
    Check("webhooks_without_call", PROBLEM, "accepted webhook deliveries whose call row does not exist",
          "SELECT e.id::text FROM gong_webhook_event e WHERE NOT EXISTS (SELECT 1 FROM gong_call c "
          "WHERE c.id = e.call_id)"),
    Check("participants_without_call", PROBLEM, "participants whose call does not exist",
          "SELECT p.id::text FROM gong_call_participant p WHERE NOT EXISTS (SELECT 1 FROM gong_call c "
          "WHERE c.id = p.call_id)"),
    Check("sessions_with_unknown_rep", PROBLEM, "sessions or scores naming a Gong user that does not exist",
          "SELECT s.id::text FROM coaching_session s WHERE s.rep_id IS NOT NULL AND NOT EXISTS "
          "(SELECT 1 FROM gong_user u WHERE u.id = s.rep_id) UNION ALL "
          "SELECT d.id::text FROM coaching_dimension_score d WHERE d.rep_id IS NOT NULL AND NOT EXISTS "
          "(SELECT 1 FROM gong_user u WHERE u.id = d.rep_id)"),
    Check("references_to_unsynced_users", WARNING, "calls, participants or managers naming a Gong user not synced yet",
          "SELECT c.id FROM gong_call c WHERE c.primary_user_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM gong_user u "
          "WHERE u.id = c.primary_user_id) UNION ALL SELECT p.id::text FROM gong_call_participant p WHERE p.user_id IS "
          "NOT NULL AND NOT EXISTS (SELECT 1 FROM gong_user u WHERE u.id = p.user_id) UNION ALL SELECT g.id FROM "
          "gong_user g WHERE g.manager_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM gong_user u "
          "WHERE u.id = g.manager_id)"),
)  # fmt: skip

HALF_WRITTEN_CHECKS = (
    Check("analysed_without_sessions", PROBLEM, "calls marked analysed with no current coaching session",
          "SELECT c.id FROM gong_call c WHERE c.status = 'analyzed' AND NOT EXISTS (SELECT 1 FROM coaching_session s "
          "WHERE s.call_id = c.id AND s.is_current)"),
    Check("incomplete_sessions", PROBLEM, f"sessions without exactly {DIMENSIONS} dimension scores",
          f"SELECT s.id::text FROM coaching_session s LEFT JOIN coaching_dimension_score d ON d.session_id = s.id AND "
          f"d.call_started = s.call_started GROUP BY s.id HAVING count(d.id) <> {DIMENSIONS}"),
    Check("duplicate_current_sessions", PROBLEM, "more than one current session for one (call, speaker)",
          "SELECT call_id || '/' || speaker_id FROM coaching_session WHERE is_current GROUP BY call_id, speaker_id "
          "HAVING count(*) > 1"),
    Check("sessions_of_unfinished_runs", PROBLEM, "current sessions from an analysis run that did not succeed",
          "SELECT s.id::text FROM coaching_session s JOIN analysis_run r ON r.id = s.run_id WHERE s.is_current AND "
          "r.status <> 'succeeded'"),
    Check("transcribed_without_transcript", PROBLEM, "calls past transcription with no stored transcript",
          "SELECT c.id FROM gong_call c WHERE c.status IN ('transcribed', 'analyzing', 'analyzed', 'held') AND NOT "
          "EXISTS (SELECT 1 FROM gong_transcript t WHERE t.call_id = c.id)"),
    Check("succeeded_runs_without_result", PROBLEM, "analysis runs marked succeeded without a result",
          "SELECT r.id::text FROM analysis_run r WHERE r.status = 'succeeded' AND r.result IS NULL"),
)  # fmt: skip


def _rows(statement: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchall()


def _run(check: Check) -> Finding:
    rows = _rows(f"SELECT * FROM ({check.sql}) found LIMIT {LIMIT}")
    return Finding(check.name, check.severity, len(rows), check.detail, tuple(str(row[0]) for row in rows[:5]))


def partitions_findings(*, now: dt.datetime) -> list[Finding]:
    """Quarters missing from now to PARTITIONS_AHEAD_QUARTERS ahead; rows waiting in DEFAULT partitions."""
    missing, in_default = [], []
    current = Quarter.of(now)
    for spec in partitioned_tables():
        names = {name for name, _bound in partition_list(table=spec.table)}
        for offset in range(settings.PARTITIONS_AHEAD_QUARTERS + 1):
            name = current.shift(offset).partition_name(spec.table)
            if name not in names:
                missing.append(name)
        if f"{spec.table}_default" in names and _rows(f'SELECT EXISTS (SELECT 1 FROM "{spec.table}_default")')[0][0]:
            in_default.append(f"{spec.table}_default")
    return [
        Finding("partitions_missing_ahead", PROBLEM, len(missing),
                f"quarterly partitions missing between now and {settings.PARTITIONS_AHEAD_QUARTERS} quarters ahead "
                "(run manage.py partitions_maintain; is its schedule running?)", tuple(missing[:5])),
        Finding("rows_in_default_partition", WARNING, len(in_default),
                "rows in a DEFAULT partition (partitions_maintain moves them into their quarter)", tuple(in_default)),
    ]  # fmt: skip


def stuck_findings(*, now: dt.datetime, stuck_after: dt.timedelta) -> list[Finding]:
    """Calls in flight untouched past the threshold (a late transcript waiting for its retry time is not stuck);
    analysis runs claimed longer than the claim timeout allows."""
    before = now - stuck_after
    calls = _rows(
        "SELECT id FROM gong_call WHERE status IN ('pending', 'fetching', 'transcribed', 'analyzing') "
        "AND updated_at < %s AND NOT (status = 'pending' AND next_attempt_at > %s) ORDER BY updated_at LIMIT %s",
        [before, now, LIMIT],
    )
    claim_limit = now - dt.timedelta(seconds=2 * settings.ANALYSIS_CLAIM_TIMEOUT_S)
    runs = _rows(
        "SELECT id::text FROM analysis_run WHERE status = 'running' AND claimed_at < %s LIMIT %s", [claim_limit, LIMIT]
    )
    # A ledger row is written "pending" before its Claude request; past every retry's timeout it should have been
    # completed, or marked "lost" by the sweep.
    request_limit = now - dt.timedelta(seconds=2 * (settings.CLAUDE_TIMEOUT_S * (settings.CLAUDE_MAX_RETRIES + 1) + 60))
    requests = _rows(
        "SELECT id::text FROM analysis_api_call WHERE status = 'pending' AND created_at < %s LIMIT %s",
        [request_limit, LIMIT],
    )
    minutes = int(stuck_after.total_seconds() // 60)
    return [
        Finding("calls_stuck", PROBLEM, len(calls), f"calls in flight untouched for more than {minutes} minutes",
                tuple(row[0] for row in calls[:5])),
        Finding("runs_stuck", PROBLEM, len(runs), "analysis runs still claimed after twice the claim timeout",
                tuple(row[0] for row in runs[:5])),
        Finding("ledger_requests_unsettled", PROBLEM, len(requests),
                "Claude ledger rows still pending long after every retry would have timed out (the sweep marks "
                "them lost)", tuple(row[0] for row in requests[:5])),
    ]  # fmt: skip


def data_check(
    *, now: dt.datetime | None = None, stuck_after: dt.timedelta | None = None, progress: Callable | None = None
) -> list[Finding]:
    """Every consistency finding, problems and warnings, in a stable order."""
    now = now or timezone.now()
    stuck_after = stuck_after or dt.timedelta(minutes=ops_setting("OPS_STUCK_AFTER_MINUTES"))
    findings = []
    for check in (*ORPHAN_CHECKS, *HALF_WRITTEN_CHECKS):
        findings.append(_run(check))
        if progress:
            progress(check.name)
    findings += partitions_findings(now=now)
    findings += stuck_findings(now=now, stuck_after=stuck_after)
    return findings
