"""gong_call.status has two owners, gong's services and coaching's: every other module goes through them.

The whole suite enforces it at run time (tests/state_writes.py guards every connection); these tests prove
the guard bites, and scan the source for direct writes on paths the suite might not run.
"""

from __future__ import annotations

import ast
import re

import pytest
from django.db import connection, transaction

from config.env import BASE_DIR
from gong.models import Call, CallStatus
from gong.services import call_mark_failed
from tests import state_writes
from tests.factories.gong import CallFactory

pytestmark = pytest.mark.django_db

APPS = ("core", "gong", "knowledgebase", "analysis", "coaching", "mcp_bridge", "ops", "config")
WRITES = {"update", "bulk_update", "create", "bulk_create", "get_or_create", "update_or_create"}
RAW_WRITE = re.compile(r"(UPDATE|INSERT\s+INTO)\s+\"?gong_call\"?\s", re.IGNORECASE)


def _modules():
    for app in APPS:
        for path in sorted((BASE_DIR / app).rglob("*.py")):
            relative = path.relative_to(BASE_DIR).as_posix()
            if "/migrations/" not in relative and not relative.startswith(state_writes.ALLOWED):
                yield relative, path.read_text()


def _direct_call_writes(source: str) -> list[int]:
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
            receiver = ast.unparse(node.func.value)
            if re.search(r"\bCall\.objects\b", receiver):
                lines.append(node.lineno)
    return lines


def test_the_guard_is_on_the_suites_connection():
    connection.ensure_connection()
    assert state_writes.guard in connection.execute_wrappers


def test_a_status_write_from_another_app_fails_naming_where_it_came_from():
    call = CallFactory(status=CallStatus.FAILED)
    # The same ORM write gong's services make, issued from code that lives in ops/.
    issued_from_ops = compile("Call.objects.filter(pk=pk).update(status='pending')", str(BASE_DIR / "ops/x.py"), "eval")
    refused = pytest.raises(state_writes.StateWriteOutsideServices, match=r"ops/x\.py:1 writes gong_call\.status")
    with refused, transaction.atomic():
        eval(issued_from_ops, {"Call": Call, "pk": call.pk})  # noqa: S307
    assert Call.objects.get(pk=call.pk).status == CallStatus.FAILED


def test_the_owners_write_status_freely():
    call = CallFactory(status=CallStatus.ANALYZING)
    call_mark_failed(call_id=call.pk, reason="no transcript")
    assert Call.objects.get(pk=call.pk).status == CallStatus.FAILED


def test_writes_that_leave_status_alone_are_not_the_guards_business():
    assert state_writes.refused('UPDATE "gong_call" SET "title" = %s WHERE "gong_call"."id" = %s', None) is None
    assert state_writes.refused('UPDATE "gong_call" SET "status_reason" = %s WHERE "id" = %s', None) is None
    assert state_writes.refused('UPDATE "gong_call" SET "title" = %s WHERE "gong_call"."status" = %s', None) is None


def test_no_module_outside_gong_and_coaching_services_writes_calls_in_its_source():
    offenders = []
    for relative, source in _modules():
        offenders += [f"{relative}:{line}" for line in _direct_call_writes(source)]
        offenders += [f"{relative} (raw SQL)" for _ in RAW_WRITE.finditer(source)]
    assert offenders == []
