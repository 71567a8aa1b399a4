"""One Gong budget for every worker process: requests/second spacing and a daily cap, kept in PostgreSQL.

How: the one-row table `gong_api_quota` holds `next_slot_at` (the earliest time the next request may start) and
today's request count. Before each request a process runs ONE statement:

    UPDATE gong_api_quota SET next_slot_at = GREATEST(next_slot_at, now) + interval, day_count = day_count + 1 ...
    WHERE name = 'gong' AND (a new UTC day OR day_count < budget) RETURNING ...

PostgreSQL's row lock serializes concurrent UPDATEs, so each process gets a distinct slot `interval` apart and
sleeps until it (outside any transaction). No row returned means today's budget is spent: GongBudgetExhausted
with Retry-After = seconds to midnight UTC, instead of sleeping for hours. The statement runs on a short-lived
connection of its own, so it is never part of a caller's transaction (which would hold the row lock) and works
the same from web, worker and command processes. Slots are spaced 10% wider than 1/rate to absorb network
jitter between reserving a slot and Gong receiving the request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from django.db import connections

from gong.errors import GongBudgetExhausted

SPACING_MARGIN = 1.1

_RESERVE_SQL = """
WITH t AS (SELECT clock_timestamp() AS now, (clock_timestamp() AT TIME ZONE 'UTC')::date AS today)
UPDATE gong_api_quota q
SET next_slot_at = GREATEST(q.next_slot_at, t.now) + make_interval(secs => %(interval)s),
    day_count = CASE WHEN q.day = t.today THEN q.day_count + 1 ELSE 1 END,
    day = t.today
FROM t
WHERE q.name = %(name)s AND (q.day <> t.today OR q.day_count < %(budget)s)
RETURNING EXTRACT(EPOCH FROM (q.next_slot_at - make_interval(secs => %(interval)s) - t.now))::float8, q.day_count
"""
_ENSURE_SQL = """
INSERT INTO gong_api_quota (name, next_slot_at, day, day_count)
VALUES (%(name)s, clock_timestamp(), (clock_timestamp() AT TIME ZONE 'UTC')::date, 0)
ON CONFLICT (name) DO NOTHING
"""


def seconds_to_utc_midnight(now: datetime | None = None) -> float:
    now = now or datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1.0, (midnight - now).total_seconds())


class PostgresRateLimiter:
    """Reserve a request slot shared by all processes; `acquire()` blocks until the slot, or raises when the
    daily budget is spent."""

    def __init__(
        self,
        *,
        rate_per_second: float,
        daily_budget: int,
        name: str = "gong",
        using: str = "default",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.interval = SPACING_MARGIN / rate_per_second if rate_per_second > 0 else 0.0
        self.daily_budget = daily_budget
        self.name = name
        self.using = using
        self.sleep = sleep
        self._lock = threading.Lock()
        self._ensured = False

    def acquire(self) -> None:
        """Wait for this process's next slot (reserved atomically across processes)."""
        with self._lock:
            row = self._reserve()
        if row is None:
            wait = seconds_to_utc_midnight()
            raise GongBudgetExhausted(
                f"Gong daily budget of {self.daily_budget} requests is spent (GONG_DAILY_BUDGET)", retry_after=wait
            )
        wait_s, _count = row
        if wait_s > 0:
            self.sleep(wait_s)

    def _reserve(self) -> tuple[float, int] | None:
        params = {"name": self.name, "interval": self.interval, "budget": self.daily_budget}
        connection = connections.create_connection(self.using)
        try:
            connection.set_autocommit(True)
            with connection.cursor() as cursor:
                if not self._ensured:
                    cursor.execute(_ENSURE_SQL, params)
                    self._ensured = True
                cursor.execute(_RESERVE_SQL, params)
                return cursor.fetchone()
        finally:
            connection.close()


class NoRateLimiter:
    """For code paths with no shared budget (a simulator smoke test)."""

    def acquire(self) -> None:
        return None
