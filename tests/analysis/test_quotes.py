"""Quotes are located in the transcript; speaker and time come from it; the rest is dropped."""

from __future__ import annotations

from analysis.quotes import TranscriptIndex

TURNS = [
    {
        "speaker_id": "1",
        "party": "Internal",
        "sentences": [
            [1000, 2000, "Walk me through how your team handles that today."],
            [2000, 3000, "What happens when a report is wrong?"],
        ],
    },
    {
        "speaker_id": "9",
        "party": "External",
        "sentences": [[5000, 6000, "We export everything to spreadsheets, every Monday!"]],
    },
]


def test_a_quote_matches_despite_case_punctuation_and_spacing():
    located, reason = TranscriptIndex(TURNS).locate("walk me through  how your team handles THAT today", speaker_id="1")
    assert reason == "ok" and located.turn_index == 0 and located.start_ms == 1000


def test_the_start_time_is_the_sentence_where_the_quote_starts():
    located, _ = TranscriptIndex(TURNS).locate("What happens when a report is wrong", speaker_id="1")
    assert located.start_ms == 2000


def test_a_quote_spanning_sentences_of_one_turn_is_found():
    located, _ = TranscriptIndex(TURNS).locate("handles that today. What happens", speaker_id="1")
    assert located.start_ms == 1000


def test_a_quote_of_someone_else_is_wrong_speaker():
    located, reason = TranscriptIndex(TURNS).locate("We export everything to spreadsheets", speaker_id="1")
    assert located is None and reason == "wrong_speaker"


def test_an_invented_quote_is_not_found():
    located, reason = TranscriptIndex(TURNS).locate("We guarantee a 300 percent return", speaker_id="1")
    assert located is None and reason == "not_found"


def test_an_ellipsis_quote_is_located_by_its_longest_part():
    located, reason = TranscriptIndex(TURNS).locate("Walk me... how your team handles that today", speaker_id="1")
    assert reason == "ok" and located.start_ms == 1000


def test_a_one_word_quote_is_too_short_to_verify():
    assert TranscriptIndex(TURNS).locate("Monday", speaker_id="9") == (None, "too_short")


def test_a_quote_across_two_consecutive_turns_of_one_speaker_is_found_in_the_first():
    turns = [*TURNS, {"speaker_id": "9", "sentences": [[7000, 8000, "Then finance checks it by hand."]]}]
    located, reason = TranscriptIndex(turns).locate("every Monday. Then finance checks", speaker_id="9")
    assert reason == "ok" and located.turn_index == 1 and located.start_ms == 5000
    later, _ = TranscriptIndex(turns).locate("finance checks it by hand", speaker_id="9")
    assert later.turn_index == 2 and later.start_ms == 7000
