"""The offline analyzer is deterministic, labelled, quotes real sentences and follows the planted skill levels;
the dry-run estimate prices calls without analysing them."""

from __future__ import annotations

import pytest

from analysis.models import AnalysisRun, ApiCall
from analysis.offline import offline_analyze
from analysis.services import analysis_estimate, analysis_for_call
from analysis.services.context import analysis_input_build
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps

pytestmark = pytest.mark.django_db


def scores(run: AnalysisRun) -> dict[str, dict[str, int | None]]:
    return {s["speaker_id"]: {d["dimension"]: d["score"] for d in s["dimensions"]} for s in run.result["speakers"]}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_offline_scores_follow_the_planted_levels(kb, offline, seed):
    call = call_with_reps(levels={REP_SPEAKER: 5, SE_SPEAKER: 1}, seed=seed)
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert run.analyzer == "offline" and run.model == "offline-keyword-v1" and run.result["analyzer"] == "offline"
    by_speaker = scores(run)
    for dimension, high in by_speaker[REP_SPEAKER].items():
        low = by_speaker[SE_SPEAKER][dimension]
        assert high is not None and low is not None and high > low, dimension


def test_offline_is_deterministic_and_quotes_the_speakers_own_sentences(kb, offline):
    call = call_with_reps(levels={REP_SPEAKER: 2})
    inp = analysis_input_build(call_id=call.pk)
    first, second = offline_analyze(inp=inp), offline_analyze(inp=inp)
    assert first == second
    own = {s[2] for t in call.transcript.turns if t["speaker_id"] == REP_SPEAKER for s in t["sentences"]}
    quotes = [e.quote for s in first.speakers for d in s.dimensions for e in d.evidence]
    assert quotes and set(quotes) <= own
    assert first.speakers[0].product_errors  # the planted wrong facts are flagged
    assert all(e.doc_key for e in first.speakers[0].product_errors)
    assert "not Claude" in first.speakers[0].summary


def test_offline_analysis_costs_nothing(kb, offline):
    analysis_for_call(call_id=call_with_reps().pk)
    assert ApiCall.objects.count() == 0 and AnalysisRun.objects.get().cost_usd == 0


def test_the_estimate_prices_calls_and_counts_cache_hits(kb, fake_claude):
    done, todo, more = call_with_reps(seed=1), call_with_reps(seed=2), call_with_reps(seed=3)
    analysis_for_call(call_id=done.pk)
    requests = len(fake_claude.requests)
    estimate = analysis_estimate(call_ids=[done.pk, todo.pk, more.pk, "999"])
    assert estimate.calls == 3 and estimate.cache_hits == 1 and estimate.skipped == 1
    assert estimate.input_tokens > 0 and estimate.output_tokens == 2 * 700
    assert estimate.cache_write_tokens > 0 and estimate.cache_read_tokens == estimate.cache_write_tokens
    assert 0 < estimate.cost_batch_usd < estimate.cost_realtime_usd
    assert len(fake_claude.requests) == requests and fake_claude.count_requests == 2  # counted, not analysed


def test_an_unknown_model_makes_the_estimate_cost_unknown(kb, fake_claude, settings):
    settings.CLAUDE_MODEL = "claude-imaginary-9"
    estimate = analysis_estimate(call_ids=[call_with_reps().pk])
    assert estimate.cost_realtime_usd is None and estimate.cost_batch_usd is None


def test_an_unknown_model_records_cost_as_unknown_in_the_ledger(kb, fake_claude, settings):
    settings.CLAUDE_MODEL = "claude-imaginary-9"
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call_with_reps().pk).run_id)
    row = ApiCall.objects.get(run_id=run.pk)
    assert row.cost_usd is None and row.price_source.startswith("unknown model") and run.cost_usd is None
