"""The admin's budget warning: a label in the header (unfold's ENVIRONMENT callback) and a banner above every
admin page's messages (templates/unfold/helpers/messages.html → {% ops_budget_banner %}), shown while the monthly
Claude budget is at its warning ratio or spent."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from analysis.services import budget_state
from core.display import money_display, month_display
from ops.conf import ops_setting
from ops.permissions import request_is_ops

CACHE_KEY = "callcoach:ops:budget-banner"


@dataclass(frozen=True)
class BudgetBanner:
    level: str  # "warning" | "held"
    month: str  # "Dec 2026"
    spent_usd: str  # "$85.00"
    budget_usd: str
    percent: int

    @property
    def label(self) -> str:
        return f"Budget spent ({self.percent}%)" if self.level == "held" else f"Budget {self.percent}% used"

    @property
    def variant(self) -> str:
        return "danger" if self.level == "held" else "warning"


def budget_banner_get() -> BudgetBanner | None:
    """The banner to show now, or None when the budget is fine (read at most once per
    OPS_BUDGET_BANNER_CACHE_S per process: one ledger aggregate, not one per page)."""
    if settings.ANALYSIS_MONTHLY_BUDGET_USD <= 0:
        return None  # no budget, no banner: and no query on every admin page
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return cached or None
    state = budget_state()
    banner = None
    if state.status in {"warning", "held"} and state.budget_usd:
        banner = BudgetBanner(
            level=state.status,
            month=month_display(state.month),
            spent_usd=money_display(state.spent_usd),
            budget_usd=money_display(state.budget_usd),
            percent=int(state.spent_usd * 100 / state.budget_usd),
        )
    cache.set(CACHE_KEY, banner or False, timeout=ops_setting("OPS_BUDGET_BANNER_CACHE_S"))
    return banner


def environment_callback(request: HttpRequest) -> list[str] | None:
    """UNFOLD["ENVIRONMENT"]: ["Budget 85% used", "warning"] in the header for people who can act on it."""
    if not request_is_ops(request):
        return None
    banner = budget_banner_get()
    return [banner.label, banner.variant] if banner else None
