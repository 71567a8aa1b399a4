"""Interaction stats come from sentence timestamps and affiliation alone."""

from __future__ import annotations

from analysis.interaction import STAT_RANGES, interaction_stats, stat_assess

REP, SE, BUYER = "1", "2", "9"


def turn(speaker: str, party: str, *sentences: tuple[int, int, str]) -> dict:
    return {
        "speaker_id": speaker,
        "party": party,
        "start_ms": sentences[0][0],
        "end_ms": sentences[-1][1],
        "text": " ".join(s[2] for s in sentences),
        "sentences": [list(s) for s in sentences],
    }


TURNS = [
    turn(REP, "Internal", (0, 20_000, "Tell me how your team reports today?"), (20_000, 60_000, "We can help a lot.")),
    turn(BUYER, "External", (61_000, 62_000, "Okay.")),
    turn(REP, "Internal", (62_500, 90_000, "Dashboards refresh continuously for every team.")),
    turn(BUYER, "External", (92_000, 152_000, "We export spreadsheets every Monday and it takes a day.")),
    turn(SE, "Internal", (152_500, 160_000, "What breaks when the export is late?")),
]


def test_talk_ratio_is_the_speakers_share_of_all_talk_time():
    stats = interaction_stats(TURNS, speaker_id=REP)
    assert stats["talk_ratio"] == round(87_500 / 156_000, 3)
    assert stats["talk_time_s"] == 87.5


def test_a_backchannel_does_not_break_a_monologue():
    assert interaction_stats(TURNS, speaker_id=REP)["longest_monologue_s"] == 90.0


def test_longest_customer_story_is_the_longest_external_stretch():
    assert interaction_stats(TURNS)["longest_customer_story_s"] == 60.0


def test_patience_is_the_median_pause_before_the_rep_answers_a_customer():
    assert interaction_stats(TURNS, speaker_id=REP)["patience_s"] == 0.5
    assert interaction_stats(TURNS)["patience_s"] == 0.5  # both internal answers came 0.5 s after the customer


def test_questions_are_counted_per_speaker_and_for_the_internal_side():
    assert interaction_stats(TURNS, speaker_id=REP)["question_count"] == 1
    assert interaction_stats(TURNS, speaker_id=SE)["question_count"] == 1
    assert interaction_stats(TURNS)["question_count"] == 2


def test_interactivity_is_speaker_switches_per_minute():
    assert interaction_stats(TURNS)["interactivity"] == round(4 / (160_000 / 60_000), 2)


def test_an_empty_transcript_gives_empty_stats():
    stats = interaction_stats([])
    assert stats["talk_ratio"] is None and stats["interactivity"] is None and stats["question_count"] == 0


def test_stat_assess_flags_gongs_published_thresholds():
    assert STAT_RANGES["talk_ratio"].flag_above == 0.65
    assert stat_assess("talk_ratio", 0.70) == "high"
    assert stat_assess("talk_ratio", 0.43) == "ok"
    assert stat_assess("longest_customer_story_s", 30) == "low"
    assert stat_assess("question_count", 12) == "ok"
    assert stat_assess("interactivity", 9) is None  # no published range: not judged
    assert stat_assess("unknown", 1) is None
