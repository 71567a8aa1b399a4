"""Deal outcomes for the simulator: each opportunity's fate, and its CRM context "now" versus at call time.

A call's CRM context (gong/simulator/sections.py) is the opportunity as it stood at call time. Gong's
``/v2/calls/extensive`` serves the current state by default (``contextTiming: ["Now"]``, reference/gong-api.md
§3.3) and the snapshot with ``["TimeOfCall"]``. Here an opportunity closes on its latest CloseDate: once the
server clock passes it, "Now" shows ``StageName`` "Closed Won" / "Closed Lost" with ``IsClosed`` and ``IsWon``
(Salesforce's fields); before then, and for deals that stay open, "Now" equals the snapshot.

Planted effect: a deal is won with probability sigmoid(1.6·(discovery − 3) + 1.0·(objection handling − 3)),
from the mean planted levels of the reps on its calls (N/A counts as 3); product knowledge and engagement have
no effect. 20% of deals stay open. All deterministic from the seed and the opportunity id.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from gong.simulator.corpus import Corpus

WEIGHTS = {"discovery": 1.6, "objection_handling": 1.0}
OPEN_SHARE = 0.2


@dataclass
class Deal:
    opportunity_id: str
    call_ids: list[str] = field(default_factory=list)
    close_date: date | None = None
    outcome: str = "open"  # won | lost | open (at any time after close_date)
    levels: dict[str, float | None] = field(default_factory=dict)


def _opportunity(record: dict[str, Any]) -> dict[str, Any] | None:
    for system in record.get("context") or []:
        for obj in system.get("objects") or []:
            if obj.get("objectType") == "Opportunity":
                return obj
    return None


def _field(obj: dict[str, Any], name: str) -> Any:
    return next((f["value"] for f in obj.get("fields") or [] if f.get("name") == name), None)


class OutcomePlan:
    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.deals: dict[str, Deal] = {}
        self.by_call: dict[str, str] = {}
        for record in corpus.calls:
            obj = _opportunity(record)
            if obj is None:
                continue
            deal = self.deals.setdefault(obj["objectId"], Deal(obj["objectId"]))
            call_id = record["metaData"]["id"]
            deal.call_ids.append(call_id)
            self.by_call[call_id] = deal.opportunity_id
            close = _field(obj, "CloseDate")
            if close:
                close_date = date.fromisoformat(close)
                deal.close_date = max(deal.close_date or close_date, close_date)
        for deal in self.deals.values():
            self._decide(deal)

    def _decide(self, deal: Deal) -> None:
        sums: dict[str, list[int]] = {}
        for call_id in deal.call_ids:
            for speaker in (self.corpus.gold.get(call_id) or {}).values():
                for dim, level in speaker["levels"].items():
                    if level is not None:
                        sums.setdefault(dim, []).append(level)
        deal.levels = {dim: sum(values) / len(values) for dim, values in sums.items()}
        rng = random.Random(f"{self.corpus.seed}:outcome:{deal.opportunity_id}")
        if rng.random() < OPEN_SHARE:
            deal.outcome = "open"
            return
        z = sum(weight * ((deal.levels.get(dim) or 3.0) - 3.0) for dim, weight in WEIGHTS.items())
        deal.outcome = "won" if rng.random() < 1 / (1 + math.exp(-z)) else "lost"

    def closed(self, deal: Deal, *, now: datetime) -> bool:
        return deal.outcome != "open" and deal.close_date is not None and now.date() >= deal.close_date

    def context(self, record: dict[str, Any], *, timing: list[str], now: datetime) -> list[dict[str, Any]]:
        """The record's CRM context for these timings ("Now", "TimeOfCall"), as Gong would serve it."""
        out: list[dict[str, Any]] = []
        for system in record.get("context") or []:
            objects: list[dict[str, Any]] = []
            for obj in system.get("objects") or []:
                if "TimeOfCall" in timing:
                    objects.append({**obj, "timing": "TimeOfCall"})
                if "Now" in timing:
                    objects.append(self._now(obj, now=now))
            out.append({**system, "objects": objects})
        return out

    def _now(self, obj: dict[str, Any], *, now: datetime) -> dict[str, Any]:
        deal = self.deals.get(obj.get("objectId", "")) if obj.get("objectType") == "Opportunity" else None
        if deal is None or not self.closed(deal, now=now):
            return {**obj, "timing": "Now"}
        won = deal.outcome == "won"
        fields = [f for f in obj.get("fields") or [] if f.get("name") not in {"StageName", "IsClosed", "IsWon"}]
        fields += [
            {"name": "StageName", "value": "Closed Won" if won else "Closed Lost"},
            {"name": "IsClosed", "value": True},
            {"name": "IsWon", "value": won},
        ]
        return {**obj, "timing": "Now", "fields": fields}


def outcomes_truth(plan: OutcomePlan) -> dict[str, dict[str, Any]]:
    """opportunity id → {outcome, close_date, call_ids, levels} (the planted fate, whatever the clock)."""
    return {
        deal.opportunity_id: {
            "outcome": deal.outcome,
            "close_date": deal.close_date.isoformat() if deal.close_date else None,
            "call_ids": list(deal.call_ids),
            "levels": dict(deal.levels),
        }
        for deal in plan.deals.values()
    }
