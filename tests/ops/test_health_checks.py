"""The /healthz additions: last successful Gong poll, and the budget state."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_q.models import Schedule, Task

from ops.health_checks import GONG_SYNC_TASK, budget_check, gong_sync_check
from tests.ops.conftest import ledger_row

pytestmark = pytest.mark.django_db


def _sync_result(*, hours_ago: float, success: bool = True, task_id: str = "s" * 32) -> None:
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    Task.objects.create(id=task_id, name=task_id, func=GONG_SYNC_TASK, started=at, stopped=at, success=success)


def test_gong_sync_is_ok_before_polling_is_scheduled():
    assert gong_sync_check()["ok"] is True


def test_gong_sync_fails_when_the_last_successful_poll_is_too_old(settings):
    settings.OPS_GONG_SYNC_MAX_AGE_HOURS = 3.0
    Schedule.objects.create(name="gong_sync", func=GONG_SYNC_TASK, schedule_type=Schedule.HOURLY)
    _sync_result(hours_ago=5)
    _sync_result(hours_ago=0.5, success=False, task_id="f" * 32)  # a recent failure does not count
    check = gong_sync_check()
    assert check["ok"] is False
    assert check["last_success"] is not None
    _sync_result(hours_ago=1, task_id="n" * 32)
    assert gong_sync_check()["ok"] is True


def test_budget_check_reports_the_state_without_failing_health(settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 10.0
    ledger_row(at=timezone.now(), cost="12.000000")
    check = budget_check()
    assert check == {"ok": True, "status": "held", "month": check["month"], "spent_usd": "12.00", "budget_usd": "10.00"}
