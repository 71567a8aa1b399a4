"""Queue entry points for ops (django-q2 calls them by dotted path)."""

from __future__ import annotations

from core.logging_context import task_logged
from ops.services import budget_alert_check as _budget_alert_check
from ops.services import call_retry as _call_retry


def budget_alert_check() -> str:
    """Scheduled every 10 minutes: alert ops once per month and level when the budget runs low."""
    return _budget_alert_check() or "ok"


@task_logged
def call_retry(call_id: str) -> str:
    outcome = _call_retry(call_id=call_id)
    return f"{outcome.call_id} → {outcome.action}"
