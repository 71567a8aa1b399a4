"""The queue worker's connections commit asynchronously (its output is re-derivable and its acknowledgement comes
after it in the WAL, config/database.py); the per-role database options and their bounds. That a webhook's accept
transaction stays synchronous: tests/gong/test_webhook_accept_path.py."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from config.database import DatabaseSettingsError, database_role_options
from config.env import COMMAND, WEB, WORKER
from tests.config.serving import BASE_DIR, group_stop, served_database_url

POOL = (2, 10, 10.0)


def test_the_web_tier_gets_a_bounded_pool_and_keeps_synchronous_commits():
    options = database_role_options(WEB, pool=POOL, worker_synchronous_commit=False)
    assert options == {"pool": {"min_size": 2, "max_size": 10, "timeout": 10.0, "name": "callcoach-web"}}


def test_the_worker_commits_asynchronously_unless_told_otherwise():
    assert database_role_options(WORKER, pool=POOL, worker_synchronous_commit=False) == {
        "options": "-c synchronous_commit=off"
    }
    assert database_role_options(WORKER, pool=POOL, worker_synchronous_commit=True) == {}
    assert database_role_options(COMMAND, pool=POOL, worker_synchronous_commit=False) == {}


def test_zero_max_size_turns_the_pool_off_and_nonsense_bounds_stop_start_up():
    assert database_role_options(WEB, pool=(2, 0, 10.0), worker_synchronous_commit=False) == {}
    with pytest.raises(DatabaseSettingsError, match="DB_POOL_MIN_SIZE=5 must be between 0 and DB_POOL_MAX_SIZE=2"):
        database_role_options(WEB, pool=(5, 2, 10.0), worker_synchronous_commit=False)
    with pytest.raises(DatabaseSettingsError, match="DB_POOL_TIMEOUT_S=0"):
        database_role_options(WEB, pool=(1, 2, 0), worker_synchronous_commit=False)


@contextlib.contextmanager
def _qcluster(log: Path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("Q_", "PROMETHEUS_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_SECRET_KEY": settings.SECRET_KEY,  # django-q2 signs the queued task with it
            "DATABASE_URL": served_database_url(),
            "Q_WORKERS": "1",
            "ANALYZER": "offline",
            "PYTHONUNBUFFERED": "1",
        }
    )
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the cluster and its workers end together
        )
    try:
        yield process
    finally:
        group_stop(process, timeout_s=30)


@pytest.mark.django_db(transaction=True)
def test_a_queue_worker_connection_commits_asynchronously(tmp_path):
    from django_q.models import Task
    from django_q.tasks import async_task

    task_id = async_task("tests.config.queue_probe.connection_settings", sync=False)  # into OrmQ, for the cluster
    log = tmp_path / "qcluster.log"
    with _qcluster(log) as cluster:
        deadline = time.monotonic() + 120
        while not Task.objects.filter(id=task_id).exists() and time.monotonic() < deadline:
            assert cluster.poll() is None, log.read_text(errors="replace")[-3000:]
            time.sleep(0.3)
    task = Task.objects.filter(id=task_id).first()
    assert task is not None, (
        f"the cluster did not run the probe within 120 s:\n{log.read_text(errors='replace')[-3000:]}"
    )
    assert task.success, task.result
    assert task.result == {"synchronous_commit": "off", "application_name": "callcoach-worker"}
