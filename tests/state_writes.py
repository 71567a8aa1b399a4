"""Who may write gong_call's state: gong's services (ingest, fetch, claims) and coaching's (the analysis
pipeline). The suite installs `guard` on every database connection it opens (tests/conftest.py), so any test
that drives a write of gong_call.status from anywhere else — ops, the admin, a command, a selector, raw SQL —
fails at that statement, naming the file and line that issued it.

A statement is attributed to the innermost frame in the project's own code (not Django, not a library).
Test code and bench scripts arrange state directly and are allowed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from config.env import BASE_DIR

ALLOWED = ("gong/services/", "coaching/services/")
ARRANGING = ("tests/", "bench/")
# INSERT INTO gong_call always sets status; an UPDATE does when "status" is among its SET columns.
_INSERT = re.compile(r'^\s*INSERT\s+INTO\s+"?gong_call"?[\s(]', re.IGNORECASE)
_UPDATE_SET = re.compile(r'^\s*UPDATE\s+"?gong_call"?\s+SET\s(.*?)(?:\sWHERE\s|$)', re.IGNORECASE | re.DOTALL)
_STATUS_COLUMN = re.compile(r'(?:^|[\s,])"?status"?\s*=', re.IGNORECASE)
_ROOT = str(BASE_DIR) + "/"
_VENV = str(BASE_DIR / ".venv")


class StateWriteOutsideServices(AssertionError):
    pass


def writer_of(frame) -> str | None:
    """The project file (relative path:line) that issued the statement, or None when only library code did."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(_ROOT) and not filename.startswith(_VENV) and filename != __file__:
            return f"{Path(filename).relative_to(BASE_DIR).as_posix()}:{frame.f_lineno}"
        frame = frame.f_back
    return None


def refused(sql: str, frame) -> str | None:
    """Why this statement may not run here, or None."""
    update = _UPDATE_SET.match(sql)
    if not (_INSERT.match(sql) or (update and _STATUS_COLUMN.search(update.group(1)))):
        return None
    writer = writer_of(frame)
    if writer is None or writer.startswith(ALLOWED + ARRANGING):
        return None
    return f"{writer} writes gong_call.status directly; go through gong.services or coaching.services"


def guard(execute, sql, params, many, context):
    """A Django execute wrapper (connection.execute_wrappers)."""
    reason = refused(sql, sys._getframe(1))
    if reason:
        raise StateWriteOutsideServices(reason)
    return execute(sql, params, many, context)


def install(connection) -> None:
    if guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(guard)
