"""The cost dashboard's figures equal sums computed here from hand-made ledger rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from analysis import reports
from gong.models import Affiliation
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory
from tests.ops.conftest import ledger_row, run_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def window():
    day0 = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=10)
    return day0, day0 + dt.timedelta(days=7)


@pytest.fixture
def ledger(window):
    """Three calls (A: two teams, B: one team, C: nobody known), an on-demand request, rows outside the window."""
    day0, end = window
    m1, m2 = GongUserFactory(first_name="Mia", last_name="One"), GongUserFactory(first_name="Max", last_name="Two")
    call_a, call_b, call_c, call_d = CallFactory(), CallFactory(), CallFactory(), CallFactory()
    CallParticipantFactory(call=call_a, user=GongUserFactory(manager=m1))
    CallParticipantFactory(call=call_a, user=GongUserFactory(manager=m2))
    CallParticipantFactory(call=call_a, external=True)
    CallParticipantFactory(call=call_b, user=GongUserFactory(manager=m1))
    run_a = run_row(call=call_a, finished_at=day0 + dt.timedelta(hours=3), transcript_tokens=3000)
    run_b = run_row(call=call_b, finished_at=day0 + dt.timedelta(days=2, hours=2), transcript_tokens=1000)
    run_row(call=call_d, analyzer="offline", finished_at=day0 + dt.timedelta(days=4), transcript_tokens=500)
    h = dt.timedelta(hours=1)
    rows = [
        ledger_row(at=day0 + h, cost="0.120000", call_id=call_a.pk, run=run_a,
                   input_tokens=1000, cache_write_tokens=2000, output_tokens=500),
        ledger_row(at=day0 + dt.timedelta(days=1) + h, cost="0.030000", call_id=call_a.pk, run=run_a,
                   purpose="chunk_merge", input_tokens=100, cache_read_tokens=2000, output_tokens=200),
        ledger_row(at=day0 + dt.timedelta(days=2), cost="0.050000", call_id=call_b.pk, run=run_b, mode="batch",
                   model="claude-haiku-4-5", input_tokens=800, cache_read_tokens=1000, output_tokens=300),
        ledger_row(at=day0 + dt.timedelta(days=2) + h, cost="0", call_id=call_b.pk, run=run_b, status="error"),
        ledger_row(at=day0 + dt.timedelta(days=3), cost=None, purpose="mcp", model="mystery-model",
                   input_tokens=50, output_tokens=10),
        ledger_row(at=day0 + dt.timedelta(days=3), cost="0.005000", call_id=call_c.pk, input_tokens=10),
    ]  # fmt: skip
    ledger_row(at=day0 - h, cost="9.990000", call_id=call_a.pk)  # before the window
    ledger_row(at=end, cost="5.000000", call_id=call_a.pk)  # the end is exclusive
    return {"rows": rows, "calls": (call_a, call_b, call_c), "managers": (m1, m2)}


def _sum(rows, field="cost_usd"):
    return sum((getattr(row, field) or 0 for row in rows), Decimal("0") if field == "cost_usd" else 0)


def test_summary_totals_equal_the_sums_of_the_window_rows(window, ledger):
    rows = ledger["rows"]
    summary = reports.cost_summary_report(start=window[0], end=window[1])
    assert summary.cost_usd == _sum(rows) == Decimal("0.205")
    assert summary.requests == len(rows)
    assert summary.failed_requests == 1
    assert summary.unknown_cost_requests == 1
    assert summary.tokens == reports.Tokens(
        input=_sum(rows, "input_tokens"),
        cache_write=_sum(rows, "cache_write_tokens"),
        cache_read=_sum(rows, "cache_read_tokens"),
        output=_sum(rows, "output_tokens"),
    )


def test_prompt_cache_hit_rate_is_the_cache_read_share_of_prompt_tokens(window, ledger):
    rows = ledger["rows"]
    summary = reports.cost_summary_report(start=window[0], end=window[1])
    prompt = _sum(rows, "input_tokens") + _sum(rows, "cache_write_tokens") + _sum(rows, "cache_read_tokens")
    assert summary.tokens.prompt_cache_hit_rate == pytest.approx(3000 / prompt)


def test_cost_per_analysed_call_counts_claude_and_offline_analyses(window, ledger):
    summary = reports.cost_summary_report(start=window[0], end=window[1])
    assert (summary.analysed_calls, summary.claude_runs, summary.offline_runs) == (3, 2, 1)
    assert summary.cost_per_analysed_call == Decimal("0.068333")  # 0.205 / 3
    assert summary.transcript_tokens == 4000  # runs the window's requests were made for
    assert summary.cost_per_1k_transcript_tokens == Decimal("0.05125")


def test_batch_share_and_saving_against_the_realtime_list_price(window, ledger):
    summary = reports.cost_summary_report(start=window[0], end=window[1])
    assert summary.batch_cost_usd == Decimal("0.05")
    assert summary.realtime_cost_usd == Decimal("0.155")
    assert summary.batch_saved_usd == Decimal("0.05")  # batch is half price: realtime would have cost 0.10
    assert summary.batch_share == pytest.approx(0.05 / 0.205)


def test_daily_series_has_every_day_of_the_window_with_its_cost(window, ledger):
    series = reports.cost_series_report(start=window[0], end=window[1], bucket="day")
    assert [bucket.start for bucket in series] == [(window[0] + dt.timedelta(days=n)).date() for n in range(7)]
    assert [bucket.cost_usd for bucket in series] == [
        Decimal(v) for v in ("0.12", "0.03", "0.05", "0.005", "0", "0", "0")
    ]
    assert sum(bucket.requests for bucket in series) == 6


def test_weekly_and_monthly_series_add_up_to_the_window_total(window, ledger):
    for bucket in ("week", "month"):
        series = reports.cost_series_report(start=window[0], end=window[1], bucket=bucket)
        assert sum(b.cost_usd for b in series) == Decimal("0.205")


def test_cost_by_model_purpose_and_mode(window, ledger):
    dims = ("model", "purpose", "mode")
    by = {dim: reports.cost_by_report(start=window[0], end=window[1], dimension=dim) for dim in dims}
    assert {s.key: s.cost_usd for s in by["model"]} == {
        "claude-sonnet-4-5": Decimal("0.155"),
        "claude-haiku-4-5": Decimal("0.05"),
        "mystery-model": Decimal("0"),
    }
    assert next(s for s in by["model"] if s.key == "mystery-model").unknown_cost_requests == 1
    assert {s.key: s.cost_usd for s in by["purpose"]} == {
        "call_analysis": Decimal("0.175"),
        "chunk_merge": Decimal("0.03"),
        "mcp": Decimal("0"),
    }
    assert {s.label for s in by["purpose"]} >= {"Call analysis", "Chunk merge", "On-demand (MCP)"}
    assert {s.key: s.cost_usd for s in by["mode"]} == {"realtime": Decimal("0.155"), "batch": Decimal("0.05")}


def test_cost_by_team_splits_shared_calls_and_adds_up_to_the_total(window, ledger):
    m1, m2 = ledger["managers"]
    teams = {s.key: s for s in reports.cost_by_team_report(start=window[0], end=window[1])}
    assert teams[m1.pk].cost_usd == Decimal("0.125")  # half of call A (0.15) + call B (0.05)
    assert teams[m2.pk].cost_usd == Decimal("0.075")
    assert teams["unassigned"].cost_usd == Decimal("0.005")
    assert teams["no-call"].requests == 1
    assert teams[m1.pk].label == "Team Mia One"
    assert sum(s.cost_usd for s in teams.values()) == Decimal("0.205")


def test_team_split_of_an_odd_amount_loses_no_micro_dollar(window):
    call = CallFactory()
    for _ in range(3):
        CallParticipantFactory(call=call, user=GongUserFactory(manager=GongUserFactory()))
    ledger_row(at=window[0], cost="0.100001", call_id=call.pk)
    teams = reports.cost_by_team_report(start=window[0], end=window[1])
    assert len(teams) == 3
    assert sum(s.cost_usd for s in teams) == Decimal("0.100001")


def test_team_of_an_internal_user_without_manager_is_no_manager(window):
    call = CallFactory()
    CallParticipantFactory(call=call, user=GongUserFactory(manager=None), affiliation=Affiliation.INTERNAL)
    ledger_row(at=window[0], cost="0.010000", call_id=call.pk)
    assert [(s.key, s.label) for s in reports.cost_by_team_report(start=window[0], end=window[1])] == [
        ("no-manager", "No manager")
    ]


def test_most_expensive_calls_come_first_and_skip_on_demand_requests(window, ledger):
    call_a, call_b, _call_c = ledger["calls"]
    top = reports.expensive_calls_report(start=window[0], end=window[1], limit=2)
    assert [(c.call_id, c.cost_usd, c.requests) for c in top] == [
        (call_a.pk, Decimal("0.15"), 2),
        (call_b.pk, Decimal("0.05"), 2),
    ]
    assert top[0].title == call_a.title


def test_month_projection_extrapolates_spend_to_month_end(settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 50.0
    tz = timezone.get_current_timezone()
    now = dt.datetime(2026, 11, 11, tzinfo=tz)  # 10 days into a 30-day month
    ledger_row(at=dt.datetime(2026, 11, 2, 9, tzinfo=tz), cost="7.500000")
    ledger_row(at=dt.datetime(2026, 11, 9, 9, tzinfo=tz), cost="2.500000")
    ledger_row(at=dt.datetime(2026, 10, 31, 23, tzinfo=tz), cost="100.000000")  # last month
    ledger_row(at=dt.datetime(2026, 11, 20, tzinfo=tz), cost="100.000000")  # after `now`
    projection = reports.month_projection_report(now=now)
    assert projection.month == "2026-11"
    assert projection.spent_usd == Decimal("10")
    assert projection.projected_usd == Decimal("30")
    assert projection.budget_usd == Decimal("50")
    assert projection.projected_ratio == pytest.approx(0.6)


def test_month_projection_without_budget_has_no_ratio(settings):
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    projection = reports.month_projection_report()
    assert projection.budget_usd is None
    assert projection.projected_ratio is None


def test_result_cache_hit_rate_counts_hits_against_computed_analyses(window, ledger):
    call_a = ledger["calls"][0]
    for hour in (4, 5):
        ledger_row(at=window[0] + dt.timedelta(hours=hour), cost="0", call_id=call_a.pk, purpose="cache_hit")
    cache = reports.result_cache_report(start=window[0], end=window[1])
    assert (cache.hits, cache.claude_runs, cache.offline_runs) == (2, 2, 1)
    assert cache.hit_rate == pytest.approx(2 / 5)
    # A hit is not a request: the summary's request count ignores it.
    assert reports.cost_summary_report(start=window[0], end=window[1]).requests == 6


def test_cost_by_prompt_cache_ttl_shows_none_beside_the_ttls(window, admin_client_logged_in):
    day0 = window[0]
    ledger_row(at=day0, cost="0.040000", cache_ttl="none", input_tokens=9000)
    ledger_row(at=day0, cost="0.020000", cache_ttl="1h", cache_write_tokens=8000)
    ledger_row(at=day0, cost="0.010000", cache_ttl="5m", cache_read_tokens=8000)
    ledger_row(at=day0, cost="0.004000", cache_ttl="5m", cache_read_tokens=8000)
    by = reports.cost_by_report(start=window[0], end=window[1], dimension="cache_ttl")
    assert [(s.key, s.cost_usd, s.requests) for s in by] == [
        ("none", Decimal("0.04"), 1), ("1h", Decimal("0.02"), 1), ("5m", Decimal("0.014"), 2)
    ]  # fmt: skip
    assert by[0].label == "no cache write (calls too rare)" and by[0].tokens.input == 9000
    start, end = window[0].date(), (window[1] - dt.timedelta(days=1)).date()
    body = admin_client_logged_in.get(f"/admin/ops/costs/?start={start}&end={end}").content.decode()
    section = body.split('id="ops-by-cache-ttl"', 1)[1].split('class="ops-section"', 1)[0]
    assert "By prompt-cache TTL" in section
    for label in ("no cache write (calls too rare)", "1-hour cache", "5-minute cache"):
        assert label in section


def test_rubric_previews_and_retests_are_spend_but_not_cost_per_analysed_call(window, ledger):
    """A rubric draft preview (or an evaluate_scorer re-test) re-scores stored calls by Claude and stores nothing:
    it is spend (the total, the month, the budget count it) but no analysis, so the per-call and per-1K figures
    leave it out — they said an analysed call cost what it cost plus every preview run that window."""
    day0, _ = window
    call_a = ledger["calls"][0]
    ledger_row(at=day0 + dt.timedelta(days=5), cost="0.300000", call_id=call_a.pk, purpose="rubric_preview")
    ledger_row(at=day0 + dt.timedelta(days=5), cost="0.100000", call_id=call_a.pk, purpose="retest")
    summary = reports.cost_summary_report(start=window[0], end=window[1])
    assert summary.cost_usd == Decimal("0.605")  # spend is spend
    assert summary.not_analysis_cost_usd == Decimal("0.4")
    assert summary.cost_per_analysed_call == Decimal("0.068333")  # 0.205 / 3, as without the previews
    assert summary.cost_per_1k_transcript_tokens == Decimal("0.05125")
