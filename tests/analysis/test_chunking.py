"""Chunks: ≤ the window, ~20 % overlap, cut between turns, covering everything; one window when it fits."""

from __future__ import annotations

import itertools
import random

import pytest

from analysis.chunking import windows_plan
from analysis.models import AnalysisRun, ApiCall, ApiPurpose
from analysis.render import Speaker, transcript_render
from analysis.services import analysis_for_call
from tests.factories.analysis import long_call
from tests.fakes.anthropic_server import LINE


def test_a_transcript_that_fits_is_one_window():
    assert [(w.start, w.end) for w in windows_plan([10] * 50, max_tokens=1000, overlap=0.2)] == [(0, 50)]


def test_windows_stay_under_the_limit_overlap_by_about_a_fifth_and_cover_every_line():
    rng = random.Random(1)
    sizes = [rng.randint(20, 400) for _ in range(2000)]
    windows = windows_plan(sizes, max_tokens=80_000 // 10, overlap=0.2)
    assert windows[0].start == 0 and windows[-1].end == len(sizes)
    for window in windows:
        assert sum(sizes[window.start : window.end]) <= 8000
    for previous, current in itertools.pairwise(windows):
        assert current.start < previous.end  # they overlap, on a line boundary
        shared = sum(sizes[current.start : previous.end])
        assert 0.1 * previous.tokens <= shared <= 0.3 * previous.tokens
    total = sum(w.tokens for w in windows)
    assert total <= 1.35 * sum(sizes)


def test_windows_are_balanced_so_the_last_is_not_a_sliver():
    windows = windows_plan([100] * 1600, max_tokens=80_000, overlap=0.2)
    assert len(windows) == 3
    assert min(w.tokens for w in windows) >= 0.6 * max(w.tokens for w in windows)


def test_a_single_turn_longer_than_a_window_is_split_at_sentences():
    speakers = {"1": Speaker("1", "Ana", "Internal", "AE")}
    sentences = [[i * 1000, i * 1000 + 900, f"Sentence number {i} about the product roadmap."] for i in range(400)]
    turns = [
        {"speaker_id": "1", "party": "Internal", "start_ms": 0, "end_ms": 400_000, "text": "", "sentences": sentences}
    ]
    lines = transcript_render(turns=turns, speakers=speakers, max_line_tokens=500, clock_every_s=30).lines
    assert len(lines) > 1
    assert all(line.tokens <= 520 for line in lines)
    assert all(line.turn_index == 0 for line in lines)
    assert lines[1].text.startswith("[") and "] A: Sentence number" in lines[1].text


def test_consecutive_turns_of_one_speaker_render_as_one_compact_line():
    speakers = {"1": Speaker("1", "Ana Rep", "Internal", "Account Executive"), "2": Speaker("2", "Pat", "External")}
    turns = [
        {
            "speaker_id": "1",
            "party": "Internal",
            "start_ms": 65_000,
            "end_ms": 66_000,
            "text": "Hi.",
            "sentences": [[65_000, 66_000, "Hi."]],
        },
        {
            "speaker_id": "1",
            "party": "Internal",
            "start_ms": 66_000,
            "end_ms": 67_000,
            "text": "Ready?",
            "sentences": [[66_000, 67_000, "Ready?"]],
        },
        {
            "speaker_id": "2",
            "party": "External",
            "start_ms": 68_000,
            "end_ms": 69_000,
            "text": "Yes.",
            "sentences": [[68_000, 69_000, "Yes."]],
        },
    ]
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=1000)
    assert (
        rendering.legend
        == "Speakers (tag = name, role, title):\nA = Ana Rep (Rep, Account Executive)\nB = Pat (Customer)"
    )
    assert [line.text for line in rendering.lines] == ["[01:05] A: Hi. Ready?", "B: Yes."]


@pytest.mark.django_db
def test_the_chunk_rule_through_the_pipeline_budget_in_raw_tokens_overlap_in_whole_turns(kb, fake_claude, settings):
    """A call just under ANALYSIS_CHUNK_TOKENS (raw tokens: the words said) is one request, count endpoint and
    speaker tags included; a lower budget is honoured (every part within it, in raw words); parts share whole
    turns, about ANALYSIS_CHUNK_OVERLAP of a part."""
    call = long_call(tokens=9_000)
    raw = call.transcript.token_count
    settings.ANALYSIS_CHUNK_TOKENS = raw + 1
    whole = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
    assert whole.chunk_count == 1 and len(fake_claude.requests) == 1
    assert ApiCall.objects.get(run=whole, purpose=ApiPurpose.CALL_ANALYSIS)
    sent = fake_claude.requests[0]["messages"][0]["content"].split("Transcript:\n", 1)[1]
    assert len(sent) / 4 > raw + 1  # the rendering is over the budget; the words are not

    for overlap in (0.2, 0.1):
        settings.ANALYSIS_CHUNK_TOKENS, settings.ANALYSIS_CHUNK_OVERLAP = raw // 3, overlap
        before = len(fake_claude.requests)
        parts = AnalysisRun.objects.get(pk=analysis_for_call(call_id=call.pk).run_id)
        bodies = [r["messages"][0]["content"].split("Transcript:\n", 1)[1] for r in fake_claude.requests[before:]]
        assert parts.chunk_count == len(bodies) in (3, 4)
        turns = [[_words(line) for line in body.splitlines() if LINE.match(line)] for body in bodies]
        for part in turns:
            assert sum(len(text) + 1 for text in part) / 4 <= raw // 3  # the budget counts the words said
        for previous, current in itertools.pairwise(turns):
            # The next part starts with whole turns the previous one ended with.
            seam = max(k for k in range(len(current) + 1) if current[:k] == previous[len(previous) - k :])
            shared = current[:seam]
            share = sum(len(text) for text in shared) / sum(len(text) for text in previous)
            assert overlap / 2 <= share <= overlap * 1.5


def _words(line: str) -> str:
    return LINE.match(line).group(4)
