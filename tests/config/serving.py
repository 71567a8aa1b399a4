"""Start the web tier the way the README deploys it (`make serve`, production settings) for a test, on a free port.

`make -o migrate serve` runs the serve recipe itself (collectstatic, then gunicorn with config/gunicorn.py) and
skips its `migrate` prerequisite: the server uses pytest-django's test database, already migrated. Static files
go to a temporary STATIC_ROOT, the log to a file the tests read.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parents[2]
URL_KEY = "url-key-" + "s3cr3t" * 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_database_url() -> str:
    from django.db import connection

    conf = connection.settings_dict
    return f"postgres://{conf['USER']}@{conf['HOST'] or '127.0.0.1'}:{conf['PORT'] or 5432}/{conf['NAME']}"


@dataclass
class Served:
    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def make_serve(tmp: Path, **env_extra: str) -> Iterator[Served]:
    """`make serve` under config.settings.production with test values for what production requires."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GONG_", "ANTHROPIC_", "GUNICORN_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "production-smoke-test-secret-key-" + "x" * 20,
            "DATABASE_URL": served_database_url(),
            "DJANGO_STATIC_ROOT": str(tmp / "static"),
            "ANALYZER": "offline",
            "GONG_WEBHOOK_URL_KEY": URL_KEY,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "PYTHONUNBUFFERED": "1",
            **env_extra,
        }
    )
    log = tmp / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["make", "-s", "-o", "migrate", "serve", f"METRICS_DIR={tmp / 'prometheus'}"],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, gunicorn and its workers end together
        )
    served = Served(base_url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait_answering(served, process)
        yield served
    finally:
        group_stop(process, timeout_s=20)


def group_stop(process: subprocess.Popen, *, timeout_s: float) -> None:
    """End a process started with start_new_session=True and everything it forked: SIGTERM to its group, then
    SIGKILL if it has not exited within timeout_s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_answering(served: Served, process: subprocess.Popen, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"make serve exited with {process.returncode}:\n{served.log_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            requests.get(f"{served.base_url}/healthz", timeout=2)
            return
        time.sleep(0.3)
    raise AssertionError(f"make serve did not answer within {timeout_s}s:\n{served.log_text()[-3000:]}")
