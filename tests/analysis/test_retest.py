"""`evaluate_scorer --repeat N`: re-score a sample bypassing the result cache and report agreement between runs;
and the N/A disagreements beside QWK in every evaluation summary."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from analysis.models import AnalysisRun, ApiCall, ApiPurpose
from analysis.services import analysis_for_call
from coaching.retest import retest_dimension
from coaching.services.sessions import sessions_store_from_run
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps

pytestmark = pytest.mark.django_db


def _analysed_calls(count: int) -> list[str]:
    ids = []
    for seed in range(count):
        call = call_with_reps(levels={REP_SPEAKER: 2 + seed, SE_SPEAKER: 4}, seed=seed)
        sessions_store_from_run(run_id=analysis_for_call(call_id=call.pk).run_id)
        ids.append(call.pk)
    return ids


def _retest(tmp_path, *args: str) -> tuple[dict, str]:
    out, path = io.StringIO(), tmp_path / "retest.json"
    call_command("evaluate_scorer", "--repeat", *args, "--out", str(path), stdout=out)
    return json.loads(path.read_text()), out.getvalue()


def test_runs_that_agree_and_runs_that_do_not():
    steady = retest_dimension("discovery", [[3, 3, 3], [None, None, None]])
    assert (steady.all_runs_agree, steady.pair_exact, steady.na_disagreements) == (1.0, 1.0, 0)
    shaky = retest_dimension("discovery", [[3, 4, 3], [2, None, 2]])
    assert shaky.all_runs_agree == 0.0 and shaky.pair_exact == 2 / 4 and shaky.pair_within_one == 1.0
    assert shaky.na_disagreements == 2


def test_the_offline_analyzer_rescored_three_times_agrees_with_itself_and_stores_nothing(kb, offline, tmp_path):
    _analysed_calls(2)
    runs_before = AnalysisRun.objects.count()
    report, printed = _retest(tmp_path, "3", "--sample", "2")
    assert (report["analyzer"], report["repeats"], report["calls"]) == ("offline", 3, 2)
    for row in report["dimensions"]:
        assert row["items"] == 4 and row["all_runs_agree"] == 1.0 and row["na_disagreements"] == 0
    assert AnalysisRun.objects.count() == runs_before  # the result cache was neither read nor written
    assert "Test-retest: 2 calls × 3 runs" in printed and "evaluate_scorer: retest" in printed


def test_claude_rescoring_bypasses_the_cache_and_reports_disagreement(kb, fake_claude, tmp_path):
    _analysed_calls(1)
    requests_before = len(fake_claude.requests)
    # Discovery flips between requests (a scorer that is not consistent); the rest is steady.
    fake_claude.score_fn = lambda speaker_id, dimension, lines: (
        (4 if len(fake_claude.requests) % 2 else 2) if dimension == "discovery" else 3
    )
    report, _ = _retest(tmp_path, "2", "--sample", "1")
    assert len(fake_claude.requests) - requests_before == 2  # one fresh request per run, no cache hit
    rows = {row["dimension"]: row for row in report["dimensions"]}
    assert rows["engagement"]["all_runs_agree"] == 1.0
    assert rows["discovery"]["pair_exact"] < 1.0
    retest_rows = ApiCall.objects.filter(purpose=ApiPurpose.RETEST)
    assert retest_rows.count() == 2 and not retest_rows.filter(run__isnull=False).exists()


def test_repeat_needs_two_runs_and_analysed_calls(kb, offline, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="N ≥ 2"):
        _retest(tmp_path, "1")
    with pytest.raises(CommandError, match="no analysed calls"):
        _retest(tmp_path, "2")


def test_every_evaluation_summary_counts_na_disagreements_both_ways(db, tmp_path):
    out = io.StringIO()
    call_command("evaluate_scorer", "--manager-reviews", "--out", str(tmp_path / "e.json"), stdout=out)
    assert (
        "N/A disagreements: scored where the reference says N/A 0, N/A where the reference scored 0" in out.getvalue()
    )
