"""The prompt-cache TTL follows the measured call rate, and the ledger records the TTL each request asked for."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from analysis.models import ApiCall, ApiCallStatus, ApiPurpose, RunMode
from analysis.pricing import TokenUsage, cost_usd
from analysis.services import analysis_for_call, batch_poll, batch_submit
from analysis.services.cache_ttl import prompt_cache_ttl
from tests.factories.analysis import REP_SPEAKER, call_with_reps

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


def test_with_no_recent_calls_the_one_hour_cache_is_chosen(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
    assert prompt_cache_ttl() == "1h"


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
    _analyses_started(minutes_ago=[184, 183, 182, 120, 60])  # a burst three hours ago, then one an hour
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


def test_a_configured_ttl_wins(settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"
    assert prompt_cache_ttl() == "5m"


def test_each_request_asks_for_the_chosen_ttl_and_the_ledger_records_it(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "auto"
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


def test_two_calls_under_the_same_knowledge_share_the_whole_cached_prefix(kb, fake_claude):
    """The output schema is part of the prompt-cache prefix: it must not name the call's speakers."""
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
