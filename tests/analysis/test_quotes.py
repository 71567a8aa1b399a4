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


def _turn(speaker_id: str, start: int, *sentences: str) -> dict:
    return {
        "speaker_id": speaker_id,
        "party": "Internal" if speaker_id == "1" else "External",
        "sentences": [[start + i * 1000, start + i * 1000 + 900, text] for i, text in enumerate(sentences)],
    }


REPEATS = [
    _turn("1", 0, "Makes sense.", "What's your budget?"),
    _turn("9", 10_000, "About forty thousand."),
    _turn("1", 20_000, "Makes sense.", "We can phase the rollout over two quarters for your team."),
    _turn("9", 30_000, "Good."),
    _turn("1", 40_000, "Makes sense.", "We can phase the rollout over two quarters for your team."),
]


def test_a_short_quote_said_once_by_the_speaker_is_kept():
    located, reason = TranscriptIndex(REPEATS).locate("What's your budget?", speaker_id="1")
    assert reason == "ok" and located.start_ms == 1000 and located.occurrences == 1


def test_a_short_quote_said_several_times_pins_no_moment_and_is_dropped():
    assert TranscriptIndex(REPEATS).locate("makes sense", speaker_id="1") == (None, "ambiguous")


def test_a_repeated_quote_is_kept_at_its_only_occurrence_in_the_part_the_model_was_given():
    located, reason = TranscriptIndex(REPEATS).locate("Makes sense", speaker_id="1", within=(2, 3))
    assert reason == "ok" and located.turn_index == 2 and located.start_ms == 20_000 and located.occurrences == 3


def test_a_long_repeated_quote_is_the_same_statement_kept_at_its_first_occurrence_in_the_part():
    quote = "We can phase the rollout over two quarters for your team"
    located, _ = TranscriptIndex(REPEATS).locate(quote, speaker_id="1")
    assert (located.turn_index, located.occurrences) == (2, 2)
    located, _ = TranscriptIndex(REPEATS).locate(quote, speaker_id="1", within=(3, 4))
    assert located.turn_index == 4
