"""Quarterly range partitions: create ahead, carve rows out of DEFAULT, drop past retention.

Four tables are `PARTITION BY RANGE` on a timestamp (see the apps' hand-written 0002 migrations). Each has a
DEFAULT partition, so an insert is never rejected, and quarterly partitions named `<table>_pYYYYqN` with UTC
bounds. `partitions_maintain` is idempotent and safe to run concurrently (an advisory lock serialises it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

_ADVISORY_LOCK_KEY = 7_345_101  # arbitrary, constant: one maintainer at a time


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str
    retention_quarters: int


@dataclass
class MaintenanceReport:
    created: list[str] = field(default_factory=list)
    moved_rows: dict[str, int] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    purged_default_rows: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.dropped or any(self.purged_default_rows.values()))


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int  # 1..4

    @classmethod
    def of(cls, moment: datetime) -> Quarter:
        moment = moment.astimezone(UTC)
        return cls(moment.year, (moment.month - 1) // 3 + 1)

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + (self.q - 1) + quarters
        return Quarter(index // 4, index % 4 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, 3 * (self.q - 1) + 1, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.shift(1).start

    def partition_name(self, table: str) -> str:
        return f"{table}_p{self.year}q{self.q}"


def partitioned_tables() -> list[PartitionedTable]:
    """The partitioned tables and their retention, from settings."""
    return [
        PartitionedTable("gong_webhook_event", "received_at", settings.RETENTION_QUARTERS_WEBHOOK_EVENTS),
        PartitionedTable("analysis_api_call", "created_at", settings.RETENTION_QUARTERS_LEDGER),
        PartitionedTable("coaching_session", "call_started", settings.RETENTION_QUARTERS_COACHING),
        PartitionedTable("coaching_dimension_score", "call_started", settings.RETENTION_QUARTERS_COACHING),
    ]


def partition_list(*, table: str) -> list[tuple[str, str]]:
    """(partition name, bound expression) for every partition of `table`, DEFAULT included."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i
            JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent
            WHERE p.relname = %s
            ORDER BY c.relname
            """,
            [table],
        )
        return list(cursor.fetchall())


def _quarters_present(table: str) -> set[Quarter]:
    pattern = re.compile(rf"^{re.escape(table)}_p(\d{{4}})q([1-4])$")
    found = set()
    for name, _bound in partition_list(table=table):
        match = pattern.match(name)
        if match:
            found.add(Quarter(int(match.group(1)), int(match.group(2))))
    return found


def _columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT attname FROM pg_attribute
            WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
            ORDER BY attnum
            """,
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


def _default_quarters(spec: PartitionedTable, cutoff: datetime, horizon: datetime) -> set[Quarter]:
    """Quarters, within [cutoff, horizon), that have rows sitting in the DEFAULT partition."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT date_trunc('quarter', \"{spec.column}\" AT TIME ZONE 'UTC') "
            f'FROM "{spec.table}_default" WHERE "{spec.column}" >= %s AND "{spec.column}" < %s',
            [cutoff, horizon],
        )
        return {Quarter.of(row[0].replace(tzinfo=UTC)) for row in cursor.fetchall()}


def _create_quarter(spec: PartitionedTable, quarter: Quarter) -> int:
    """Create one quarter's partition; rows of that quarter already in DEFAULT are moved into it.

    PostgreSQL refuses `CREATE TABLE … PARTITION OF … FOR VALUES` while the DEFAULT partition holds rows in
    that range, so the default is detached, the rows re-inserted through the parent, and the default
    re-attached, all inside the caller's transaction.
    """
    name = quarter.partition_name(spec.table)
    default = f"{spec.table}_default"
    bounds = f"FOR VALUES FROM ('{quarter.start.isoformat()}') TO ('{quarter.end.isoformat()}')"
    in_range = f'"{spec.column}" >= %s AND "{spec.column}" < %s'
    params = [quarter.start, quarter.end]
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{default}" WHERE {in_range})', params)
        has_rows = cursor.fetchone()[0]
        if not has_rows:
            cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{spec.table}" {bounds}')
            return 0
        columns = ", ".join(f'"{column}"' for column in _columns(spec.table))
        cursor.execute(f'ALTER TABLE "{spec.table}" DETACH PARTITION "{default}"')
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{spec.table}" {bounds}')
        cursor.execute(
            f'INSERT INTO "{spec.table}" ({columns}) SELECT {columns} FROM "{default}" WHERE {in_range}', params
        )
        moved = cursor.rowcount
        cursor.execute(f'DELETE FROM "{default}" WHERE {in_range}', params)
        cursor.execute(f'ALTER TABLE "{spec.table}" ATTACH PARTITION "{default}" DEFAULT')
        return moved


def _maintain_table(spec: PartitionedTable, *, now: datetime, ahead: int, report: MaintenanceReport) -> None:
    current = Quarter.of(now)
    # Keep the current quarter and the (retention - 1) before it.
    oldest_kept = current.shift(-(spec.retention_quarters - 1))
    horizon = current.shift(ahead + 1).start
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE IF NOT EXISTS "{spec.table}_default" PARTITION OF "{spec.table}" DEFAULT')
    present = _quarters_present(spec.table)
    wanted = {current.shift(offset) for offset in range(ahead + 1)}
    wanted |= _default_quarters(spec, oldest_kept.start, horizon)
    for quarter in sorted(wanted - present, key=lambda q: (q.year, q.q)):
        moved = _create_quarter(spec, quarter)
        report.created.append(quarter.partition_name(spec.table))
        if moved:
            report.moved_rows[quarter.partition_name(spec.table)] = moved
    with connection.cursor() as cursor:
        for quarter in sorted(present, key=lambda q: (q.year, q.q)):
            if quarter.end <= oldest_kept.start:
                cursor.execute(f'DROP TABLE "{quarter.partition_name(spec.table)}"')
                report.dropped.append(quarter.partition_name(spec.table))
        cursor.execute(f'DELETE FROM "{spec.table}_default" WHERE "{spec.column}" < %s', [oldest_kept.start])
        if cursor.rowcount:
            report.purged_default_rows[spec.table] = cursor.rowcount


def partitions_maintain(*, now: datetime | None = None, ahead: int | None = None) -> MaintenanceReport:
    """Create the current quarter and `ahead` quarters after it for every partitioned table, carve quarters
    out of DEFAULT that hold rows within retention, and drop partitions (and DEFAULT rows) past retention.

    Idempotent: a second run reports no change.
    """
    now = now or timezone.now()
    ahead = settings.PARTITIONS_AHEAD_QUARTERS if ahead is None else ahead
    report = MaintenanceReport()
    for spec in partitioned_tables():
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_KEY])
            _maintain_table(spec, now=now, ahead=ahead, report=report)
    return report
