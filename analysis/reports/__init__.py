"""Read-only `*_report` selectors over the Claude ledger and the result cache (the ops cost dashboard)."""

from analysis.reports.calls import (
    cost_by_team_report,
    expensive_calls_report,
    month_bounds,
    month_projection_report,
)
from analysis.reports.ledger import (
    CostBucket,
    CostSlice,
    CostSummary,
    ExpensiveCall,
    MonthProjection,
    ResultCacheReport,
    Tokens,
    cost_by_report,
    cost_series_report,
    cost_summary_report,
    result_cache_report,
)

__all__ = [
    "CostBucket",
    "CostSlice",
    "CostSummary",
    "ExpensiveCall",
    "MonthProjection",
    "ResultCacheReport",
    "Tokens",
    "cost_by_report",
    "cost_by_team_report",
    "cost_series_report",
    "cost_summary_report",
    "expensive_calls_report",
    "month_bounds",
    "month_projection_report",
    "result_cache_report",
]
