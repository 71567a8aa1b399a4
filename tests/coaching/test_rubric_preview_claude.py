"""The rubric draft preview with Claude: ops choose recent calls, see the estimate before anything is spent, run it
through the real client (against the fake Messages API), and see how each call's scores would move on every
dimension and the actual cost from the ledger — whose rows are marked as a rubric preview. No score changes."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_q.models import Task

from analysis.models import AnalysisRun, ApiCall, ApiPurpose
from analysis.selectors import cost_summary
from coaching.models import DimensionScore, RubricPreview
from core.display import money_display
from knowledgebase.models import Rubric
from knowledgebase.services import rubric_version_create_draft
from tests.factories.coaching import coached_call
from tests.factories.gong import GongUserFactory
from tests.factories.knowledgebase import staff_user

pytestmark = pytest.mark.django_db

REWORDED = "Gets the customer to put the pain in their own numbers."


def ops_client(client, django_user_model):
    client.force_login(staff_user(django_user_model, username="ops", group="coaching ops", edit_kb=True))
    return client


@pytest.fixture
def ops(client, django_user_model):
    return ops_client(client, django_user_model)


@pytest.fixture
def world():
    return preview_world()


def preview_world():
    """The shipped rubrics, two analysed calls by Rita (stored scores 3 on every dimension) and a discovery draft
    whose first criterion is reworded."""
    call_command("seed_knowledgebase", verbosity=0)
    rep = GongUserFactory(first_name="Rita", last_name="Rep")
    scores = [coached_call(rep=rep, account=f"Account {n}")[2] for n in range(2)]
    active = Rubric.objects.get(key="discovery").active_version
    criteria = [dict(item) for item in active.content["criteria"]]
    criteria[0]["description"] = REWORDED
    draft = rubric_version_create_draft(rubric_id=active.rubric_id, content={**active.content, "criteria": criteria})
    ids = [row.pk for rows in scores for row in rows if row.dimension == "discovery"]
    return draft, ids


def _url(draft) -> str:
    return reverse("admin:knowledgebase_rubricversion_rescore", args=[draft.pk])


def test_ops_preview_a_draft_with_claude_estimate_first_then_cost_from_the_ledger(ops, world, fake_claude):
    draft, ids = world
    fake_claude.score_fn = lambda speaker_id, dimension, lines: 5 if dimension == "discovery" else 3
    stored = list(DimensionScore.objects.order_by("pk").values_list("pk", "score", "manager_score"))
    runs = AnalysisRun.objects.count()
    page = ops.get(_url(draft)).content.decode()
    assert "Estimate the Claude cost" in page and page.count('name="score"') == 2

    estimate = ops.get(_url(draft), {"claude": "estimate", "score": ids}).content.decode()
    assert "Before Claude re-scores 2 calls" in estimate
    assert re.search(r"Estimated cost: <strong>\$0\.\d{2,4}</strong>\s+for 2 calls", estimate)
    assert "Re-score with Claude (about $" in estimate
    assert not ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW).exists()  # nothing spent yet
    assert not fake_claude.usage_log  # the token counter is free; no message was sent

    response = ops.post(_url(draft), {"score": ids})  # the queue runs the task at once in tests (sync)
    preview = RubricPreview.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?claude=result&preview={preview.pk}")
    assert (preview.status, preview.done, preview.total) == ("done", 2, 2)
    task = Task.objects.get(name=f"rubric_preview:{preview.pk}")  # through django-q, its summary kept there
    assert task.success and task.result.endswith("2 of 2 calls re-scored by Claude, 0 failed")
    rows = ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW)
    assert rows.count() == len(fake_claude.usage_log) == 2  # one request per call, each in the ledger
    assert all(row.run_id is None and row.status == "ok" and row.cost_usd > 0 for row in rows)
    assert REWORDED in "".join(block["text"] for block in fake_claude.requests[-1]["system"])  # the draft
    cost = sum(row.cost_usd for row in rows)

    result = ops.get(response["Location"]).content.decode()
    assert "Done: 2 of 2 calls re-scored" in result and 'http-equiv="refresh"' not in result
    assert 'id="claude-moved">2 scores would move.' in result  # discovery 3 → 5 on both calls
    assert result.count("▲ +2") == 2 and result.count("Rita Rep") == 2
    assert f"Cost: <strong>{money_display(cost)}</strong> in 2 requests, from the cost ledger" in result
    assert ops.get(response["Location"]).status_code == 200 and rows.count() == 2  # a reload spends nothing

    assert list(DimensionScore.objects.order_by("pk").values_list("pk", "score", "manager_score")) == stored
    assert AnalysisRun.objects.count() == runs  # the result cache was neither read nor written
    first = rows.order_by("created_at").first().created_at
    summary = cost_summary(start=first, end=first.replace(year=first.year + 1))
    assert summary.by_purpose[ApiPurpose.RUBRIC_PREVIEW]["cost_usd"] == cost  # reports show it apart


def test_without_a_key_the_claude_preview_is_shown_disabled_with_the_reason(ops, world, settings):
    draft, ids = world
    settings.ANTHROPIC_API_KEY = ""
    page = ops.get(_url(draft)).content.decode()
    assert "Claude is not set up on this server (no ANTHROPIC_API_KEY)" in page
    assert '<button type="button" class="cc-btn" disabled>Estimate the Claude cost</button>' in page
    response = ops.post(_url(draft), {"score": ids}, follow=True)
    assert "Not run: Claude is not set up on this server" in response.content.decode()
    assert not ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW).exists()


def test_the_monthly_budget_stops_a_preview_it_cannot_afford(ops, world, fake_claude, settings):
    draft, ids = world
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.2401  # the two stored analyses cost $0.24: $0.0001 left
    page = ops.get(_url(draft), {"claude": "estimate", "score": ids}).content.decode()
    assert "The estimate ($0.0" in page and "is more than what is left of this month" in page
    assert "Claude budget ($0.0001)." in page
    assert "This month's Claude spend: $0.24 of a $0.2401 budget"  # under $1: up to 4 decimals in page
    ops.post(_url(draft), {"score": ids})
    assert not ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW).exists() and not fake_claude.usage_log
    assert not RubricPreview.objects.exists()
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.24
    page = ops.get(_url(draft), {"claude": "estimate", "score": ids}).content.decode()
    assert "Claude budget is used up: $0.24 of $0.24." in page
    assert Decimal("0.24") == sum(ApiCall.objects.values_list("cost_usd", flat=True))


def test_only_recent_scores_on_the_draft_dimension_can_be_chosen(ops, world, fake_claude):
    draft, _ids = world
    other = DimensionScore.objects.exclude(dimension="discovery").values_list("pk", flat=True)[:1]
    page = ops.get(_url(draft), {"claude": "estimate", "score": list(other)}).content.decode()
    assert "Choose at least one call." in page
    assert not fake_claude.usage_log


def test_a_claude_failure_is_shown_per_call_and_its_requests_stay_in_the_ledger(ops, world, fake_claude):
    draft, ids = world
    fake_claude.fail_next("500", "500")  # the first call's request and its one SDK retry
    response = ops.post(_url(draft), {"score": ids})
    result = ops.get(response["Location"]).content.decode()
    assert result.count("Not re-scored: Claude request failed after 2 attempt(s)") == 1
    assert result.count("With the draft") == 1  # the other call was re-scored
    rows = ApiCall.objects.filter(purpose=ApiPurpose.RUBRIC_PREVIEW)
    assert sorted(rows.values_list("status", flat=True)) == ["error", "ok"]
    assert "in 2 requests, from the cost ledger" in result and "; 1 failed" in result
