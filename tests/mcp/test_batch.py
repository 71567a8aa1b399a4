"""batch_analyze_calls: counts and cost first, then a job handle whose progress reaches `done` — offline, and
through Claude's Message Batches API (a fake Anthropic server over real HTTP)."""

from __future__ import annotations

import time

from coaching.models import CoachingSession
from gong.models import Call
from tests.mcp.conftest import call_as, call_not_found, committed


def _until_done(user, handle: str, *, timeout_s: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout_s
    while True:
        progress = call_as(user, "batch_analyze_calls", {"handle": handle}).data
        if progress["done"] or time.monotonic() > deadline:
            return progress
        time.sleep(0.2)


def _reopen(call_ids: list[str]) -> None:
    Call.objects.filter(pk__in=call_ids).update(status="transcribed")
    CoachingSession.objects.filter(call_id__in=call_ids).update(is_current=False)


def test_a_dry_run_counts_calls_by_status_and_estimates_the_cost(world, settings):
    settings.ANALYZER = "offline"
    data = call_as(world.users["ada"], "batch_analyze_calls", {"rep": "me", "dry_run": True}).data
    assert data["calls"] == 8 and data["by_status"] == {"analyzed": 7, "transcribed": 1}
    assert data["to_analyse"] == 1
    assert data["estimate"]["analyzer"] == "offline" and data["estimate"]["batch_usd"] == 0.0
    assert data["note"] == "dry run: nothing analysed" and "handle" not in data


def test_an_offline_batch_returns_a_handle_whose_progress_reaches_done(world, settings):
    settings.ANALYZER = "offline"
    mia = world.users["mia"]
    started = call_as(mia, "batch_analyze_calls", {"call_ids": [world.unanalysed_call, world.calls["ada"][0]]}).data
    assert started["to_analyse"] == 1 and started["handle"]
    progress = _until_done(mia, started["handle"])
    assert progress["done"] is True and progress["by_status"] == {"analyzed": 2}
    assert CoachingSession.objects.filter(call_id=world.unanalysed_call, is_current=True).exists()


def test_a_claude_batch_goes_through_the_message_batches_api(world, fake_claude):
    calls = world.calls["ben"]
    committed(_reopen, calls)
    ben = world.users["ben"]
    started = call_as(ben, "batch_analyze_calls", {"rep": "me"}).data
    assert started["calls"] == 4 and started["to_analyse"] == 3  # the call shared with Ada is analysed already
    assert started["batch_id"] and started["submitted"] == {"batch_submitted": 3}
    assert started["estimate"]["batch_usd"] < started["estimate"]["realtime_usd"]
    progress = _until_done(ben, started["handle"])
    assert progress["done"] is True and progress["by_status"] == {"analyzed": 4}
    assert progress["batch"]["id"] == started["batch_id"]
    assert fake_claude.batches  # the work really went through the batch endpoint


def test_a_job_handle_only_works_for_the_user_who_started_it(world, settings):
    settings.ANALYZER = "offline"
    started = call_as(world.users["zed"], "batch_analyze_calls", {"call_ids": [world.calls["zed"][0]]}).data
    stolen = call_as(world.users["mia"], "batch_analyze_calls", {"handle": started.get("handle") or "x"})
    forged = call_as(world.users["mia"], "batch_analyze_calls", {"handle": "not-a-handle"})
    assert stolen.is_error and forged.is_error and stolen.text == forged.text
    assert stolen.text == "Unknown or expired job handle: start the batch again with call_ids or rep."


def test_batching_someone_elses_call_is_not_found(world):
    answer = call_as(world.users["zed"], "batch_analyze_calls", {"call_ids": [world.calls["ada"][1]]})
    assert answer.is_error and answer.text == call_not_found(world.calls["ada"][1])


def test_too_many_ids_or_two_selections_are_refused(world):
    many = call_as(world.users["boss"], "batch_analyze_calls", {"call_ids": [str(n) for n in range(1, 102)]})
    assert many.is_error and many.text.startswith("Invalid `call_ids`: List should have at most 100 items")
    both = call_as(world.users["boss"], "batch_analyze_calls", {"call_ids": ["1"], "rep": "ada"})
    assert both.is_error
    assert both.text == "Give either `call_ids` or `rep` (with an optional period), or a `handle` for progress."


def test_knowledge_published_while_the_batch_runs_is_not_paid_for_twice(world, fake_claude):
    """The batch's answers become the calls' analyses (taken over with the run the batch made), not a second,
    realtime analysis under the new knowledge's cache key. Last in the module: it publishes documents."""
    from analysis.models import AnalysisRun, ApiCall
    from tests.factories.knowledgebase import document_published

    calls = world.calls["ben"]
    committed(_reopen, calls)
    committed(document_published, title="Price list", body="Growth costs $89.")  # not the earlier test's keys
    ben = world.users["ben"]
    before = AnalysisRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = call_as(ben, "batch_analyze_calls", {"rep": "me"}).data
    assert started["submitted"] == {"batch_submitted": 3}
    committed(document_published, title="Price list 2", body="Growth costs $99 from next month.")
    progress = _until_done(ben, started["handle"])
    assert progress["done"] is True and progress["by_status"] == {"analyzed": 4}
    assert fake_claude.requests == []  # no realtime request: each call paid for once, in the batch
    batch_runs = set(AnalysisRun.objects.filter(pk__gt=before).values_list("pk", flat=True))
    current = CoachingSession.objects.filter(call_id__in=calls, is_current=True, run_id__in=batch_runs)
    assert len(batch_runs) == 3 and set(current.values_list("run_id", flat=True)) == batch_runs
    assert not ApiCall.objects.filter(run_id__in=batch_runs, purpose="cache_hit").exists()  # their own results
