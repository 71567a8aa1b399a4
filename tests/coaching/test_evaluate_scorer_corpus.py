"""On the simulated Gong week, the offline analyzer agrees with the planted skill levels better than a constant.

Full pipeline: the Gong simulator over HTTP → users sync + gong_sync (fetch, transcripts) → call_coach with the
offline analyzer → `evaluate_scorer --gold` against the corpus's gold file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from coaching.services import call_coach
from gong.models import Call, CallStatus
from gong.services import gong_sync, users_sync
from gong.simulator.corpus import corpus_build, corpus_gold_write
from gong.simulator.server import SimulatorServer
from tests.factories.analysis import knowledge_seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed_week(settings):
    corpus = corpus_build(seed=11, calls=24, long_calls=0, private_calls=1, internal_calls=1, late_calls=0)
    settings.ANTHROPIC_API_KEY = ""
    settings.ANALYZER = "offline"
    knowledge_seed()
    with SimulatorServer(corpus, rate_per_second=1000) as simulator:
        settings.GONG_BASE_URL = simulator.base_url
        settings.GONG_ACCESS_KEY = simulator.access_key
        settings.GONG_ACCESS_KEY_SECRET = simulator.access_key_secret
        users_sync()
        since = datetime.combine(corpus.week_start, datetime.min.time(), tzinfo=UTC)
        gong_sync(since=since, until=since + timedelta(days=7))
    for call_id in Call.objects.filter(status=CallStatus.TRANSCRIBED).values_list("id", flat=True):
        call_coach(call_id=call_id, worker="test")
    return corpus


def test_the_offline_analyzer_beats_a_constant_score_baseline(analysed_week, tmp_path):
    gold = corpus_gold_write(analysed_week, tmp_path / "gold.json")
    out = tmp_path / "evaluation.json"
    stdout = StringIO()
    call_command("evaluate_scorer", "--gold", str(gold), "--analyzer", "offline", "--out", str(out), stdout=stdout)
    result = json.loads(out.read_text())
    overall = result["overall"]
    # Private calls are skipped by policy (GONG_ANALYZE_PRIVATE_CALLS), so their gold speakers have no scores.
    private = analysed_week.call_ids(private=True)
    assert result["unmatched"] == sum(len(analysed_week.gold.get(call_id, {})) for call_id in private)
    assert overall["scorer"]["n"] >= 40
    # A constant has no ordinal agreement (QWK 0); the analyzer must do better on both agreement measures.
    assert overall["scorer"]["qwk"] > overall["baseline"]["qwk"] + 0.2
    assert overall["scorer"]["within_one"] >= overall["baseline"]["within_one"]
    assert overall["scorer"]["pearson_r"] > 0.3
    assert "QWK" in stdout.getvalue()
