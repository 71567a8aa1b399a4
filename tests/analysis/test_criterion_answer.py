"""The answer's shape: per criterion evidence → status → level, criterion keys constrained to the rubric's own
keys in the request's schema, the dimension computed in code, and the per-criterion result shown on the call page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from analysis.models import AnalysisRun
from analysis.services import analysis_for_call
from coaching.models import CoachingSession, DimensionScore
from coaching.services.sessions import sessions_store_from_run
from knowledgebase.models import Rubric
from tests.coaching.portal_world import login
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps
from tests.fakes.anthropic_server import criterion_keys

pytestmark = pytest.mark.django_db


def _rubric_keys(dimension: str) -> list[str]:
    version = Rubric.objects.get(dimension=dimension, role="", call_type="").active_version
    return [c["key"] for c in version.content["criteria"]]


def _defs(schema: dict) -> dict:
    return schema["$defs"]


def test_the_request_schema_constrains_criterion_keys_and_speakers_and_asks_evidence_before_the_level(kb, fake_claude):
    call = call_with_reps(levels={REP_SPEAKER: 4, SE_SPEAKER: 2})
    analysis_for_call(call_id=call.pk)
    schema = fake_claude.requests[0]["output_config"]["format"]["schema"]
    keys = criterion_keys(fake_claude.requests[0])
    assert keys == {d: _rubric_keys(d) for d in ("product_knowledge", "discovery", "objection_handling", "engagement")}
    criterion = _defs(schema)["Criterion_discovery"]
    assert list(criterion["properties"]) == ["key", "evidence", "status", "level"]
    assert criterion["properties"]["key"]["enum"] == _rubric_keys("discovery")
    assert criterion["properties"]["status"]["enum"] == ["met", "missed", "n_a"]
    speaker = _defs(schema)["Speaker"]
    # Speaker ids are checked after parsing (results.answer_check), not in the schema: the schema is part of the
    # cached prompt prefix and must be the same for every call under one knowledge version.
    assert speaker["properties"]["speaker_id"]["type"] == "string" and "enum" not in speaker["properties"]["speaker_id"]
    assert list(speaker["properties"])[:2] == ["speaker_id", "dimensions"]  # judged before the summary
    assert list(speaker["properties"])[-1] == "summary"
    assert "score" not in json.dumps(_defs(schema)["Dimension_discovery"])  # no holistic score is asked for
    assert "title" not in criterion


def test_the_stored_result_keeps_each_criterion_and_the_dimension_is_computed_from_them(kb, fake_claude):
    levels = {"discovery": 4, "engagement": 2, "product_knowledge": 5, "objection_handling": None}
    fake_claude.score_fn = lambda speaker_id, dimension, lines: levels[dimension]
    call = call_with_reps()
    run = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert run.result["contract"] == 2
    dimensions = {d["dimension"]: d for d in run.result["speakers"][0]["dimensions"]}
    discovery = dimensions["discovery"]
    assert [c["key"] for c in discovery["criteria"]] == _rubric_keys("discovery")
    assert {(c["status"], c["level"]) for c in discovery["criteria"]} == {("met", 4)}
    assert discovery["score"] == 4 and discovery["criteria_met"] == _rubric_keys("discovery")
    assert discovery["criteria"][0]["evidence"] and discovery["criteria"][0]["evidence"][0]["start_ms"] >= 0
    assert dimensions["engagement"]["score"] == 2 and dimensions["engagement"]["criteria_missed"]
    assert dimensions["objection_handling"]["score"] is None  # every criterion n_a → N/A
    assert {c["status"] for c in dimensions["objection_handling"]["criteria"]} == {"n_a"}


def test_the_call_page_shows_why_a_score_is_what_it_is_in_plain_words(kb, fake_claude, client):
    fake_claude.score_fn = lambda speaker_id, dimension, lines: {"discovery": 4}.get(dimension, 2)
    call = call_with_reps()
    run_id = analysis_for_call(call_id=call.pk).run_id
    sessions_store_from_run(run_id=run_id)
    session = CoachingSession.objects.get(run_id=run_id)
    assert session.contract == 2
    stored = DimensionScore.objects.get(session=session, dimension="discovery")
    assert stored.score == 4 and {c["status"] for c in stored.criteria} == {"met"}
    client.force_login(login("u-staff", group="staff"))
    html = client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()
    discovery = Rubric.objects.get(dimension="discovery", role="").active_version.content["criteria"][0]
    assert discovery["name"] in html and "4/5" in html and "2/5" in html
    assert "cc-criterion-met" in html and "cc-criterion-missed" in html
    assert "weighted mean of the levels above" in html


def test_a_score_stored_under_the_old_contract_still_renders(client):
    from tests.factories.coaching import coached_call
    from tests.factories.gong import GongUserFactory

    call, session, scores = coached_call(rep=GongUserFactory())
    assert session.contract == 1 and scores[0].criteria == []
    client.force_login(login("u-staff", group="staff"))
    html = client.get(reverse("admin:gong_call_change", args=[call.pk])).content.decode()
    assert "evidence-link" in html and "cc-criteria" not in html


def test_the_cached_prefix_carries_calibration_examples_and_the_multi_rep_and_call_type_rules(
    kb, fake_claude, settings
):
    settings.CLAUDE_PROMPT_CACHE_TTL = "5m"  # auto sends the first call after a quiet spell uncached (test_cache_ttl)
    call = call_with_reps(levels={REP_SPEAKER: 4, SE_SPEAKER: 2})
    analysis_for_call(call_id=call.pk)
    prefix = fake_claude.requests[0]["system"][0]
    assert prefix["cache_control"]["type"] == "ephemeral"
    for rubric in ("## discovery:", "## objection_handling:", "## engagement:", "## product_knowledge:"):
        section = prefix["text"].split(rubric, 1)[1].split("\n## ", 1)[0]
        assert section.count("Calibration: ") == 2, rubric
    assert "Credit a speaker only for what that speaker said or did" in prefix["text"]
    assert "is n_a for this" in prefix["text"] and "rep-heavy by design" in prefix["text"]
    assert "caps the dimension score at its level" in prefix["text"]  # the accuracy gate, stated to the model
