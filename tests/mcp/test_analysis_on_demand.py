"""analyze_call on a call nobody has analysed yet runs the analysis (offline analyzer here), or says "queued"
when it takes longer than the short timeout, and a later call finds the result."""

from __future__ import annotations

import threading
from unittest import mock

from coaching.models import CoachingSession
from coaching.services.pipeline import CoachOutcome
from gong.models import Call
from tests.mcp.conftest import call_as, committed


def _forget_analysis(call_id: str, *, status: str) -> None:
    Call.objects.filter(pk=call_id).update(status=status)
    CoachingSession.objects.filter(call_id=call_id).update(is_current=False)


def test_a_call_without_analysis_is_analysed_on_request(world, settings):
    settings.ANALYZER = "offline"
    call_id = world.unanalysed_call
    assert not CoachingSession.objects.filter(call_id=call_id).exists()
    data = call_as(world.users["ada"], "analyze_call", {"call_id": call_id}).data
    assert data["ran_now"] is True
    assert data["analysis"]["analyzer"] == "offline"
    (speaker,) = data["speakers"]
    assert speaker["name"] == "Ada Lovelace"
    assert set(speaker["scores"]) == {"product_knowledge", "discovery", "objection_handling", "engagement"}
    assert Call.objects.get(pk=call_id).status == "analyzed"
    assert CoachingSession.objects.filter(call_id=call_id, is_current=True).count() == 1
    again = call_as(world.users["ada"], "analyze_call", {"call_id": call_id}).data
    assert "ran_now" not in again and again["speakers"] == data["speakers"]


def test_a_slow_analysis_answers_queued_with_how_to_check_back(world, settings):
    settings.MCP_ANALYZE_TIMEOUT_S = 0.2
    call = world.calls["zed"][0]
    committed(_forget_analysis, call, status="transcribed")

    release, finished = threading.Event(), threading.Event()

    def slow(**kwargs):
        release.wait(timeout=60)  # still running until the test has seen the answer: no race with the timeout
        finished.set()
        return CoachOutcome(kwargs["call_id"], "analyzed")

    with mock.patch("mcp_bridge.background.call_coach", autospec=True, side_effect=slow) as coach:
        data = call_as(world.users["zed"], "analyze_call", {"call_id": call}).data
        assert data["status"] == "queued"
        assert data["message"] == "Analysis started and is still running; call analyze_call again in about a minute."
        release.set()
        assert finished.wait(timeout=60)  # the background analysis ends before the patch goes away
    coach.assert_called_once_with(call_id=call, worker="mcp", purpose="mcp")


def test_a_call_still_waiting_for_gong_says_so(world):
    call = world.calls["ben"][0]
    committed(_forget_analysis, call, status="pending")
    data = call_as(world.users["ben"], "analyze_call", {"call_id": call}).data
    assert data["status"] == "pending"
    assert data["message"] == "Gong has not delivered this call's transcript yet; try again later."


def test_a_failed_analysis_says_why_and_how_to_rerun_it(world):
    call = world.calls["ben"][1]
    committed(_forget_analysis, call, status="failed")
    committed(lambda: Call.objects.filter(pk=call).update(status_reason="transcript has no internal speaker"))
    data = call_as(world.users["ben"], "analyze_call", {"call_id": call}).data
    assert data["status"] == "failed"
    assert data["message"] == (
        f"Analysis failed: transcript has no internal speaker. Ops can re-run it: "
        f"manage.py analyze_calls --call {call} --force."
    )
