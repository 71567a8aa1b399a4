from datetime import UTC, datetime

import pytest
from django.db import connection

from core.partitions import Quarter, partition_list, partitions_maintain

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
PARTITIONED = ["gong_webhook_event", "analysis_api_call", "coaching_session", "coaching_dimension_score"]
DOMAIN_TABLES = [
    "gong_user", "gong_call", "gong_call_participant", "gong_transcript", "gong_webhook_event",
    "kb_rubric", "kb_rubric_version", "kb_document", "kb_document_version",
    "analysis_run", "analysis_api_call", "coaching_session", "coaching_dimension_score", "coaching_weekly_review",
]  # fmt: skip

pytestmark = pytest.mark.django_db


def _relkinds() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, relkind FROM pg_class WHERE relname = ANY(%s)", [DOMAIN_TABLES])
        return dict(cursor.fetchall())


def _names(table: str) -> set[str]:
    return {name for name, _ in partition_list(table=table)}


def _insert_ledger_row(created_at: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO analysis_api_call (created_at, call_id, purpose, model, mode, request_id, batch_id, status,
                error_type, input_tokens, output_tokens, cache_write_tokens, cache_read_tokens, cache_ttl,
                price_source, attempt)
            VALUES (%s, '1', 'call_analysis', 'm', 'realtime', '', '', 'ok', '', 1, 1, 0, 0, '', '', 1)
            """,
            [created_at],
        )


def _rows_in(partition: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{partition}"')
        return cursor.fetchone()[0]


def test_migrated_schema_has_the_fourteen_tables_and_four_are_partitioned():
    kinds = _relkinds()
    assert sorted(kinds) == sorted(DOMAIN_TABLES)
    assert {table for table, kind in kinds.items() if kind == "p"} == set(PARTITIONED)


def test_maintain_creates_current_and_two_future_quarters_and_a_default():
    report = partitions_maintain(now=NOW, ahead=2)
    for table in PARTITIONED:
        assert _names(table) == {
            f"{table}_default",
            f"{table}_p2026q4",
            f"{table}_p2027q1",
            f"{table}_p2027q2",
        }
    assert len(report.created) == 12


def test_maintain_twice_changes_nothing():
    partitions_maintain(now=NOW, ahead=2)
    before = {table: partition_list(table=table) for table in PARTITIONED}
    second = partitions_maintain(now=NOW, ahead=2)
    assert not second.changed
    assert {table: partition_list(table=table) for table in PARTITIONED} == before


def test_rows_far_in_the_past_and_future_are_accepted_into_default():
    partitions_maintain(now=NOW, ahead=2)
    _insert_ledger_row(datetime(1999, 1, 1, tzinfo=UTC))
    _insert_ledger_row(datetime(2199, 6, 1, tzinfo=UTC))
    assert _rows_in("analysis_api_call_default") == 2
    assert _rows_in("analysis_api_call") == 2


def test_creating_a_quarter_moves_its_rows_out_of_default():
    partitions_maintain(now=NOW, ahead=0)  # only 2026q4 exists
    future = datetime(2027, 2, 3, tzinfo=UTC)
    _insert_ledger_row(future)
    _insert_ledger_row(future)
    assert _rows_in("analysis_api_call_default") == 2

    report = partitions_maintain(now=NOW, ahead=1)  # now 2027q1 is wanted while its rows sit in DEFAULT

    assert "analysis_api_call_p2027q1" in report.created
    assert report.moved_rows["analysis_api_call_p2027q1"] == 2
    assert _rows_in("analysis_api_call_default") == 0
    assert _rows_in("analysis_api_call_p2027q1") == 2


def test_past_quarters_with_default_rows_within_retention_get_their_own_partition():
    partitions_maintain(now=NOW, ahead=0)
    _insert_ledger_row(datetime(2025, 5, 5, tzinfo=UTC))  # 2025q2: inside the 20-quarter retention
    report = partitions_maintain(now=NOW, ahead=0)
    assert report.created == ["analysis_api_call_p2025q2"]
    assert _rows_in("analysis_api_call_p2025q2") == 1


def test_retention_drops_only_partitions_past_it(settings):
    settings.RETENTION_QUARTERS_WEBHOOK_EVENTS = 2
    partitions_maintain(now=datetime(2026, 1, 15, tzinfo=UTC), ahead=2)  # 2026q1..2026q3
    assert {"gong_webhook_event_p2026q1", "gong_webhook_event_p2026q2"} <= _names("gong_webhook_event")

    report = partitions_maintain(now=NOW, ahead=2)  # now 2026q4: keep q3 and q4 only

    assert "gong_webhook_event_p2026q1" in report.dropped
    assert "gong_webhook_event_p2026q2" in report.dropped
    assert "gong_webhook_event_p2026q3" in _names("gong_webhook_event")
    # Coaching keeps 20 quarters: nothing of it is dropped.
    assert not [name for name in report.dropped if name.startswith("coaching_")]


def test_default_rows_past_retention_are_purged_and_newer_ones_kept():
    partitions_maintain(now=NOW, ahead=0)
    _insert_ledger_row(datetime(2019, 1, 1, tzinfo=UTC))  # older than 20 quarters
    _insert_ledger_row(datetime(2199, 1, 1, tzinfo=UTC))  # far future, beyond the horizon: stays in DEFAULT
    report = partitions_maintain(now=NOW, ahead=0)
    assert report.purged_default_rows == {"analysis_api_call": 1}
    assert _rows_in("analysis_api_call_default") == 1


def test_quarter_arithmetic_crosses_years():
    q = Quarter.of(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
    assert (q.year, q.q) == (2026, 4)
    assert q.shift(1) == Quarter(2027, 1)
    assert q.shift(-4) == Quarter(2025, 4)
    assert q.end == datetime(2027, 1, 1, tzinfo=UTC)


def test_partitions_maintain_command_reports_nothing_to_do_on_second_run(capsys):
    from django.core.management import call_command

    call_command("partitions_maintain")
    call_command("partitions_maintain")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].endswith("(nothing to do)")
