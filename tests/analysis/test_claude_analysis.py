"""The Claude path end to end through the fake Messages API (real SDK, real HTTP, real PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from analysis.models import AnalysisRun, ApiCall, ApiCallStatus, ApiPurpose, RunStatus
from analysis.services import analysis_for_call
from tests.factories.analysis import BUYER_SPEAKER, REP_SPEAKER, SE_SPEAKER, call_with_reps, long_call
from tests.fakes.anthropic_server import FABRICATED

pytestmark = pytest.mark.django_db


def ledger_totals() -> dict:
    rows = ApiCall.objects.filter(status=ApiCallStatus.OK)
    return {
        "input_tokens": sum(r.input_tokens for r in rows),
        "output_tokens": sum(r.output_tokens for r in rows),
        "cache_creation_input_tokens": sum(r.cache_write_tokens for r in rows),
        "cache_read_input_tokens": sum(r.cache_read_tokens for r in rows),
    }


def test_an_unchunked_call_is_one_request_scoring_every_rep_on_four_dimensions(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"  # auto sends the first call after a quiet spell uncached (test_cache_ttl)
    call = call_with_reps(levels={REP_SPEAKER: 4, SE_SPEAKER: 2})
    outcome = analysis_for_call(call_id=call.pk)
    assert outcome.status == "succeeded" and not outcome.cache_hit
    assert len(fake_claude.requests) == 1
    body = fake_claude.requests[0]
    assert body["model"] == "claude-sonnet-5-5" and "temperature" not in body and "thinking" not in body
    assert body["output_config"]["effort"] == "low" and body["output_config"]["format"]["type"] == "json_schema"
    assert all(block["cache_control"]["type"] == "ephemeral" for block in body["system"])
    content = body["messages"][0]["content"]
    assert "\n[00:00] A: " in content and "\nB = Pat Buyer (Customer, VP Sales)\n" in content  # legend once, tags
    run = AnalysisRun.objects.get(pk=outcome.run_id)
    assert run.status == RunStatus.SUCCEEDED and run.analyzer == "claude" and run.chunk_count == 1
    speakers = {s["speaker_id"]: s for s in run.result["speakers"]}
    assert set(speakers) == {REP_SPEAKER, SE_SPEAKER}
    assert [d["dimension"] for d in speakers[REP_SPEAKER]["dimensions"]] == [
        "product_knowledge", "discovery", "objection_handling", "engagement",
    ]  # fmt: skip
    assert speakers[REP_SPEAKER]["interaction_stats"]["talk_ratio"] > 0
    assert ApiCall.objects.get(run_id=run.pk).purpose == ApiPurpose.CALL_ANALYSIS


def test_evidence_speaker_and_time_come_from_the_transcript(kb, fake_claude):
    call = call_with_reps()
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    turns = call.transcript.turns
    evidence = [e for s in run.result["speakers"] for d in s["dimensions"] for e in d["evidence"]]
    assert evidence
    for item in evidence:
        turn = turns[item["turn_index"]]
        assert turn["speaker_id"] == item["speaker_id"] == REP_SPEAKER
        assert item["start_ms"] in [s[0] for s in turn["sentences"]]


def test_a_fabricated_quote_is_dropped_and_counted(kb, fake_claude):
    fake_claude.fabricate = True
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call_with_reps().pk).run_id)
    quotes = [e["quote"] for s in run.result["speakers"] for d in s["dimensions"] for e in d["evidence"]]
    assert FABRICATED not in quotes
    assert run.quotes_dropped == 1 and run.result["quotes_dropped"] == 1 and run.quotes_verified > 0


def test_a_quote_attributed_to_the_wrong_speaker_is_dropped(kb, fake_claude):
    fake_claude.wrong_speaker = True
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call_with_reps().pk).run_id)
    evidence = [e for s in run.result["speakers"] for d in s["dimensions"] for e in d["evidence"]]
    assert all(e["speaker_id"] == REP_SPEAKER for e in evidence)
    assert run.quotes_dropped == 1
    customer_turns = [t["text"] for t in run.call.transcript.turns if t["speaker_id"] == BUYER_SPEAKER]
    assert not any(e["quote"] in text for e in evidence for text in customer_turns)


def test_a_cache_hit_costs_zero_tokens(kb, fake_claude):
    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    ledger_rows = ApiCall.objects.count()
    second = analysis_for_call(call_id=call.pk)
    assert second.cache_hit and second.run_id == first.run_id
    assert len(fake_claude.requests) == 1
    # The hit is logged in the ledger as a $0, zero-token marker (so hit rates come from the ledger), not a request.
    marker = ApiCall.objects.exclude(purpose=ApiPurpose.CALL_ANALYSIS).get()
    assert ApiCall.objects.count() == ledger_rows + 1
    assert (marker.purpose, marker.run_id, marker.cost_usd, marker.input_tokens) == ("cache_hit", first.run_id, 0, 0)


def test_force_reanalyses_and_keeps_the_old_run_as_history(kb, fake_claude):
    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    again = analysis_for_call(call_id=call.pk, force=True)
    assert again.status == "succeeded" and again.run_id != first.run_id
    assert AnalysisRun.objects.filter(call=call, status=RunStatus.SUCCEEDED).count() == 2
    assert len(fake_claude.requests) == 2


def test_a_rubric_change_makes_a_new_run(kb, fake_claude):
    from knowledgebase.selectors import rubric_list
    from knowledgebase.services import rubric_version_create_draft, rubric_version_publish

    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    rubric = next(r for r in rubric_list() if r.dimension == "engagement")
    content = json.loads(json.dumps(rubric.active_version.content))
    content["na_rule"] += " Also N/A for calls under two minutes."
    rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=content).pk)
    second = analysis_for_call(call_id=call.pk)
    assert second.run_id != first.run_id and not second.cache_hit
    assert len(fake_claude.requests) == 2
    assert AnalysisRun.objects.get(pk=first.run_id).status == RunStatus.SUCCEEDED  # history stays


def test_the_rubric_and_docs_prefix_is_read_from_the_prompt_cache_on_the_next_call(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"  # auto sends the first call after a quiet spell uncached (test_cache_ttl)
    analysis_for_call(call_id=call_with_reps(seed=1).pk)
    analysis_for_call(call_id=call_with_reps(seed=2).pk)
    first, second = ApiCall.objects.order_by("id")
    assert first.cache_write_tokens > 0 and first.cache_read_tokens == 0
    assert second.cache_read_tokens == first.cache_write_tokens and second.cache_write_tokens == 0
    assert second.cost_usd < first.cost_usd


def test_a_long_call_is_chunked_and_merged(kb, fake_claude, settings):
    settings.ANALYSIS_CHUNK_TOKENS = 4000
    call = long_call(tokens=10_000)
    outcome = analysis_for_call(call_id=call.pk)
    run = AnalysisRun.objects.get(pk=outcome.run_id)
    assert outcome.status == "succeeded" and run.chunk_count == len(fake_claude.requests) >= 3
    purposes = sorted(ApiCall.objects.values_list("purpose", flat=True))
    assert purposes == [ApiPurpose.CHUNK_ANALYSIS] * run.chunk_count + [ApiPurpose.TOKEN_COUNT]
    assert fake_claude.count_requests == 1  # near the chunk limit the count endpoint calibrates the estimate
    parts = [r["messages"][0]["content"] for r in fake_claude.requests]
    assert all(f"of {run.chunk_count} of the call" in p for p in parts)
    transcripts = [p.split("Transcript:\n", 1)[1].splitlines() for p in parts]
    assert all(len("\n".join(t)) / 4 <= 4000 for t in transcripts)
    assert set(transcripts[0]) & set(transcripts[1])  # overlapping whole lines
    for dimension in run.result["speakers"][0]["dimensions"]:
        evidence = [(e["turn_index"], e["quote"]) for e in dimension["evidence"]]
        assert len(evidence) == len(set(evidence))  # the overlap's lines were seen twice, kept once


def test_ledger_sums_equal_the_fake_servers_usage_log(kb, fake_claude, settings):
    settings.ANALYSIS_CHUNK_TOKENS = 4000
    analysis_for_call(call_id=call_with_reps(seed=3).pk)
    analysis_for_call(call_id=long_call(tokens=9000).pk)
    fake_claude.fail_next("invalid")
    analysis_for_call(call_id=call_with_reps(seed=4).pk)
    assert ledger_totals() == fake_claude.totals()
    assert ApiCall.objects.filter(
        status=ApiCallStatus.OK, purpose__in=["call_analysis", "chunk_analysis", "repair"]
    ).count() == len(fake_claude.usage_log)


def test_a_request_whose_worker_dies_stays_in_the_ledger_and_is_marked_lost(kb, fake_claude, monkeypatch):
    import datetime as dt

    from django.utils import timezone

    from analysis.models import ApiCallStatus
    from analysis.services import claude_run
    from analysis.services.runs import runs_sweep_stale

    def killed(*, request):  # the process dies while the request is in flight
        raise SystemExit("worker killed")

    monkeypatch.setattr(claude_run, "message_create", killed)
    call = call_with_reps()
    with pytest.raises(SystemExit):
        analysis_for_call(call_id=call.pk)
    row = ApiCall.objects.get(call_id=call.pk)
    assert row.status == ApiCallStatus.PENDING and row.cost_usd is None
    ApiCall.objects.filter(pk=row.pk).update(created_at=timezone.now() - dt.timedelta(hours=12))
    runs_sweep_stale()
    lost = ApiCall.objects.get(pk=row.pk)
    assert lost.status == ApiCallStatus.LOST and lost.cost_usd is None and "lost" in lost.error_type
