"""Process harness for the reliability suite: gunicorn and N `manage.py qcluster` workers in subprocesses, wired
through the environment, plus the faults we inject into them (kill -9 a worker). Databases (throwaway ones, and a
project-local cluster we may stop and start) are in tests/reliability/pg.py.

Everything binds 127.0.0.1 on a free port. gunicorn gets an already-bound socket (`GUNICORN_BIND=fd://N`), so
there is no race for the port. The stack runs with the production settings module (DEBUG off, JSON logs), so what
the suite sees is what a deployment does; every log line goes to files under the run's directory, which the
access test scans for secrets.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
MANAGE = str(BASE_DIR / "manage.py")
SECRET_KEY = "reliability-suite-secret-key-" + "x" * 24
GONG_SECRET = "sim-secret"
ANTHROPIC_KEY = "fake-anthropic-reliability-test-key"


# --- the application stack -----------------------------------------------------------------------------------------


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
            # No batching window: the scenarios send bursts and measure how fast the calls come through.
            "GONG_FETCH_WINDOW_S": "0",
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
