"""Ops writes: retry a failed or stuck call, and alert ops once a month when the Claude budget runs low."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import structlog
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from analysis.services import budget_state
from core.display import money_display, month_display
from core.errors import ApplicationError, NotFound
from core.services import once_claim
from gong.models import CallStatus
from gong.selectors import call_get, transcript_get
from gong.services import call_release, call_reset_for_retry
from gong.services.fetch_queue import call_analysis_enqueue, calls_fetch_enqueue
from ops.conf import ops_setting

logger = structlog.get_logger(__name__)

NOT_RETRYABLE = {CallStatus.ANALYZED, CallStatus.SKIPPED}


@dataclass(frozen=True)
class RetryOutcome:
    call_id: str
    previous_status: str
    action: str  # "fetch" (back to Gong fetching) | "analysis" (back to the analysis queue)


def call_retry(*, call_id: str, stuck_after: dt.timedelta | None = None) -> RetryOutcome:
    """Send a failed, stuck or held call back through the pipeline from the stage it needs.

    With a transcript the call goes back to `transcribed` and its analysis is enqueued (the result cache makes
    a retry free when the analysis had already succeeded); without one it goes back to `pending` with its
    attempts reset and a fetch is enqueued. An in-flight call is only retried once it has been untouched for
    `stuck_after` (OPS_STUCK_AFTER_MINUTES), so a retry never races a worker that is still busy with it.
    Idempotent: the reset is a conditional UPDATE and the tasks claim their work the same way.
    """
    call = call_get(call_id=call_id)
    previous = call.status
    if previous in NOT_RETRYABLE:
        raise ApplicationError(f"Call {call_id} is {call.get_status_display().lower()}: nothing to retry")
    if previous == CallStatus.HELD:
        if budget_state().status == "held":
            raise ApplicationError("The monthly Claude budget is spent: raise ANALYSIS_MONTHLY_BUDGET_USD first")
        call_release(call_id=call_id)
        call_analysis_enqueue(call_id=call_id)
        return RetryOutcome(call_id, previous, "analysis")
    stuck_after = stuck_after or dt.timedelta(minutes=ops_setting("OPS_STUCK_AFTER_MINUTES"))
    has_transcript = _has_transcript(call_id)
    stuck_before = timezone.now() - stuck_after
    if not call_reset_for_retry(
        call_id=call_id, from_status=previous, has_transcript=has_transcript, stuck_before=stuck_before
    ):
        raise ApplicationError(f"Call {call_id} is still being processed; retry once it is stuck or failed")
    logger.info("call_retry", call_id=call_id, previous_status=previous, transcript=has_transcript)
    if has_transcript:
        call_analysis_enqueue(call_id=call_id)
        return RetryOutcome(call_id, previous, "analysis")
    calls_fetch_enqueue()
    return RetryOutcome(call_id, previous, "fetch")


def _has_transcript(call_id: str) -> bool:
    try:
        transcript_get(call_id=call_id)
    except NotFound:
        return False
    return True


def calls_retry(*, call_ids: list[str]) -> tuple[list[RetryOutcome], dict[str, str]]:
    """Retry several calls; returns the outcomes and, per call that could not be retried, the reason."""
    outcomes, refused = [], {}
    for call_id in call_ids:
        try:
            outcomes.append(call_retry(call_id=call_id))
        except (ApplicationError, NotFound) as exc:
            refused[call_id] = exc.message
    return outcomes, refused


def budget_alert_check() -> str | None:
    """Log (and optionally email OPS_ALERT_EMAILS) once per month and level when the Claude budget crosses the
    warning ratio or is reached; returns the level alerted now ("warning" | "held") or None.

    "Once" is a marker row keyed by month and level (core.services.once_claim), shared by every process.
    """
    state = budget_state()
    if state.status not in {"warning", "held"}:
        return None
    key = f"callcoach:ops:budget-alert:{state.month}:{state.status}"
    if not once_claim(key=key):
        return None
    spent, budget = f"{state.spent_usd:.2f}", f"{state.budget_usd:.2f}"
    logger.warning("budget_alert", level=state.status, month=state.month, spent_usd=spent, budget_usd=budget)
    recipients = list(settings.OPS_ALERT_EMAILS)
    if recipients and ops_setting("OPS_BUDGET_ALERT_EMAIL"):
        send_mail(
            subject=_alert_subject(state.status, month_display(state.month)),
            message=_alert_body(state.status, money_display(state.spent_usd), money_display(state.budget_usd)),
            from_email=None,
            recipient_list=recipients,
            fail_silently=False,
        )
    return state.status


def _alert_subject(level: str, month: str) -> str:
    if level == "held":
        return f"[callcoach] Claude budget reached for {month}: new analyses are held"
    return f"[callcoach] Claude budget warning for {month}"


def _alert_body(level: str, spent: str, budget: str) -> str:
    what = (
        "The monthly budget is reached: new analyses wait (status 'held') until it is raised or the month ends."
        if level == "held"
        else f"Spending passed {settings.ANALYSIS_BUDGET_WARN_RATIO:.0%} of the monthly budget."
    )
    return (
        f"{what}\n\nSpent this month: {spent} of {budget} (ANALYSIS_MONTHLY_BUDGET_USD).\n"
        f"Cost dashboard: {settings.PUBLIC_BASE_URL}/admin/ops/costs/\n"
    )
