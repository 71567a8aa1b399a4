"""The exactly-once promise, counted from stored state (plain SQL, so it runs on any database URL or on the
test database through Django's cursor).

For a set of calls Gong sent us:
* lost — a call that is missing, or did not reach its expected final status, or was analysed but has no
  coaching session (half-written);
* duplicated — a second accepted webhook for one call, more than one analysis run for one call, more than one
  session for one (call, speaker), a session without exactly its four dimension scores, or more than one
  successful paid Claude request for one call (a duplicate charge).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Execute = Callable[[str, list], list[tuple]]

PAID_PURPOSES = ("call_analysis", "chunk_analysis", "chunk_merge", "repair")


@dataclass
class Tally:
    calls: int = 0
    statuses: Counter = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)
    not_final: list[str] = field(default_factory=list)
    analysed_without_sessions: list[str] = field(default_factory=list)
    duplicate_accepts: int = 0
    extra_runs: int = 0
    duplicate_sessions: int = 0
    incomplete_sessions: int = 0
    duplicate_charges: int = 0
    ledger_ok_requests: int = 0
    ledger_error_requests: int = 0
    ledger_cost_usd: float = 0.0

    @property
    def lost(self) -> int:
        return len(self.missing) + len(self.not_final) + len(self.analysed_without_sessions)

    @property
    def duplicated(self) -> int:
        return (
            self.duplicate_accepts
            + self.extra_runs
            + self.duplicate_sessions
            + self.incomplete_sessions
            + self.duplicate_charges
        )

    def explain(self) -> str:
        return (
            f"calls={self.calls} statuses={dict(self.statuses)} missing={self.missing[:5]} "
            f"not_final={self.not_final[:5]} no_sessions={self.analysed_without_sessions[:5]} "
            f"dup_accepts={self.duplicate_accepts} extra_runs={self.extra_runs} dup_sessions={self.duplicate_sessions} "
            f"incomplete_sessions={self.incomplete_sessions} dup_charges={self.duplicate_charges}"
        )


def tally(execute: Execute, *, call_ids: Iterable[str], final: Iterable[str] = ("analyzed",)) -> Tally:
    """Count what was lost and what was duplicated for these calls (see module docstring)."""
    ids = sorted(set(call_ids))
    final = set(final)
    result = Tally(calls=len(ids))
    status = dict(execute("SELECT id, status FROM gong_call WHERE id = ANY(%s)", [ids]))
    result.statuses = Counter(status.values())
    result.missing = [call_id for call_id in ids if call_id not in status]
    result.not_final = sorted(call_id for call_id, value in status.items() if value not in final)
    with_sessions = {
        row[0] for row in execute("SELECT DISTINCT call_id FROM coaching_session WHERE call_id = ANY(%s)", [ids])
    }
    result.analysed_without_sessions = sorted(
        call_id for call_id, value in status.items() if value == "analyzed" and call_id not in with_sessions
    )
    result.duplicate_accepts = _excess(
        execute,
        "SELECT count(*) FROM gong_webhook_event WHERE status = 'accepted' AND call_id = ANY(%s) GROUP BY call_id",
        ids,
    )
    result.extra_runs = _excess(
        execute, "SELECT count(*) FROM analysis_run WHERE call_id = ANY(%s) GROUP BY call_id", ids
    )
    result.duplicate_sessions = _excess(
        execute, "SELECT count(*) FROM coaching_session WHERE call_id = ANY(%s) GROUP BY call_id, speaker_id", ids
    )
    result.incomplete_sessions = execute(
        """
        SELECT count(*) FROM (
            SELECT s.id FROM coaching_session s
            LEFT JOIN coaching_dimension_score d ON d.session_id = s.id AND d.call_started = s.call_started
            WHERE s.call_id = ANY(%s) GROUP BY s.id HAVING count(d.id) <> 4
        ) bad
        """,
        [ids],
    )[0][0]
    result.duplicate_charges = _excess(
        execute,
        "SELECT count(*) FROM analysis_api_call WHERE status = 'ok' AND purpose = 'call_analysis' "
        "AND call_id = ANY(%s) GROUP BY call_id",
        ids,
    )
    for ok, count, cost in execute(
        "SELECT status = 'ok', count(*), coalesce(sum(cost_usd), 0) FROM analysis_api_call "
        "WHERE call_id = ANY(%s) AND purpose = ANY(%s) GROUP BY 1",
        [ids, list(PAID_PURPOSES)],
    ):
        if ok:
            result.ledger_ok_requests, result.ledger_cost_usd = count, float(cost)
        else:
            result.ledger_error_requests = count
    return result


def _excess(execute: Execute, statement: str, ids: list[str]) -> int:
    """Sum over groups of (count - 1): how many rows beyond the first each group has."""
    return sum(max(0, row[0] - 1) for row in execute(statement, [ids]))


def psycopg_execute(url: str) -> Execute:
    import psycopg

    def execute(statement: str, params: list) -> list[tuple]:
        with psycopg.connect(url, connect_timeout=10) as conn:
            return conn.execute(statement, params).fetchall()

    return execute


def django_execute() -> Execute:
    from django.db import connection

    def execute(statement: str, params: list) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    return execute
