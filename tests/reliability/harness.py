"""Process harness for the reliability suite: a throwaway database, gunicorn, N `qcluster` workers, the Gong
simulator and the fake Anthropic API, plus the faults we inject (kill -9 a worker, stop/start PostgreSQL).

Everything binds 127.0.0.1 on a free port. gunicorn gets an already-bound socket (`GUNICORN_BIND=fd://N`), so
there is no race for the port. The databases are created per run and dropped afterwards:

* `throwaway_database(server_url=…)` — a database cloned from a migrated, seeded template on an existing server
  (never the dev database);
* `LocalCluster` — a project-local PostgreSQL cluster (initdb/pg_ctl from the machine's binaries, found the way
  config/localdb.py finds them) on a free port, for the test that stops and restarts the server. The shared
  system server is never stopped.

The stack runs with the production settings module (DEBUG off, JSON logs), so what the suite sees is what a
deployment does; every log line goes to files under the run's directory, which the access test scans for secrets.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
import requests
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MANAGE = str(BASE_DIR / "manage.py")
SECRET_KEY = "reliability-suite-secret-key-" + "x" * 24
GONG_SECRET = "sim-secret"
ANTHROPIC_KEY = "fake-anthropic-reliability-test-key"


# --- databases ---------------------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def server_url() -> str:
    """The PostgreSQL server the suite creates its throwaway databases on (DATABASE_URL's server)."""
    from config.env import database_url

    return with_database(database_url(), "postgres")


def _admin_connect(url: str) -> psycopg.Connection:
    return psycopg.connect(with_database(url, "postgres"), autocommit=True, connect_timeout=5)


def database_drop(*, url: str, name: str) -> None:
    with _admin_connect(url) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


def manage(*args: str, env: dict[str, str], timeout: float = 600, check: bool = True) -> subprocess.CompletedProcess:
    """Run `manage.py …` with the stack's environment; output captured."""
    return subprocess.run(
        [PYTHON, MANAGE, *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
    )


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
    manage("seed_knowledgebase", env=env)


def template_ensure(*, url: str) -> str:
    """A migrated, seeded template database on this server, named after the migrations (built once)."""
    name = f"callcoach_rel_tpl_{_migrations_digest()}"
    with _admin_connect(url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if exists:
        return name
    building = f"{name}_building_{os.getpid()}"
    database_drop(url=url, name=building)
    with _admin_connect(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    try:
        database_prepare(url=with_database(url, building))
        with _admin_connect(url) as conn:
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
    with _admin_connect(url) as conn:
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
        from config.localdb import _find_bindir, _server_user

        bindir = _find_bindir()
        if bindir is None:
            raise RuntimeError("no PostgreSQL binaries (initdb, pg_ctl) found on this machine")
        self.bindir = bindir
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="callcoach-rel-pg-", dir="/var/tmp"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *cmd: str) -> None:
        from config.localdb import _run

        _run([str(self.bindir / cmd[0]), *cmd[1:]], self.user)

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


# --- the application stack -----------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stack_env(*, database_url: str, **extra: str) -> dict[str, str]:
    """The process environment of every stack process (production settings, no .env surprises)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GONG_", "ANTHROPIC_", "Q_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "INFO",
            "ANALYZER": "offline",
            "ANTHROPIC_API_KEY": "",
            "GONG_WEBHOOK_PUBLIC_KEY": "",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@dataclass
class Stack:
    """gunicorn + `workers` qcluster processes over one database; logs under `run_dir`."""

    env: dict[str, str]
    run_dir: Path
    workers: int = 2
    gunicorn_workers: int = 2
    gunicorn_threads: int = 4
    web: subprocess.Popen | None = None
    clusters: list[subprocess.Popen] = field(default_factory=list)
    port: int = 0
    _socket: socket.socket | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.base_url}/webhooks/gong/"

    def start(self) -> Stack:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._bind()
        # The JWT's webhook_url claim is checked against the URL Gong was configured with: ours.
        self.env.setdefault("GONG_WEBHOOK_PUBLIC_URL", self.webhook_url)
        self.start_web()
        for _ in range(self.workers):
            self.start_worker()
        self.wait_healthy()
        return self

    def _bind(self) -> None:
        if self._socket is None:
            self._socket = socket.socket()
            self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._socket.bind(("127.0.0.1", 0))
            self._socket.listen(1024)
            self.port = self._socket.getsockname()[1]

    def start_web(self) -> None:
        self._bind()
        fd = self._socket.fileno()
        env = {
            **self.env,
            "GUNICORN_BIND": f"fd://{fd}",
            "GUNICORN_WORKERS": str(self.gunicorn_workers),
            "GUNICORN_THREADS": str(self.gunicorn_threads),
        }
        log = (self.run_dir / "gunicorn.log").open("ab")
        self.web = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "-c", "config/gunicorn.py"],
            env=env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            pass_fds=(fd,),
            start_new_session=True,
        )

    def start_worker(self) -> subprocess.Popen:
        index = len(self.clusters)
        log = (self.run_dir / f"qcluster-{index}.log").open("ab")
        process = subprocess.Popen(
            [PYTHON, MANAGE, "qcluster"],
            env=self.env,
            cwd=BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends the cluster and its children
        )
        self.clusters.append(process)
        return process

    def wait_healthy(self, timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base_url}/healthz", timeout=2).status_code in (200, 503):
                    return
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer within {timeout_s}s; see {self.run_dir / 'gunicorn.log'}")

    def worker_pids(self) -> list[int]:
        """Every process of every qcluster tree (main, sentinel, pusher, monitor, workers)."""
        pids: list[int] = []
        for cluster in self.clusters:
            if cluster.poll() is None:
                pids += [cluster.pid, *descendants(cluster.pid)]
        return pids

    def stop(self) -> None:
        for process in [*self.clusters, self.web]:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.clusters, self.web]:
            if process is None:
                continue
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            # A qcluster's children may outlive a killed parent: end the whole group.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        if self._socket is not None:
            self._socket.close()

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in sorted(self.run_dir.glob("*.log")))


def descendants(pid: int) -> list[int]:
    """Child processes of pid, recursively (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill9(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def wait_until(predicate: Callable[[], bool], *, timeout_s: float, every_s: float = 0.5, what: str = "") -> bool:
    """Poll predicate until true (True) or the timeout (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every_s)
    return predicate()


def query(url: str, statement: str, params: list | dict | None = None) -> list[tuple]:
    """Rows of one statement on the given database (a short-lived connection)."""
    with psycopg.connect(url, connect_timeout=5) as conn:
        return conn.execute(statement, params).fetchall()


def redis_url_free() -> str | None:
    """A redis:// URL on 127.0.0.1:6379 with an empty database index for this run, or None when none answers."""
    try:
        import redis
    except ImportError:
        return None
    for index in range(15, 5, -1):
        url = f"redis://127.0.0.1:6379/{index}"
        try:
            client = redis.Redis.from_url(url, socket_connect_timeout=1)
            if client.dbsize() == 0:
                return url
        except redis.RedisError:
            return None
    return None


def redis_flush(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()
