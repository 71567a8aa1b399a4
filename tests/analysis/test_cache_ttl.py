"""The prompt-cache TTL follows the measured call rate, and the ledger records the TTL each request asked for."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from analysis.models import ApiCall, ApiCallStatus, ApiPurpose, RunMode
from analysis.pricing import TokenUsage, cost_usd
from analysis.services import analysis_for_call, batch_poll, batch_submit
from analysis.services.cache_ttl import expected_reads, prompt_cache_ttl, read_saving, ttl_for_gaps, write_pays
from tests.factories.analysis import REP_SPEAKER, call_with_reps, long_call

pytestmark = pytest.mark.django_db


def _analyses_started(*, minutes_ago: list[float]) -> None:
    now = timezone.now()
    for number, minutes in enumerate(minutes_ago):
        ApiCall.objects.create(
            created_at=now - dt.timedelta(minutes=minutes),
            call_id=str(900 + number),
            purpose=ApiPurpose.CALL_ANALYSIS,
            model="claude-sonnet-5-5",
            status=ApiCallStatus.OK,
        )


def test_with_no_recent_calls_nothing_is_cached(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    assert prompt_cache_ttl() == "none"  # a write would expire unread
    assert prompt_cache_ttl(requests=3) == "5m"  # unless the analysis reads it itself, chunk after chunk


def test_calls_every_minute_keep_the_five_minute_cache_warm(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[5, 4, 3, 2, 1, 0.5])
    assert prompt_cache_ttl() == "5m"


def test_calls_every_twenty_minutes_get_the_one_hour_cache(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[100, 80, 60, 40, 20])
    assert prompt_cache_ttl() == "1h"


def test_a_quiet_spell_after_a_burst_counts_as_a_low_rate(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[184, 183, 182, 120, 80, 40])  # a burst three hours ago, then every 40 minutes
    assert prompt_cache_ttl() == "1h"


def test_chunks_of_one_call_count_as_one_arrival(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    now = timezone.now()
    for seconds in (0, 5, 10, 15):  # one long call: four chunk requests seconds apart, 30 minutes ago
        ApiCall.objects.create(
            created_at=now - dt.timedelta(minutes=30, seconds=-seconds),
            call_id="777",
            purpose=ApiPurpose.CHUNK_ANALYSIS,
            model="claude-sonnet-5-5",
            status=ApiCallStatus.OK,
        )
    assert prompt_cache_ttl() == "1h"


def test_calls_every_ninety_minutes_are_sent_without_a_cache_write(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[360, 270, 180, 90])
    assert prompt_cache_ttl() == "none"


@pytest.mark.parametrize("forced", ["5m", "1h", "none"])
def test_a_configured_ttl_wins(settings, forced):
    settings.CLAUDE_PROMPT_CACHE_TTL = forced
    _analyses_started(minutes_ago=[3, 2, 1] if forced != "5m" else [])
    assert prompt_cache_ttl() == forced
    assert prompt_cache_ttl(requests=4) == forced  # forced "none" is strict: no cache_control even on chunks


def test_the_rate_rule_boundaries(settings):
    """A write pays when premium < expected reads × read saving; reads = 2^(TTL / median gap) − 1 (random
    arrivals, each read refreshing the entry). With 0.1× reads, a 1-hour write (premium 1×) pays below
    60 / log2(1 + 1/0.9) ≈ 55.66 minutes; the 5-minute cache is chosen below a 5-minute median."""
    settings.CLAUDE_MODEL = "claude-sonnet-4-5"  # reads at 0.1×
    assert read_saving() == Decimal("0.9")
    bound_s = 3600 / math.log2(1 + 1 / 0.9)
    assert 55.6 * 60 < bound_s < 55.7 * 60
    assert write_pays(median_gap_s=bound_s - 1, ttl="1h") and not write_pays(median_gap_s=bound_s + 1, ttl="1h")
    assert expected_reads(median_gap_s=1800, ttl="1h") == 3  # every 30 minutes: 2² − 1
    assert expected_reads(median_gap_s=3600, ttl="1h") == 1  # every hour: one read, 0.9 < 1 — a loss
    assert [ttl_for_gaps([gap]) for gap in (299, 300, bound_s - 1, bound_s + 1, 90 * 60)] == [
        "5m",
        "1h",
        "1h",
        "none",
        "none",
    ]
    assert ttl_for_gaps([60, 60, 7200]) == "5m" and ttl_for_gaps([7200, 7200, 60]) == "none"  # the median counts
    assert ttl_for_gaps([]) == "none"
    settings.CLAUDE_MODEL = "claude-sonnet-5-5"  # reads at 0.05×: a read saves 0.95, the bound moves out
    assert ttl_for_gaps([bound_s + 60]) == "1h" and ttl_for_gaps([58 * 60]) == "none"


def test_the_setting_takes_none_and_refuses_an_unknown_ttl(monkeypatch):
    import importlib

    import config.settings.analysis as module
    from config.env import EnvError

    try:
        monkeypatch.setenv("CLAUDE_PROMPT_CACHE_TTL", " None ")
        assert importlib.reload(module).CLAUDE_PROMPT_CACHE_TTL == "none"
        monkeypatch.setenv("CLAUDE_PROMPT_CACHE_TTL", "2h")
        with pytest.raises(EnvError, match="CLAUDE_PROMPT_CACHE_TTL must be auto, 5m, 1h or none, not '2h'"):
            importlib.reload(module)
    finally:
        monkeypatch.delenv("CLAUDE_PROMPT_CACHE_TTL")
        importlib.reload(module)


def test_with_sparse_history_the_request_carries_no_cache_control_and_the_ledger_says_none(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[300, 200, 100])  # one analysis every 100 minutes
    call = call_with_reps(levels={REP_SPEAKER: 4})
    assert analysis_for_call(call_id=call.pk).status == "succeeded"
    body = fake_claude.requests[-1]
    assert body["system"] and not any("cache_control" in block for block in body["system"])
    row = ApiCall.objects.get(call_id=call.pk, purpose=ApiPurpose.CALL_ANALYSIS)
    assert row.cache_ttl == "none"
    assert (row.cache_write_tokens, row.cache_read_tokens) == (0, 0)  # the prefix billed as plain input
    assert row.input_tokens > sum(len(block["text"]) for block in body["system"]) // 4


def test_a_chunked_analysis_under_the_none_policy_still_caches_its_prefix_for_its_own_chunks(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    settings.ANALYSIS_CHUNK_TOKENS = 3_000
    _analyses_started(minutes_ago=[300, 200, 100])
    assert prompt_cache_ttl() == "none"
    call = long_call(tokens=7_000)
    outcome = analysis_for_call(call_id=call.pk)
    assert outcome.status == "succeeded"
    rows = list(ApiCall.objects.filter(call_id=call.pk, purpose=ApiPurpose.CHUNK_ANALYSIS).order_by("created_at", "id"))
    assert len(rows) >= 2
    assert {row.cache_ttl for row in rows} == {"5m"}
    assert rows[0].cache_write_tokens > 0 and rows[0].cache_read_tokens == 0
    assert all(row.cache_write_tokens == 0 and row.cache_read_tokens == rows[0].cache_write_tokens for row in rows[1:])
    sent = fake_claude.requests[-len(rows) :]
    assert {block["cache_control"]["ttl"] for body in sent for block in body["system"]} == {"5m"}


def test_each_request_asks_for_the_chosen_ttl_and_the_ledger_records_it(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    _analyses_started(minutes_ago=[60, 40, 20])  # a few calls an hour
    call = call_with_reps(levels={REP_SPEAKER: 4})
    assert analysis_for_call(call_id=call.pk).status == "succeeded"
    body = fake_claude.requests[-1]
    assert {block["cache_control"]["ttl"] for block in body["system"]} == {"1h"}
    row = ApiCall.objects.get(call_id=call.pk, purpose=ApiPurpose.CALL_ANALYSIS)
    assert row.cache_ttl == "1h" and row.cache_write_tokens > 0
    # The one-hour write is priced at 2× input, as the fake billed it (ephemeral_1h_input_tokens).
    usage = TokenUsage(row.input_tokens, row.output_tokens, row.cache_write_tokens, 0, row.cache_write_tokens)
    assert row.cost_usd == cost_usd(model=row.model, usage=usage)
    five_minutes = TokenUsage(row.input_tokens, row.output_tokens, row.cache_write_tokens, 0, 0)
    assert row.cost_usd > cost_usd(model=row.model, usage=five_minutes) > Decimal(0)


def test_batch_entries_ask_for_the_one_hour_cache(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"
    call = call_with_reps(levels={REP_SPEAKER: 3})
    submission = batch_submit(call_ids=[call.pk])
    assert batch_poll(batch_id=submission.batch_id).succeeded == 1
    row = ApiCall.objects.get(call_id=call.pk, mode=RunMode.BATCH)
    assert row.cache_ttl == "1h"


def test_two_calls_under_the_same_knowledge_share_the_whole_cached_prefix(kb, fake_claude, settings):
    """The output schema is part of the prompt-cache prefix: it must not name the call's speakers."""
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"
    first = call_with_reps(levels={REP_SPEAKER: 4}, seed=1)
    second = call_with_reps(levels={"5100000000000000077": 2}, seed=2)
    for call in (first, second):
        assert analysis_for_call(call_id=call.pk).status == "succeeded"
    one, two = fake_claude.requests[-2:]
    assert one["output_config"] == two["output_config"] and one["system"] == two["system"]
    rows = ApiCall.objects.filter(call_id=second.pk, purpose=ApiPurpose.CALL_ANALYSIS)
    assert [(row.cache_write_tokens, row.cache_read_tokens > 0) for row in rows] == [(0, True)]


def test_an_answer_for_a_speaker_not_asked_for_is_invalid():
    from analysis.results import answer_check
    from analysis.schemas import LlmAnalysis

    answer = LlmAnalysis.model_construct(speakers=[SimpleNamespace(speaker_id="1"), SimpleNamespace(speaker_id="9")])
    with pytest.raises(ValueError, match="not asked for in the answer: 9"):
        answer_check(answer, speaker_ids=["1"])


def test_under_the_none_policy_a_chunk_repair_turn_reads_the_prefix_its_analysis_wrote(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    settings.ANALYSIS_CHUNK_TOKENS = 3_000
    _analyses_started(minutes_ago=[300, 200, 100])
    call = long_call(tokens=7_000)
    fake_claude.fail_next("invalid")  # chunk 1's answer is invalid: one repair turn
    assert analysis_for_call(call_id=call.pk).status == "succeeded"
    rows = list(ApiCall.objects.filter(call_id=call.pk).exclude(purpose=ApiPurpose.TOKEN_COUNT).order_by("id"))
    assert rows[1].purpose == ApiPurpose.REPAIR and len(rows) >= 3
    assert {row.cache_ttl for row in rows} == {"5m"}
    written = rows[0].cache_write_tokens
    assert written > 0 and all(row.cache_read_tokens == written and not row.cache_write_tokens for row in rows[1:])
