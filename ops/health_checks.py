"""Extra /healthz checks (config/health.py adds them to its `checks`): last successful Gong sync, budget state.

The last sync is read from django-q2's task results (gong.tasks.gong_sync, success=True). django-q2 keeps the
newest `save_limit` results, so the newest sync is always there as long as fewer than save_limit tasks run
between two syncs.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_q.models import Schedule, Task

from analysis.services import budget_state
from ops.conf import ops_setting

GONG_SYNC_TASK = "gong.tasks.gong_sync"


def gong_sync_check() -> dict:
    """ok while the newest successful poll is younger than OPS_GONG_SYNC_MAX_AGE_HOURS (or polling is not
    scheduled at all, e.g. a fresh install before setup_schedules)."""
    last = Task.objects.filter(func=GONG_SYNC_TASK, success=True).order_by("-stopped").values_list("stopped", flat=True)
    last_success = last.first()
    scheduled = Schedule.objects.filter(func=GONG_SYNC_TASK).exists()
    max_age = dt.timedelta(hours=ops_setting("OPS_GONG_SYNC_MAX_AGE_HOURS"))
    ok = not scheduled or (last_success is not None and timezone.now() - last_success <= max_age)
    return {
        "ok": ok,
        "scheduled": scheduled,
        "last_success": last_success.isoformat() if last_success else None,
        "max_age_hours": max_age.total_seconds() / 3600,
    }


def budget_check() -> dict:
    """The Claude budget state. Informational: a held budget is a decision, not an outage, so always ok."""
    state = budget_state()
    return {
        "ok": True,
        "status": state.status,
        "month": state.month,
        "spent_usd": f"{state.spent_usd:.2f}",
        "budget_usd": f"{state.budget_usd:.2f}" if state.budget_usd else None,
    }
