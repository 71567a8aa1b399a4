"""Coaching reads. Every function takes the `viewer` (coaching.access.Viewer) and shows only what it may see;
invisible and missing objects both raise core.errors.NotFound. The admin portal, the API, exports and the MCP
tools all read through here."""

from coaching.selectors.calls import CallDetail, call_detail, call_get_for_viewer, call_list
from coaching.selectors.common import (
    rep_get_for_viewer,
    reps_visible,
    scores_visible,
    sessions_visible,
)
from coaching.selectors.costs import LedgerTotal, ledger_total_for_run, ledger_total_since
from coaching.selectors.dashboard import Dashboard, dashboard_report
from coaching.selectors.reports import RepReport, rep_report
from coaching.selectors.scores import score_get_for_viewer, scores_list
from coaching.selectors.search import (
    SearchCriteria,
    SearchPage,
    call_search,
    call_search_export,
    call_search_queryset,
)
from coaching.selectors.sessions import session_list
from coaching.selectors.teams import TeamReport, team_report

__all__ = [
    "CallDetail",
    "Dashboard",
    "LedgerTotal",
    "RepReport",
    "SearchCriteria",
    "SearchPage",
    "TeamReport",
    "call_detail",
    "call_get_for_viewer",
    "call_list",
    "call_search",
    "call_search_export",
    "call_search_queryset",
    "dashboard_report",
    "ledger_total_for_run",
    "ledger_total_since",
    "rep_get_for_viewer",
    "rep_report",
    "reps_visible",
    "score_get_for_viewer",
    "scores_list",
    "scores_visible",
    "session_list",
    "sessions_visible",
    "team_report",
]
