"""The fast cache-key path (used for hits) and the full build agree, so a hit is found without rendering."""

from __future__ import annotations

import pytest

from analysis.services.context import analysis_input_build, key_inputs_get
from tests.factories.analysis import REP_SPEAKER, SE_SPEAKER, call_with_reps

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("analyzer", ["claude", "offline"])
def test_the_fast_key_equals_the_full_builds_key(kb, settings, analyzer):
    settings.ANALYZER = analyzer
    call = call_with_reps(levels={REP_SPEAKER: 3, SE_SPEAKER: 4})
    assert key_inputs_get(call_id=call.pk).cache_key == analysis_input_build(call_id=call.pk).cache_key


def test_renaming_a_participant_changes_the_key(kb, offline):
    call = call_with_reps()
    before = key_inputs_get(call_id=call.pk).cache_key
    participant = call.participants.get(speaker_id=REP_SPEAKER)
    participant.name = "Someone Else"
    participant.save()
    assert key_inputs_get(call_id=call.pk).cache_key != before


def test_claudes_effort_and_output_cap_are_in_the_key_but_not_the_offline_one(kb, settings):
    call = call_with_reps()
    settings.ANALYZER = "claude"
    before = key_inputs_get(call_id=call.pk).cache_key
    settings.CLAUDE_EFFORT = "medium"
    assert key_inputs_get(call_id=call.pk).cache_key != before
    settings.ANALYZER = "offline"
    offline = key_inputs_get(call_id=call.pk).cache_key
    settings.CLAUDE_MAX_OUTPUT_TOKENS = 12_000
    assert key_inputs_get(call_id=call.pk).cache_key == offline


@pytest.fixture
def fresh_versions():
    """Version digests are computed once per process; a test that changes what they hash starts afresh."""
    from analysis import prompts

    prompts.module_digest.cache_clear()
    prompts.schema_digest.cache_clear()
    yield
    prompts.module_digest.cache_clear()
    prompts.schema_digest.cache_clear()


def _code_changed(monkeypatch, module_name: str) -> None:
    """As if `module_name`'s source had been edited (the digest reads the source)."""
    from analysis import prompts

    original = prompts.inspect.getsource
    monkeypatch.setattr(
        prompts.inspect,
        "getsource",
        lambda module: original(module) + ("\n# edited\n" if module.__name__ == module_name else ""),
    )
    prompts.module_digest.cache_clear()


def test_a_changed_output_schema_is_a_cache_miss(kb, fake_claude, monkeypatch, fresh_versions):
    from analysis import claude
    from analysis.services import analysis_for_call

    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    original = claude.output_schema

    def described(model):  # a field description is prompt text: changing it changes the answer
        schema = original(model)
        schema["description"] = "Judge strictly."
        return schema

    monkeypatch.setattr(claude, "output_schema", described)
    from analysis import prompts

    prompts.schema_digest.cache_clear()
    second = analysis_for_call(call_id=call.pk)
    assert not second.cache_hit and second.run_id != first.run_id and len(fake_claude.requests) == 2
    assert fake_claude.requests[1]["output_config"]["format"]["schema"]["description"] == "Judge strictly."


@pytest.mark.parametrize("module_name", ["analysis.render", "analysis.scoring", "analysis.prompts"])
def test_changed_rendering_or_scoring_code_is_a_cache_miss(kb, settings, monkeypatch, fresh_versions, module_name):
    settings.ANALYZER = "claude"
    call = call_with_reps()
    before = key_inputs_get(call_id=call.pk)
    _code_changed(monkeypatch, module_name)
    after = key_inputs_get(call_id=call.pk)
    assert after.prompt_version != before.prompt_version and after.cache_key != before.cache_key


def test_changed_offline_analyzer_code_is_a_cache_miss_for_offline_runs(kb, offline, monkeypatch, fresh_versions):
    call = call_with_reps()
    before = key_inputs_get(call_id=call.pk)
    _code_changed(monkeypatch, "analysis.offline")
    after = key_inputs_get(call_id=call.pk)
    assert after.prompt_version.startswith("offline-2-") and after.cache_key != before.cache_key


def test_the_prompt_version_is_stable_without_a_change(kb, settings, fresh_versions):
    settings.ANALYZER = "claude"
    call = call_with_reps()
    assert key_inputs_get(call_id=call.pk).cache_key == key_inputs_get(call_id=call.pk).cache_key


def test_a_cache_hit_is_four_queries_key_facts_knowledge_run_and_its_ledger_marker(kb, offline):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from analysis.services import analysis_for_call

    call = call_with_reps()
    first = analysis_for_call(call_id=call.pk)
    with CaptureQueriesContext(connection) as queries:
        hit = analysis_for_call(call_id=call.pk)
    assert hit.cache_hit and hit.run_id == first.run_id
    tables = [q["sql"].split(" FROM ", 1)[-1].split()[0] if "FROM" in q["sql"] else q["sql"][:30] for q in queries]
    assert len(queries) == 4, tables  # the knowledge hash is one UNION ALL (it was two queries)
    assert "UNION ALL" in queries.captured_queries[1]["sql"]
