"""Deal outcomes: which opportunity each call was about, and that opportunity's state now (won / lost / open).

A call's stored CRM context is a snapshot at call time. Once a day the opportunities not yet final are re-read
through one of their calls with `contextTiming: ["Now"]` on /v2/calls/extensive (reference/gong-api.md §3.3):
one call per open opportunity, 100 calls per request, at most GONG_OUTCOMES_MAX_CALLS calls a day. A won or
lost opportunity is final and never asked about again.

Won / lost: Salesforce's IsWon / IsClosed fields when present, otherwise the stage name against
OUTCOME_WON_STAGES / OUTCOME_LOST_STAGES (case and spaces ignored, so HubSpot's "closedwon" matches too).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from gong.client import MAX_IDS_PER_REQUEST, GongClient
from gong.models import Call, Opportunity, OpportunityCall, Outcome
from gong.schemas import CallContext


@dataclass
class OutcomesReport:
    linked: int = 0
    asked: int = 0
    requests: int = 0
    won: int = 0
    lost: int = 0
    still_open: int = 0

    def summary(self) -> str:
        return (
            f"calls linked={self.linked} opportunities re-read={self.asked} (~{self.requests} Gong requests): "
            f"won={self.won} lost={self.lost} open={self.still_open}"
        )


def _amount(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and abs(amount) < Decimal("1e12") else None


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def outcome_from_fields(*, fields: dict[str, Any]) -> str:
    """won / lost / open from an opportunity's CRM fields (IsWon + IsClosed first, then the stage name)."""
    closed, won = _flag(fields.get("IsClosed")), _flag(fields.get("IsWon"))
    if closed is True and won is not None:
        return Outcome.WON if won else Outcome.LOST
    stage = _normalized(str(fields.get("StageName") or fields.get("dealstage") or fields.get("Stage") or ""))
    if stage and stage in {_normalized(s) for s in settings.OUTCOME_WON_STAGES}:
        return Outcome.WON
    if stage and stage in {_normalized(s) for s in settings.OUTCOME_LOST_STAGES}:
        return Outcome.LOST
    return Outcome.OPEN


def _opportunity_of(context: list[CallContext]) -> tuple[str, str, dict[str, Any]] | None:
    """(system, object id, fields) of the first Opportunity in a call's CRM context."""
    for system in context:
        for obj in system.objects:
            if obj.object_type == "Opportunity" and obj.object_id:
                return system.system or "", obj.object_id[:64], {f.name: f.value for f in obj.fields if f.name}
    return None


def opportunities_link() -> int:
    """Link every stored call whose CRM context names an opportunity to it (database only; idempotent)."""
    linked = 0
    pending = Call.objects.filter(opportunity_link__isnull=True).exclude(crm_context=[]).only("id", "crm_context")
    for call in pending.iterator(chunk_size=500):
        found = _opportunity_of([CallContext.model_validate(c) for c in call.crm_context or [] if isinstance(c, dict)])
        if found is None:
            continue
        system, opportunity_id, fields = found
        with transaction.atomic():
            Opportunity.objects.get_or_create(
                id=opportunity_id,
                defaults={
                    "system": system[:40],
                    "name": str(fields.get("Name") or "")[:255],
                    "stage": str(fields.get("StageName") or "")[:120],
                    "amount": _amount(fields.get("Amount")),
                    "fields": {k: v for k, v in fields.items() if isinstance(v, str | int | float | bool)},
                },
            )
            _link, created = OpportunityCall.objects.get_or_create(
                call=call, defaults={"opportunity_id": opportunity_id}
            )
        linked += int(created)
    return linked


def opportunities_refresh(*, client: GongClient | None = None) -> OutcomesReport:
    """Link new calls, then re-read every opportunity not yet won or lost through its latest call ("Now")."""
    report = OutcomesReport(linked=opportunities_link())
    latest_call = (
        OpportunityCall.objects.filter(opportunity=OuterRef("pk")).order_by("-call__started").values("call_id")[:1]
    )
    pending = (
        Opportunity.objects.filter(final_at__isnull=True)
        .annotate(call_id=Subquery(latest_call))
        .order_by("checked_at", "id")  # never checked first, then the longest unchecked
        .values_list("id", "call_id")[: settings.GONG_OUTCOMES_MAX_CALLS]
    )
    by_call = {call_id: opportunity_id for opportunity_id, call_id in pending if call_id}
    if not by_call:
        return report
    client = client or GongClient.from_settings()
    records = client.calls_context_now(call_ids=list(by_call))  # network first, no transaction open
    report.asked, report.requests = len(by_call), math.ceil(len(by_call) / MAX_IDS_PER_REQUEST)
    now = timezone.now()
    with transaction.atomic():
        for record in records:
            opportunity_id = by_call.get(record.meta_data.id)
            found = _opportunity_of(record.context)
            if opportunity_id is None or found is None or found[1] != opportunity_id:
                continue
            _opportunity_update(opportunity_id, found[2], now=now)
        Opportunity.objects.filter(id__in=by_call.values()).update(checked_at=now)
    counts = Counter(Opportunity.objects.filter(id__in=by_call.values()).values_list("outcome", flat=True))
    report.won, report.lost = counts.get(Outcome.WON, 0), counts.get(Outcome.LOST, 0)
    report.still_open = counts.get(Outcome.OPEN, 0)
    return report


def _opportunity_update(opportunity_id: str, fields: dict[str, Any], *, now) -> None:
    outcome = outcome_from_fields(fields=fields)
    Opportunity.objects.filter(id=opportunity_id).update(
        stage=str(fields.get("StageName") or "")[:120],
        amount=_amount(fields.get("Amount")),
        outcome=outcome,
        final_at=now if outcome != Outcome.OPEN else None,
        fields={k: v for k, v in fields.items() if isinstance(v, str | int | float | bool)},
    )
