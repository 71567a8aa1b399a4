"""The cost dashboard against the fake Messages API's own usage log: real SDK, real HTTP, real ledger rows.

Scripted sequence: analyse two calls, repeat one (result-cache hit), change a rubric, analyse it again (a new
run), repeat (hit). The dashboard's tokens and cost must equal what the fake server billed, priced with the
price table; the cache rates must follow the sequence.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from analysis import reports
from analysis.pricing import TokenUsage, cost_usd
from analysis.services import analysis_for_call
from core.display import money_display
from tests.factories.analysis import call_with_reps

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.ops.urls")]


def _rubric_change() -> None:
    from knowledgebase.selectors import rubric_list
    from knowledgebase.services import rubric_version_create_draft, rubric_version_publish

    rubric = next(r for r in rubric_list() if r.dimension == "engagement")
    content = json.loads(json.dumps(rubric.active_version.content))
    content["na_rule"] += " Also N/A for calls under two minutes."
    rubric_version_publish(version_id=rubric_version_create_draft(rubric_id=rubric.pk, content=content).pk)


@pytest.fixture
def scripted(kb, fake_claude, settings):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"  # auto sends the first call after a quiet spell uncached (test_cache_ttl)
    one, two = call_with_reps(seed=1), call_with_reps(seed=2)
    outcomes = [analysis_for_call(call_id=one.pk), analysis_for_call(call_id=two.pk)]
    outcomes.append(analysis_for_call(call_id=one.pk))  # same transcript, knowledge, prompt, model: a hit
    _rubric_change()
    outcomes.append(analysis_for_call(call_id=one.pk))  # new knowledge hash: a new, paid run
    outcomes.append(analysis_for_call(call_id=one.pk))  # and a hit again
    assert [o.cache_hit for o in outcomes] == [False, False, True, False, True]
    now = timezone.now()
    return {"server": fake_claude, "start": now - dt.timedelta(hours=1), "end": now + dt.timedelta(minutes=1)}


def _billed(entry: dict) -> Decimal:
    usage = TokenUsage(
        input_tokens=entry["input_tokens"],
        output_tokens=entry["output_tokens"],
        cache_write_tokens=entry["cache_creation_input_tokens"],
        cache_read_tokens=entry["cache_read_input_tokens"],
        cache_write_1h_tokens=entry["cache_creation_1h_input_tokens"],  # 1-hour writes cost 2× (5-minute 1.25×)
    )
    return cost_usd(model=entry["model"], usage=usage, batch=entry["mode"] == "batch")


def test_dashboard_tokens_and_cost_equal_what_the_fake_api_billed(scripted):
    log = scripted["server"].usage_log
    summary = reports.cost_summary_report(start=scripted["start"], end=scripted["end"])
    assert len(log) == 3  # three paid analyses, two hits at zero tokens
    assert summary.requests == len(log)
    assert summary.tokens == reports.Tokens(
        input=sum(e["input_tokens"] for e in log),
        cache_write=sum(e["cache_creation_input_tokens"] for e in log),
        cache_read=sum(e["cache_read_input_tokens"] for e in log),
        output=sum(e["output_tokens"] for e in log),
    )
    assert summary.cost_usd == sum(_billed(e) for e in log) > 0
    cache_read = sum(e["cache_read_input_tokens"] for e in log)
    assert summary.tokens.prompt_cache_hit_rate == pytest.approx(cache_read / summary.tokens.prompt)
    assert cache_read > 0  # the second call read the rubric/KB prefix from the prompt cache


def test_cost_page_shows_the_fake_api_total(scripted, admin_client_logged_in):
    total = sum(_billed(e) for e in scripted["server"].usage_log)
    day = timezone.localdate()
    body = admin_client_logged_in.get(f"/admin/ops/costs/?start={day}&end={day}").content.decode()
    assert f'id="ops-cost-total">{money_display(total)}<' in body  # under $1: up to 4 decimals


def test_result_cache_hit_rate_follows_the_scripted_sequence(scripted):
    cache = reports.result_cache_report(start=scripted["start"], end=scripted["end"])
    assert (cache.hits, cache.claude_runs) == (2, 3)
    assert cache.hit_rate == pytest.approx(2 / 5)


def _captured_logs(caplog, settings, level: int) -> tuple[str, list[str], str]:
    key = "fake-anthropic-test-secret-key-0123456789"
    settings.ANTHROPIC_API_KEY = key
    call = call_with_reps(seed=3)
    sentences = [s[2] for turn in call.transcript.turns for s in turn["sentences"] if len(s[2]) > 25]
    with caplog.at_level(level):
        analysis_for_call(call_id=call.pk)
        analysis_for_call(call_id=call.pk)
    assert caplog.records, "the analysis logged nothing at all: the test would prove nothing"
    text = "\n".join(f"{record.getMessage()} {record.msg!r} {record.args!r}" for record in caplog.records)
    return text, sentences, key


def test_no_secret_or_transcript_text_reaches_the_logs_at_info(kb, fake_claude, caplog, settings):
    text, sentences, key = _captured_logs(caplog, settings, logging.INFO)
    assert key not in text
    assert not [s for s in sentences if s in text]


def test_no_transcript_text_reaches_the_logs_even_at_debug(kb, fake_claude, caplog, settings):
    text, sentences, key = _captured_logs(caplog, settings, logging.DEBUG)
    assert key not in text
    assert not [s for s in sentences if s in text]


def test_batch_analyses_are_paid_runs_not_result_cache_hits(kb, fake_claude):
    from coaching.services.pipeline import calls_coach_batch, calls_coach_batch_ingest
    from gong.models import Call, CallStatus

    calls = [call_with_reps(seed=11), call_with_reps(seed=12)]
    calls_coach_batch(call_ids=[c.pk for c in calls])
    calls_coach_batch_ingest()
    assert set(Call.objects.filter(pk__in=[c.pk for c in calls]).values_list("status", flat=True)) == {
        CallStatus.ANALYZED
    }
    now = timezone.now()
    cache = reports.result_cache_report(start=now - dt.timedelta(hours=1), end=now + dt.timedelta(minutes=1))
    assert (cache.hits, cache.claude_runs) == (0, 2)


def test_an_analysis_asked_for_over_mcp_is_labelled_mcp_in_the_ledger(kb, fake_claude):
    from analysis.models import ApiCall
    from coaching.services.pipeline import call_coach

    call = call_with_reps(seed=13)
    assert call_coach(call_id=call.pk, worker="mcp", purpose="mcp").status == "analyzed"
    assert list(ApiCall.objects.filter(call_id=call.pk).values_list("purpose", flat=True)) == ["mcp"]
