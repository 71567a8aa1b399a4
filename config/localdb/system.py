"""The machine side of the local database: finding PostgreSQL binaries and running them as a user that
PostgreSQL accepts (it refuses to run as root)."""

from __future__ import annotations

import glob
import os
import pwd
import shlex
import shutil
import subprocess
from pathlib import Path

from config.env import BIN_DIR_FILE, EMBEDDED_PACKAGE

INSTALL_HELP = """No PostgreSQL server answers on 127.0.0.1:5432 and no PostgreSQL binaries were found.
Install PostgreSQL (any version 13 or newer), then run the command again:
  Debian/Ubuntu:  sudo apt-get install postgresql
  Fedora/RHEL:    sudo dnf install postgresql-server
  macOS:          brew install postgresql@16
Or point DATABASE_URL at a server you already have, e.g.
  DATABASE_URL=postgres://user:password@host:5432/callcoach"""


class LocalDbError(Exception):
    pass


def say(message: str) -> None:
    print(f"[db] {message}", flush=True)


def find_bindir() -> Path | None:
    if BIN_DIR_FILE.is_file():
        path = Path(BIN_DIR_FILE.read_text().strip())
        if (path / "initdb").exists():
            return path
        if recorded_embedded():
            return None  # a cluster made by the wheel's PostgreSQL: the machine's (other) version cannot run it
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=True).stdout
            candidates.append(Path(out.strip()))
        except subprocess.CalledProcessError:
            pass

    def version_key(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    candidates += [Path(p) for p in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)]
    candidates += [Path(p) for p in glob.glob("/usr/pgsql-*/bin")]
    candidates += [Path(p) for p in glob.glob("/opt/homebrew/opt/postgresql*/bin")]
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    return None


def recorded_embedded() -> bool:
    return BIN_DIR_FILE.is_file() and EMBEDDED_PACKAGE in Path(BIN_DIR_FILE.read_text().strip()).parts


def server_user() -> str | None:
    """The unprivileged user to run the server as when we are root; None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise LocalDbError("running as root and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL")


def run(cmd: list[str], user: str | None, **kwargs) -> subprocess.CompletedProcess:
    if user:
        cmd = (
            ["runuser", "-u", user, "--", *cmd]
            if shutil.which("runuser")
            else ["su", user, "-s", "/bin/sh", "-c", shlex.join(cmd)]
        )
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kwargs)


def can_traverse(path: Path, user: str | None) -> bool:
    if user is None:
        return True
    try:
        run(["test", "-x", str(path)], user)
        return True
    except subprocess.CalledProcessError:
        return False


def has_c_utf8() -> bool:
    try:
        out = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    except FileNotFoundError:
        return False
    return "c.utf8" in out or "c.utf-8" in out
