"""PostgreSQL for the reliability suite: throwaway databases cloned from a migrated, seeded template, and a
project-local cluster (initdb/pg_ctl from the machine's binaries, found the way config/localdb/ finds them) on a
free port that a scenario may stop and start. The shared system server is never stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

from tests.reliability.harness import BASE_DIR, free_port, manage, stack_env

# --- databases ---------------------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def server_url() -> str:
    """The PostgreSQL server the suite creates its throwaway databases on (DATABASE_URL's server)."""
    from config.env import database_url

    return with_database(database_url(), "postgres")


def admin_connect(url: str) -> psycopg.Connection:
    return psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=5)


def database_drop(*, url: str, name: str) -> None:
    with admin_connect(url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def _migrations_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/0*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for path in sorted((BASE_DIR / "knowledgebase" / "defaults").rglob("*")):
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def database_prepare(*, url: str) -> None:
    """Migrate and seed a fresh database: schema, partitions, schedules, the shipped knowledge base."""
    env = stack_env(database_url=url)
    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("partitions_maintain", env=env)
    manage("setup_schedules", env=env)
    manage("seed_knowledgebase", "--demo", env=env)


def template_ensure(*, url: str) -> str:
    """A migrated, seeded template database on this server, named after the migrations (built once)."""
    name = f"callcoach_rel_tpl_{_migrations_digest()}"
    with admin_connect(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists:
        return name
    building = f"{name}_building_{os.getpid()}"
    database_drop(url=url, name=building)
    with admin_connect(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    try:
        database_prepare(url=with_database(url, building))
        with admin_connect(url) as conn:
            conn.execute(
                sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(building), sql.Identifier(name))
            )
    except BaseException:
        database_drop(url=url, name=building)
        raise
    return name


@contextlib.contextmanager
def throwaway_database(*, url: str | None = None, label: str = "run") -> Iterator[str]:
    """A fresh copy of the template database; yields its URL; dropped afterwards."""
    url = url or server_url()
    template = template_ensure(url=url)
    name = f"callcoach_rel_{label}_{os.getpid()}_{int(time.time())}"
    with admin_connect(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template)))
    # As in a deployment where the hourly poll ran a moment ago: webhooks, not the poller, bring the calls in
    # (the scenarios run `gong_sync` themselves where the poller is what they prove).
    query(with_database(url, name), "UPDATE django_q_schedule SET next_run = now() + interval '1 hour' "
          "WHERE func = 'gong.tasks.gong_sync' RETURNING id")  # fmt: skip
    try:
        yield with_database(url, name)
    finally:
        database_drop(url=url, name=name)


# --- a project-local cluster we may stop and start -----------------------------------------------------------------


class LocalCluster:
    """A throwaway PostgreSQL cluster on a free port (as root, the server runs as postgres/nobody)."""

    def __init__(self) -> None:
        from config.localdb import find_bindir, server_user

        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) found on this machine")
        self.bindir = bindir
        self.user = server_user()
        self.root = Path(tempfile.mkdtemp(prefix="callcoach-rel-pg-", dir="/var/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        from config.localdb import run

        run([str(self.bindir / cmd[0]), *cmd[1:]], self.user)

    def init(self) -> LocalCluster:
        self.root.chmod(0o755)
        self.data.mkdir(mode=0o700)
        self.log.touch()
        if self.user:
            shutil.chown(self.data, self.user, self.user)
            shutil.chown(self.log, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        # Enough connections for gunicorn threads + workers + the suite; fsync off: a test cluster.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\nmax_connections = 200\nfsync = off\nsynchronous_commit = off\n")
        self.start()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data}"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


def query(url: str, statement: str, params: list | dict | None = None) -> list[tuple]:
    """Rows of one statement on the given database (a short-lived connection)."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute(statement, params).fetchall()
