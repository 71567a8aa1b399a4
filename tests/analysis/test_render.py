"""The compact transcript: a legend once, short tags per turn, sparse clock marks — and every quote a model could
copy from it verifies against the original turns, with the right speaker and time."""

from __future__ import annotations

import itertools
import random
import re
from types import SimpleNamespace

import pytest

from analysis.quotes import LONG_WORDS, TranscriptIndex
from analysis.render import Speaker, lines_text, speaker_tags, transcript_render
from analysis.services.claude_run import windows_for
from tests.factories.gong import transcript_turns

TAG = re.compile(r"^(?:\[\d+:\d\d\] )?([A-Z]{1,3}): ")


def _sample_turns(*, count: int = 400, seed: int = 5) -> tuple[list[dict], dict[str, Speaker]]:
    rng = random.Random(seed)
    words = [
        "pricing",
        "rollout",
        "security",
        "warehouse",
        "dashboards",
        "alerts",
        "budget",
        "quarter",
        "team",
        "data",
        "export",
        "Monday",
    ]
    people = [("1", "Internal"), ("2", "Internal"), ("3", "External"), ("4", "External"), ("5", "External")]
    lines = []
    for _ in range(count):
        speaker_id, party = rng.choice(people)
        sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(3, 14))).capitalize() + rng.choice(".?!")]
        lines.append((speaker_id, party, " ".join(sentences * rng.randint(1, 3))))
    speakers = {
        "1": Speaker("1", "Ana Ruiz", "Internal", "Account Executive", role="AE"),
        "2": Speaker("2", "Sam Lee", "Internal", "Solutions Engineer", role="SE"),
        "3": Speaker("3", "Pat Buyer", "External", "VP Sales"),
        "4": Speaker("4", "Kim Ops", "External"),
        "5": Speaker("5", "Speaker 5", "Unknown"),
    }
    return transcript_turns(lines), speakers


def test_every_quote_sampled_from_a_rendered_call_verifies_with_its_speaker_and_time():
    turns, speakers = _sample_turns()
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=60, clock_every_s=60)
    index, rng, checked = TranscriptIndex(turns), random.Random(9), 0
    for line in rendering.lines:
        words = TAG.sub("", line.text).split()
        for _ in range(3):
            size = min(len(words), rng.randint(2, 15))
            first = rng.randint(0, len(words) - size)
            quote = " ".join(words[first : first + size])
            located, reason = index.locate(quote, speaker_id=line.speaker_id)
            if reason == "ambiguous":  # words the speaker said more than once pin no single moment
                assert index.count(quote, speaker_id=line.speaker_id) > 1 and len(quote.split()) < LONG_WORDS
                checked += 1
                continue
            assert reason == "ok", (quote, line.text)
            turn = turns[located.turn_index]
            assert turn["speaker_id"] == line.speaker_id
            assert located.start_ms in [s[0] for s in turn["sentences"]]
            checked += 1
    assert checked > 1000


def test_the_legend_names_each_speaker_once_and_lines_carry_only_a_tag():
    turns, speakers = _sample_turns(count=60)
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=10_000)
    legend = rendering.legend.splitlines()
    assert legend[0] == "Speakers (tag = name, role, title):"
    assert "A = " in legend[1] and len(legend) == 6
    assert {"= Ana Ruiz (Rep, AE, Account Executive)", "= Pat Buyer (Customer, VP Sales)", "= Kim Ops (Customer)"} <= {
        row[row.index("=") :] for row in legend[1:]
    }
    assert any(row.endswith("= Speaker 5 (Unknown)") for row in legend)
    text = lines_text(rendering.lines, legend=rendering.legend)
    assert text.count("Ana Ruiz") == 1 and text.count("Account Executive") == 1
    for line in rendering.lines:
        assert TAG.match(line.text).group(1) == rendering.tags[line.speaker_id]


def test_clock_marks_appear_at_the_start_and_then_at_most_once_per_interval():
    turns, speakers = _sample_turns(count=300)
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=10_000, clock_every_s=120)
    stamped = [line for line in rendering.lines if line.text.startswith("[")]
    assert rendering.lines[0].text.startswith("[00:00] ")
    assert 1 < len(stamped) < len(rendering.lines) / 3
    for previous, current in itertools.pairwise(stamped):
        assert current.start_ms - previous.start_ms >= 120_000
    # A window that starts between marks gets its own, so every part says where it is.
    middle = next(i for i, line in enumerate(rendering.lines) if not line.text.startswith("["))
    assert lines_text(rendering.lines[middle:]).startswith("[")


def test_tags_run_past_z():
    turns = [{"speaker_id": str(n), "sentences": []} for n in range(30)]
    tags = speaker_tags(turns=turns)
    assert [tags["0"], tags["25"], tags["26"], tags["29"]] == ["A", "Z", "AA", "AD"]


def test_the_compact_rendering_costs_a_few_percent_over_the_words_said():
    turns, speakers = _sample_turns(count=800)
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=10_000)
    raw = len("\n".join(turn["text"] for turn in turns)) / 4
    sent = len(lines_text(rendering.lines, legend=rendering.legend)) / 4
    assert sent / raw < 1.06


def _inp(turns, speakers, *, clock_every_s: int = 300) -> SimpleNamespace:
    rendering = transcript_render(turns=turns, speakers=speakers, max_line_tokens=2_000, clock_every_s=clock_every_s)
    raw = -(-len("\n".join(turn["text"] for turn in turns)) // 4)
    return SimpleNamespace(lines=rendering.lines, legend=rendering.legend, raw_tokens=raw)


@pytest.mark.parametrize("overlap", [0.2, 0.1])
def test_a_call_whose_words_fit_the_budget_is_one_request_even_when_tags_push_it_over(settings, overlap):
    turns, speakers = _sample_turns(count=1200)
    inp = _inp(turns, speakers, clock_every_s=1)  # a clock on every line: rendering well over the raw size
    rendered = sum(line.tokens for line in inp.lines)
    settings.ANALYSIS_CHUNK_OVERLAP = overlap
    settings.ANALYSIS_CHUNK_TOKENS = inp.raw_tokens  # the words fit exactly; the rendering does not
    assert rendered > inp.raw_tokens
    windows, _ = windows_for(inp, count_with_api=False)
    assert [(w.start, w.end) for w in windows] == [(0, len(inp.lines))]


def test_a_longer_call_is_cut_into_windows_of_about_the_budget_overlapping_by_whole_turns(settings):
    rng = random.Random(2)
    sentences = [[i * 3000, i * 3000 + 2500, f"Point {i} about the rollout and the data."] for i in range(300)]
    long_turn = {
        "speaker_id": "1",
        "party": "Internal",
        "start_ms": 0,
        "end_ms": 900_000,
        "text": "",
        "sentences": sentences,
    }
    turns, speakers = _sample_turns(count=900, seed=rng.randint(0, 99))
    shift = 900_000
    for turn in turns:
        turn["start_ms"] += shift
        turn["sentences"] = [[s[0] + shift, s[1] + shift, s[2]] for s in turn["sentences"]]
    turns = [{**long_turn, "speaker_id": "2", "party": "Internal"}, *turns]
    inp = _inp(turns, speakers)
    settings.ANALYSIS_CHUNK_TOKENS, settings.ANALYSIS_CHUNK_OVERLAP = 4_000, 0.2
    windows, _ = windows_for(inp, count_with_api=False)
    assert len(windows) >= 3 and windows[0].start == 0 and windows[-1].end == len(inp.lines)
    overhead = sum(line.tokens for line in inp.lines) / inp.raw_tokens
    for previous, current in itertools.pairwise(windows):
        assert current.start < previous.end  # they overlap
        assert current.tokens <= 4_000 * overhead + 1
        first = inp.lines[current.start]
        assert current.start == 0 or inp.lines[current.start - 1].turn_index != first.turn_index  # a whole turn
