"""Every coaching selector that returns call data applies visibility itself: no "callers check first".

CALL_DATA lists them, each with how to ask it about one call; the first test checks each against a call the
viewer may see and one it may not. A new public selector must be placed in one of the lists (the last test),
so nobody adds one that skips the check without saying so.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import coaching.selectors
from analysis.models import AnalysisRun
from coaching.access import viewer_for_user
from coaching.models import DimensionScore
from coaching.selectors.calls import call_detail, call_get_for_viewer, call_list, call_results, calls_for_batch
from coaching.selectors.common import scores_visible, sessions_visible
from coaching.selectors.compare import calls_compare
from coaching.selectors.costs import ledger_total_for_run, run_latest_for_call
from coaching.selectors.product_knowledge import product_knowledge_review
from coaching.selectors.scores import score_get_for_viewer, scores_list
from coaching.selectors.search import (
    SearchCriteria,
    call_scores,
    call_search,
    call_search_export,
    call_search_queryset,
    calls_search,
)
from coaching.selectors.sessions import session_list
from coaching.selectors.turns import transcript_matches, transcript_turns_slice
from core.errors import NotFound
from tests.coaching.portal_world import build_world

pytestmark = pytest.mark.django_db

ALL = SearchCriteria()


def _shows(fn) -> bool:
    """True when the selector returned the call's data; False when it answered as for a missing call."""
    try:
        return bool(fn())
    except NotFound:
        return False


def _run(call) -> AnalysisRun:
    return AnalysisRun.objects.filter(call=call).get()


def _score(call) -> DimensionScore:
    return DimensionScore.objects.filter(session__call_id=call.pk).first()


# name -> how to ask the selector about `call` as `viewer`; truthy when the call's data comes back.
CALL_DATA = {
    "calls.call_list": lambda v, c: call_list(viewer=v).filter(pk=c.pk).exists(),
    "calls.call_get_for_viewer": lambda v, c: call_get_for_viewer(viewer=v, call_id=c.pk),
    "calls.call_detail": lambda v, c: call_detail(viewer=v, call_id=c.pk),
    "calls.call_results": lambda v, c: call_results(viewer=v, call_id=c.pk),
    "calls.calls_for_batch": lambda v, c: calls_for_batch(viewer=v, call_ids=[c.pk]),
    "compare.calls_compare": lambda v, c: calls_compare(viewer=v, call_ids=[c.pk]),
    "search.call_search_queryset": lambda v, c: call_search_queryset(viewer=v, criteria=ALL).filter(pk=c.pk),
    "search.call_search": lambda v, c: c.pk in {hit.call.pk for hit in call_search(viewer=v, criteria=ALL).hits},
    "search.call_search_export": lambda v, c: (
        c.pk in {r["call_id"] for r in call_search_export(viewer=v, criteria=ALL)}
    ),
    "search.calls_search": lambda v, c: calls_search(viewer=v, criteria=ALL).filter(pk=c.pk).exists(),
    "search.call_scores": lambda v, c: any(call_scores(viewer=v, call_ids=[c.pk]).get(c.pk, {}).values()),
    "turns.transcript_matches": lambda v, c: transcript_matches(viewer=v, call_ids=[c.pk], words="forty reps"),
    "turns.transcript_turns_slice": lambda v, c: transcript_turns_slice(viewer=v, call_id=c.pk, start=0, stop=2)[0],
    "product_knowledge.product_knowledge_review": lambda v, c: product_knowledge_review(viewer=v, call_id=c.pk),
    "costs.ledger_total_for_run": lambda v, c: ledger_total_for_run(viewer=v, run_id=_run(c).pk, call_id=c.pk).requests,
    "costs.run_latest_for_call": lambda v, c: run_latest_for_call(viewer=v, call_id=c.pk),
    "common.sessions_visible": lambda v, c: sessions_visible(viewer=v).filter(call_id=c.pk).exists(),
    "common.scores_visible": lambda v, c: scores_visible(viewer=v).filter(session__call_id=c.pk).exists(),
    "sessions.session_list": lambda v, c: session_list(viewer=v).filter(call_id=c.pk).exists(),
    "scores.scores_list": lambda v, c: scores_list(viewer=v).filter(session__call_id=c.pk).exists(),
    "scores.score_get_for_viewer": lambda v, c: score_get_for_viewer(viewer=v, score_id=_score(c).pk),
}
# Reports that aggregate over the selectors above (per rep, team or viewer); their visibility is tested with
# every role in tests/coaching/test_access_matrix.py and test_portal_pages.py.
AGGREGATES = {
    "dashboard.dashboard_report",
    "reports.rep_report",
    "teams.team_report",
    "costs.ledger_total_since",
    "reps.rep_resolve",
    "common.reps_visible",
    "common.rep_get_for_viewer",
    "plans.coaching_plan_get",  # built on rep_report
    "needs.reps_needing_coaching",  # over scores_visible
    "common.scores_for_averages",  # scores_visible, of one analyzer
}
# Pure functions over data already selected, or no call data at all.
NOT_CALL_DATA = {
    "common.effective_score",  # an ORM expression
    "common.week_start",
    "common.weeks_back",
    "common.rolling_windows",
    "common.month_start",
    "compare.compare_differences",  # arithmetic over calls_compare's answer
    "reports.weekly_dimension_means",  # over a scores queryset the caller selected through scores_visible
    "reports.trends_from",
    "reports.labelled_gaps",
    "stats.stat_display",
    "stats.stat_target",
    "calls.criteria_names",  # criterion keys -> names in a rubric version's content
    "calls.person_name",  # how a Django user is named
    "stats.stats_view",
    "stats.stats_median_view",
    "transcript.anchor",
    "transcript.transcript_view",  # renders turns already read through call_detail
    "plans.report_gaps",  # over a rep_report
    "needs.needs_for_scores",  # over a scores queryset the caller selected through scores_visible
    "common.scoring_change_week",  # over a sessions queryset the caller selected through sessions_visible
    "batch_runs.batch_runs_unsettled",  # the pipeline sweep's read (no viewer: nothing is shown)
    "rubric_previews.rubric_preview_get_for_editor",  # an ops editor's own preview, by editor id
    "rubric_previews.rubric_preview_latest_for_editor",
}


@pytest.fixture
def world():
    return build_world()


@pytest.mark.parametrize("name", sorted(CALL_DATA))
def test_a_call_data_selector_answers_for_a_visible_call_and_as_missing_for_a_hidden_one(world, name):
    rep = viewer_for_user(world.logins["rep"])
    ask = CALL_DATA[name]
    assert _shows(lambda: ask(rep, world.calls["own"])), f"{name} hides the rep's own call"
    assert not _shows(lambda: ask(rep, world.calls["colleague"])), f"{name} shows a colleague's call to a rep"
    assert not _shows(lambda: ask(rep, world.calls["colleague_private"])), f"{name} shows a private call"
    assert "viewer" in inspect.signature(_selector(name)).parameters


def _selector(name: str):
    module, function = name.split(".")
    return getattr(importlib.import_module(f"coaching.selectors.{module}"), function)


def _public_selectors() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(coaching.selectors.__path__):
        module = importlib.import_module(f"coaching.selectors.{info.name}")
        for attr, value in vars(module).items():
            if inspect.isfunction(value) and value.__module__ == module.__name__ and not attr.startswith("_"):
                names.add(f"{info.name}.{attr}")
    return names


def test_every_public_coaching_selector_is_placed_in_one_list():
    placed = set(CALL_DATA) | AGGREGATES | NOT_CALL_DATA
    assert _public_selectors() - placed == set(), "place new selectors in CALL_DATA, AGGREGATES or NOT_CALL_DATA"
    assert placed - _public_selectors() == set(), "these listed selectors no longer exist"
