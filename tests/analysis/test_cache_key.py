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
