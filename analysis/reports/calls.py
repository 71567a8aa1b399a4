"""Cost reports that join the ledger to calls: by team, the most expensive calls, and the month's projection."""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.utils import timezone

from analysis.reports.ledger import (
    LEDGER_SUMS,
    MICRO,
    ZERO,
    CostSlice,
    ExpensiveCall,
    MonthProjection,
    Tokens,
    ledger_rows,
    tokens_from_row,
)
from gong.models import Affiliation, Call, CallParticipant, GongUser

NO_CALL = "no-call"
UNASSIGNED = "unassigned"
NO_MANAGER = "no-manager"


def _call_costs(*, start: dt.datetime, end: dt.datetime) -> list[dict]:
    rows = ledger_rows(start=start, end=end).values("call_id").annotate(**LEDGER_SUMS)
    return list(rows.order_by("-cost", "call_id"))


def _call_teams(call_ids: list[str]) -> dict[str, list[str]]:
    """call id → sorted manager ids (or NO_MANAGER) of the call's internal participants who are known users."""
    rows = (
        CallParticipant.objects.filter(call_id__in=call_ids, affiliation=Affiliation.INTERNAL, user__isnull=False)
        .values_list("call_id", "user__manager_id")
        .distinct()
    )
    teams: dict[str, set[str]] = defaultdict(set)
    for call_id, manager_id in rows:
        teams[call_id].add(manager_id or NO_MANAGER)
    return {call_id: sorted(keys) for call_id, keys in teams.items()}


def _split(amount: Decimal, parts: int) -> list[Decimal]:
    """Split an amount into `parts` shares of whole micro-dollars that add up to it exactly."""
    share = (amount / parts).quantize(MICRO, rounding=ROUND_DOWN)
    return [amount - share * (parts - 1), *([share] * (parts - 1))]


def cost_by_team_report(*, start: dt.datetime, end: dt.datetime) -> list[CostSlice]:
    """Cost per team (a team = the reports of one manager, through gong_call → participant → gong_user.manager).

    A call with internal people from several teams is split equally between those teams (shares add up to
    the call's cost exactly). Requests for calls without a known internal user count as "Unassigned";
    requests tied to no call (e.g. on-demand MCP questions) as "No call". Requests and tokens are counted
    once, against the first team of the call.
    """
    rows = _call_costs(start=start, end=end)
    teams = _call_teams([row["call_id"] for row in rows if row["call_id"]])
    cost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, list] = defaultdict(lambda: [0, 0, Tokens()])
    for row in rows:
        keys = teams.get(row["call_id"], [UNASSIGNED]) if row["call_id"] else [NO_CALL]
        for key, share in zip(keys, _split(row["cost"], len(keys)), strict=True):
            cost[key] += share
        first = counts[keys[0]]
        first[0] += row["requests"]
        first[1] += row["unknown"]
        first[2] = _add(first[2], tokens_from_row(row))
    labels = _team_labels([key for key in cost if key not in {NO_CALL, UNASSIGNED, NO_MANAGER}])
    slices = [
        CostSlice(key, labels.get(key, key), cost[key], counts[key][0], counts[key][2], counts[key][1]) for key in cost
    ]
    return sorted(slices, key=lambda s: (-s.cost_usd, s.label))


def _add(a: Tokens, b: Tokens) -> Tokens:
    return Tokens(a.input + b.input, a.cache_write + b.cache_write, a.cache_read + b.cache_read, a.output + b.output)


def _team_labels(manager_ids: list[str]) -> dict[str, str]:
    labels = {NO_CALL: "No call (on-demand)", UNASSIGNED: "Unassigned", NO_MANAGER: "No manager"}
    for manager in GongUser.objects.filter(pk__in=manager_ids):
        labels[manager.pk] = f"Team {manager.name or manager.email or manager.pk}"
    return labels


def expensive_calls_report(*, start: dt.datetime, end: dt.datetime, limit: int = 10) -> list[ExpensiveCall]:
    """The calls whose Claude requests cost most in [start, end), with their request and token counts."""
    rows = [row for row in _call_costs(start=start, end=end) if row["call_id"]][:limit]
    titles = dict(Call.objects.filter(pk__in=[row["call_id"] for row in rows]).values_list("id", "title"))
    return [
        ExpensiveCall(
            call_id=row["call_id"],
            title=titles.get(row["call_id"], ""),
            cost_usd=row["cost"],
            requests=row["requests"],
            tokens=tokens_from_row(row),
        )
        for row in rows
    ]


def month_bounds(*, now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """[first instant of this month, first instant of next month) in the current time zone."""
    local = timezone.localtime(now or timezone.now())
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


def month_projection_report(*, now: dt.datetime | None = None) -> MonthProjection:
    """This month's ledger spend and a straight-line projection to month end, against
    ANALYSIS_MONTHLY_BUDGET_USD (0 = no budget). Projection = spent ÷ days elapsed × days in month."""
    now = now or timezone.now()
    start, end = month_bounds(now=now)
    spent = ledger_rows(start=start, end=end).filter(created_at__lte=now).aggregate(c=LEDGER_SUMS["cost"])["c"]
    days_in_month = calendar.monthrange(start.year, start.month)[1]
    elapsed = max((now - start).total_seconds() / 86_400, 1 / 24)  # at least an hour: no wild first-minute swing
    projected = (spent * Decimal(days_in_month) / Decimal(str(elapsed))).quantize(MICRO)
    budget = Decimal(str(settings.ANALYSIS_MONTHLY_BUDGET_USD))
    return MonthProjection(
        month=f"{start:%Y-%m}",
        spent_usd=spent,
        projected_usd=max(projected, spent),
        budget_usd=budget if budget > 0 else None,
        days_elapsed=round(elapsed, 3),
        days_in_month=days_in_month,
    )
