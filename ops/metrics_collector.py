"""Gauges the ops pages know and Prometheus should alert on, read from PostgreSQL at scrape time:
Gong requests today vs the daily budget, and this month's Claude spend vs the monthly budget.

Register next to config.metrics.DatabaseCollector: `_DATABASE_REGISTRY.register(OpsCollector())`.
"""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

from analysis.services import budget_state
from gong.reports import gong_quota_report
from ops.conf import ops_setting


class OpsCollector:
    def collect(self):
        quota = gong_quota_report(warn_ratio=ops_setting("OPS_GONG_QUOTA_WARN_RATIO"))
        yield GaugeMetricFamily(
            "callcoach_gong_requests_today", "Gong API requests made today (UTC day).", value=quota.requests_today
        )
        yield GaugeMetricFamily(
            "callcoach_gong_daily_budget", "GONG_DAILY_BUDGET: requests allowed per UTC day.", value=quota.daily_budget
        )
        state = budget_state()
        yield GaugeMetricFamily(
            "callcoach_claude_month_spent_usd", "Claude cost this month from the ledger.", value=float(state.spent_usd)
        )
        yield GaugeMetricFamily(
            "callcoach_claude_month_budget_usd",
            "ANALYSIS_MONTHLY_BUDGET_USD (0 = no budget).",
            value=float(state.budget_usd or 0),
        )
        held = GaugeMetricFamily("callcoach_claude_budget_held", "1 while new Claude analyses are held for budget.")
        held.add_metric([], 1.0 if state.status == "held" else 0.0)
        yield held
