"""`manage.py demo --no-serve`, end to end, as `make demo` runs it: a throwaway database, the Gong simulator,
signed webhooks over HTTP, a real qcluster worker subprocess, the offline analyzer, the weekly review."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from config.env import BASE_DIR


def _admin_dsn() -> dict:
    db = settings.DATABASES["default"]
    return {"host": db["HOST"], "port": db["PORT"] or 5432, "user": db["USER"], "password": db["PASSWORD"] or None}


@pytest.fixture
def throwaway_database():
    name = f"callcoach_demo_{uuid.uuid4().hex[:8]}"
    dsn = _admin_dsn()
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgres://{dsn['user']}@{dsn['host']}:{dsn['port']}/{name}"
    yield name, url
    with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=400, check=False,
    )  # fmt: skip


def test_demo_runs_a_simulated_week_through_the_whole_pipeline(throwaway_database, tmp_path):
    name, url = throwaway_database
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEMO_DIR": str(tmp_path / "demo"),
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "ANTHROPIC_API_KEY": "",
        "ANALYZER": "",
        "LOG_LEVEL": "WARNING",
    }
    migrate = _manage("migrate", "--noinput", "-v", "0", env=env)
    assert migrate.returncode == 0, migrate.stderr
    demo = _manage(
        "demo", "--no-serve", "--calls", "10", "--seed", "3", "--timeout", "240",
        "--weeks", "3", "--history-calls", "6", env=env,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-3000:]
    out = demo.stdout
    assert "did not finish in time" not in out
    assert "Scores per rep" in out and "offline" in out, out[-3000:]
    assert "HTTP 202:" in out
    assert "history: 2 earlier weeks, 12 calls listed and fetched by the poller" in out
    trends = out.split("Trends per rep over 3 weeks")[1].split("Tables")[0].strip().splitlines()[1:]
    # per rep: a sparkline of 3 weeks, and more than one week with scores for someone (the history is there)
    assert trends and max(sum(ch in "▁▂▃▄▅▆▇█" for ch in line) for line in trends) >= 2, trends

    with psycopg.connect(dbname=name, **_admin_dsn()) as conn:
        statuses = dict(conn.execute("SELECT status, count(*) FROM gong_call GROUP BY status").fetchall())
        sessions = conn.execute("SELECT count(*), count(DISTINCT analyzer) FROM coaching_session").fetchone()
        analyzers = {row[0] for row in conn.execute("SELECT DISTINCT analyzer FROM analysis_run").fetchall()}
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT call_id, speaker_id FROM coaching_session WHERE is_current "
            "GROUP BY call_id, speaker_id HAVING count(*) > 1) d"
        ).fetchone()[0]
        reviews = conn.execute("SELECT count(*) FROM coaching_weekly_review").fetchone()[0]
        polled = conn.execute("SELECT count(*) FROM gong_call WHERE source = 'poll'").fetchone()[0]
        admin_hash = conn.execute("SELECT password FROM auth_user WHERE username = 'admin'").fetchone()[0]
    # Every call ends analysed, skipped by policy (private / internal-only) or waiting for a late transcript.
    assert statuses.get("analyzed", 0) >= 3
    assert set(statuses) <= {"analyzed", "skipped", "pending"}, statuses
    assert sessions[0] > 0 and analyzers == {"offline"}
    assert duplicates == 0
    assert reviews > 0
    assert polled == 12  # the earlier weeks came in through the poller, not webhooks
    password = out.split("admin (superuser)")[1].split("password: ")[1].split()[0]
    # The demo ran with production hashers (tests use MD5 for speed), so verify with PBKDF2 explicitly.
    assert PBKDF2PasswordHasher().verify(password, admin_hash)
    assert (tmp_path / "demo" / "mail").is_dir() and any((tmp_path / "demo" / "mail").iterdir())
