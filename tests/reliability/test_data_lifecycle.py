"""8. Data lifecycle: partitions are created ahead by the scheduled job, retention drops only what is past it, and
a restore from `pg_dump` of a demo database passes `manage.py check_data` (orphans, missing partitions, calls
stuck past thresholds) — which itself fails loudly on each kind of damage.
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from psycopg import sql

from analysis.models import ApiCall
from config.schedules import schedule_specs
from core.partitions import Quarter, partition_list
from core.partitions import partitions_maintain as maintain
from core.tasks import partitions_maintain
from gong.models import Call, CallStatus
from ops.checks_data import data_check
from tests.reliability import harness, pg
from tests.reliability.conftest import scale
from tests.reliability.load import corpus_scaled, delivery_plan
from tests.reliability.world import world_running

TABLES = ("gong_user", "gong_call", "gong_call_participant", "gong_transcript", "gong_webhook_event", "kb_rubric",
          "kb_rubric_version", "kb_document", "kb_document_version", "analysis_run", "analysis_api_call",
          "coaching_session", "coaching_dimension_score", "coaching_weekly_review")  # fmt: skip


def _failing(findings) -> dict[str, int]:
    return {finding.check: finding.count for finding in findings if finding.failed}


@pytest.mark.django_db(transaction=True)
def test_the_scheduled_job_creates_partitions_ahead_and_check_data_notices_when_they_are_missing(settings):
    assert "core.tasks.partitions_maintain" in {spec.func for spec in schedule_specs()}
    partitions_maintain()
    assert _failing(data_check()) == {}
    ahead = Quarter.of(timezone.now()).shift(settings.PARTITIONS_AHEAD_QUARTERS).partition_name("analysis_api_call")
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(ahead)).as_string(cursor.connection))
    assert _failing(data_check()) == {"partitions_missing_ahead": 1}
    with pytest.raises(CommandError):
        call_command("check_data")
    partitions_maintain()  # the next scheduled run heals it
    assert ahead in {name for name, _ in partition_list(table="analysis_api_call")}
    call_command("check_data")


@pytest.mark.django_db(transaction=True)
def test_retention_drops_only_the_quarters_past_it(settings):
    settings.RETENTION_QUARTERS_LEDGER = 4
    now = timezone.now()
    current = Quarter.of(now)
    kept_at = current.shift(-3).start + dt.timedelta(days=5)  # the oldest quarter still kept
    dropped_at = current.shift(-4).start + dt.timedelta(days=5)  # just past retention
    for moment in (kept_at, dropped_at, now):
        ApiCall.objects.create(created_at=moment, purpose="call_analysis", model="m", status="ok")
    maintain()
    kept = sorted(ApiCall.objects.values_list("created_at", flat=True))
    assert kept == [kept_at, now]
    names = {name for name, _ in partition_list(table="analysis_api_call")}
    assert current.shift(-3).partition_name("analysis_api_call") in names
    assert current.shift(-4).partition_name("analysis_api_call") not in names


@pytest.mark.django_db(transaction=True)
def test_check_data_reports_orphans_half_written_calls_and_stuck_work(pipeline, client):
    corpus = corpus_scaled(calls=3)
    ids = [r["metaData"]["id"] for r in corpus.calls]
    pipeline.serve(corpus)
    pipeline.deliver(client, corpus, delivery_plan(ids, total=3))
    partitions_maintain()
    assert _failing(data_check()) == {}
    from coaching.models import CoachingSession, DimensionScore

    session = CoachingSession.objects.filter(call_id=ids[0]).first()
    DimensionScore.objects.filter(session_id=session.pk).first().delete()  # half-written session
    ApiCall.objects.create(created_at=timezone.now(), purpose="call_analysis", model="m", status="ok", run_id=999_999)
    orphans = DimensionScore.objects.filter(session__call_id=ids[1]).count()
    with connection.cursor() as cursor:  # sessions gone behind the ORM's back: their scores are orphans
        cursor.execute("DELETE FROM coaching_session WHERE call_id = %s", [ids[1]])
    Call.objects.filter(pk=ids[2]).update(status=CallStatus.FETCHING, updated_at=timezone.now() - dt.timedelta(hours=3))
    assert _failing(data_check()) == {
        "incomplete_sessions": 1,
        "ledger_without_run": 1,
        "scores_without_session": orphans,
        "analysed_without_sessions": 1,
        "calls_stuck": 1,
    }
    with pytest.raises(CommandError, match="5 of"):
        call_command("check_data")


@pytest.mark.reliability
def test_a_restore_from_pg_dump_of_a_demo_database_passes_check_data(pg_cluster, run_dir, record_row, tmp_path):
    calls = scale(200, 30)
    corpus = corpus_scaled(calls=calls)
    plan = delivery_plan([r["metaData"]["id"] for r in corpus.calls], total=round(calls * 1.3))
    with world_running(corpus=corpus, run_dir=run_dir, server_url=pg_cluster.url, label="lifecycle") as world:
        world.fire(plan, concurrency=8)
        done = world.wait_final(expected=calls, timeout_s=300 + calls)
        world.manage("partitions_maintain")
        before = {table: pg.query(world.db_url, f'SELECT count(*) FROM "{table}"')[0][0] for table in TABLES}
        world.stack.stop()
        dump = tmp_path / "demo.dump"
        subprocess.run(
            [str(pg_cluster.bindir / "pg_dump"), "-Fc", "-f", str(dump), world.db_url], check=True, capture_output=True
        )
        restored = pg.with_database(world.db_url, world.db_url.rsplit("/", 1)[1] + "_restored")
        name = restored.rsplit("/", 1)[1]
        pg.query(pg_cluster.url, "SELECT 1")
        with pg.admin_connect(pg_cluster.url) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            subprocess.run(
                [str(pg_cluster.bindir / "pg_restore"), "--no-owner", "-d", restored, str(dump)],
                check=True,
                capture_output=True,
            )
            after = {table: pg.query(restored, f'SELECT count(*) FROM "{table}"')[0][0] for table in TABLES}
            env = {**world.stack.env, "DATABASE_URL": restored}
            check = harness.manage("check_data", env=env, check=False)
        finally:
            pg.database_drop(url=pg_cluster.url, name=name)
        result = world.tally()
    record_row(
        test="data_lifecycle",
        load=f"demo database of {calls} calls ({before['coaching_session']} sessions, {before['analysis_api_call']} "
        "ledger rows), pg_dump -Fc → pg_restore",
        faults="restore into a new database; partition maintenance; retention and orphan checks (short tests)",
        lost=result.lost + sum(abs(before[t] - after[t]) for t in TABLES),
        duplicated=result.duplicated,
        five_xx=world.fired.five_xx,
        passed=done and check.returncode == 0,
        notes=f"check_data on the restore: exit {check.returncode}; {check.stdout.strip().splitlines()[-1:]}",
    )
    assert done
    assert after == before, "the restore holds every row"
    assert check.returncode == 0, check.stdout + check.stderr
