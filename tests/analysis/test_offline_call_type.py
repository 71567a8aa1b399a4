"""The offline analyzer reads talk ratio by call type: on a demo or technical deep dive, where the rep presents by
design, the engagement rubric's "one level more lenient per band" moves the bounds that mark too much rep talk."""

from __future__ import annotations

import pytest

from analysis.models import AnalysisRun
from analysis.offline import dimension_offline
from analysis.services import analysis_for_call
from gong.models import Affiliation
from knowledgebase.selectors import knowledge_snapshot_get
from tests.factories.analysis import BUYER_SPEAKER, REP_SPEAKER
from tests.factories.gong import CallFactory, CallParticipantFactory, GongUserFactory, TranscriptFactory

pytestmark = pytest.mark.django_db
TALK = "talk_listen_balance"


def _talk_status(ratio: float, call_type: str) -> str:
    rubric = knowledge_snapshot_get(call_type=call_type).rubrics["engagement"]
    result, _hits = dimension_offline(rubric, [], {"talk_ratio": ratio}, None, call_type=call_type)
    return next(c.status for c in result.criteria if c.key == TALK)


@pytest.mark.parametrize(
    ("ratio", "discovery", "demo"),
    [
        (0.40, "met", "met"),  # healthy anywhere: leniency never makes listening more worse
        (0.60, "n_a", "met"),  # between the bands on a discovery call, healthy while presenting
        (0.70, "missed", "n_a"),  # Gong's > 65% flag on a discovery call; on a demo only past 75%
        (0.80, "missed", "missed"),
    ],
)
def test_talk_ratio_bounds_follow_the_call_type(kb, offline, ratio, discovery, demo):
    assert _talk_status(ratio, "discovery") == discovery
    assert _talk_status(ratio, "demo") == demo
    assert _talk_status(ratio, "technical_deep_dive") == demo
    assert _talk_status(ratio, "") == discovery  # no call type: as any call


def _presenting_call(call_type: str):
    """A call where the rep talks 60% of the time (3 sentences to the buyer's 2, each 4 s)."""
    call = CallFactory(call_type=call_type)
    rep = GongUserFactory()
    CallParticipantFactory(call=call, speaker_id=REP_SPEAKER, user=rep, affiliation=Affiliation.INTERNAL)
    CallParticipantFactory(call=call, speaker_id=BUYER_SPEAKER, external=True, name="Pat Buyer")
    lines = []
    for i in range(8):
        lines.append((REP_SPEAKER, "Internal", f"Here is screen {i}. It shows the approval flow. Then the report."))
        lines.append((BUYER_SPEAKER, "External", f"I see screen {i}. What about exports?"))
    TranscriptFactory(call=call, lines=lines)
    return call


def _stored_engagement(call) -> dict:
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    speaker = next(s for s in run.result["speakers"] if s["speaker_id"] == REP_SPEAKER)
    return next(d for d in speaker["dimensions"] if d["dimension"] == "engagement")


def test_the_same_talk_on_a_demo_is_healthy_where_a_discovery_call_has_no_band_for_it(kb, offline):
    on_demo = _stored_engagement(_presenting_call("demo"))
    on_discovery = _stored_engagement(_presenting_call("discovery"))

    talk = {
        d: next(c for c in e["criteria"] if c["key"] == TALK) for d, e in (("demo", on_demo), ("disc", on_discovery))
    }
    assert talk["demo"]["status"] == "met" and talk["disc"]["status"] == "n_a"
    assert on_demo["score"] is not None and (on_discovery["score"] or 0) <= on_demo["score"]
