"""The simulated week: deterministic, Gong-shaped, and its planted skill levels really show in the text."""

from __future__ import annotations

import datetime
import statistics

import pytest

from gong.simulator import behaviours as cues
from gong.simulator.corpus import corpus_build, corpus_gold_write, corpus_json, gold_read
from gong.simulator.product import FACTS

WEEK = datetime.date(2025, 1, 6)
FACT_BY_KEY = {fact.key: fact for fact in FACTS}


@pytest.fixture(scope="module")
def corpus():
    return corpus_build(seed=7, week_start=WEEK)


def speaker_sentences(corpus, call_id: str, speaker_id: str) -> list[str]:
    return [
        sentence["text"]
        for mono in corpus.transcripts[call_id]["transcript"]
        if mono["speakerId"] == speaker_id
        for sentence in mono["sentences"]
    ]


def graded(corpus, dimension: str, level: int | None):
    """(call id, speaker id, gold entry) for every speaker planted at `level` on `dimension` (long call excluded)."""
    for call_id, speakers in corpus.gold.items():
        if corpus.call(call_id)["metaData"]["duration"] > 90 * 60:
            continue
        for speaker_id, entry in speakers.items():
            if entry["levels"][dimension] == level:
                yield call_id, speaker_id, entry


def test_same_seed_and_week_give_byte_identical_corpus(corpus):
    assert corpus_json(corpus_build(seed=7, week_start=WEEK)) == corpus_json(corpus)
    assert corpus_json(corpus_build(seed=8, week_start=WEEK)) != corpus_json(corpus)


def test_default_week_is_the_previous_iso_week():
    built = corpus_build(calls=8, long_calls=0)
    today = datetime.datetime.now(datetime.UTC).date()
    assert built.week_start.weekday() == 0
    assert 7 <= (today - built.week_start).days <= 13


def test_users_form_a_manager_hierarchy_with_role_titles(corpus):
    by_id = {user["id"]: user for user in corpus.users}
    assert 12 <= len(corpus.users) <= 15
    roots = [user for user in corpus.users if user["managerId"] is None]
    assert [user["title"] for user in roots] == ["Vice President of Sales"]
    for user in corpus.users:
        assert user["id"].isdigit() and len(user["id"]) in (18, 19)
        assert user["emailAddress"].endswith("@lumina-labs.example")
        assert user["managerId"] is None or user["managerId"] in by_id
    titles = " | ".join(user["title"] for user in corpus.users)
    for role in ("Account Executive", "Sales Engineer", "Customer Success Manager", "Sales Manager"):
        assert role in titles


def test_customer_calls_have_one_or_two_reps_and_one_to_three_customers(corpus):
    for record in corpus.calls:
        meta = record["metaData"]
        speaking = [party for party in record["parties"] if "speakerId" in party]
        internal = [party for party in speaking if party["affiliation"] == "Internal"]
        external = [party for party in record["parties"] if party["affiliation"] == "External"]
        if meta["scope"] == "Internal":
            assert not external and len(internal) >= 2
            continue
        assert 1 <= len(internal) <= 2 and 1 <= len(external) <= 3
        assert all("userId" in party for party in internal) and not any("userId" in party for party in external)
        assert meta["primaryUserId"] == internal[0]["userId"]
        assert meta["purpose"] and meta["started"] > meta["scheduled"]
        assert {system["system"] for system in record["context"]} == {"Salesforce"}
        assert 5 * 60 <= meta["duration"] <= 90 * 60 or "workshop" in meta["title"]


def test_transcripts_use_party_speaker_ids_and_millisecond_timing(corpus):
    for record in corpus.calls:
        speaker_ids = {party["speakerId"] for party in record["parties"] if "speakerId" in party}
        transcript = corpus.transcripts[record["metaData"]["id"]]
        assert transcript["callId"] == record["metaData"]["id"]
        previous_end = 0
        for mono in transcript["transcript"]:
            assert mono["speakerId"] in speaker_ids
            for sentence in mono["sentences"]:
                assert previous_end <= sentence["start"] < sentence["end"]
                assert 2000 <= sentence["end"] - sentence["start"] <= 12000
                previous_end = sentence["end"]
        assert abs(record["metaData"]["duration"] - previous_end / 1000) < 60


def test_a_level_five_discoverer_asks_many_good_questions_and_no_bad_ones(corpus):
    strong = list(graded(corpus, "discovery", 5))
    assert strong
    for call_id, speaker_id, _ in strong:
        said = speaker_sentences(corpus, call_id, speaker_id)
        assert sum(line in cues.DISCOVERY_POSITIVE for line in said) >= 5
        assert not any(line in cues.DISCOVERY_NEGATIVE for line in said)


def test_a_level_one_discoverer_shows_only_negative_discovery(corpus):
    weak = list(graded(corpus, "discovery", 1))
    assert weak
    for call_id, speaker_id, _ in weak:
        said = speaker_sentences(corpus, call_id, speaker_id)
        assert sum(line in cues.DISCOVERY_NEGATIVE for line in said) >= 2
        assert not any(line in cues.DISCOVERY_POSITIVE for line in said)


def test_objection_handling_cues_follow_the_level(corpus):
    good = cues.OBJECTION_ACKNOWLEDGE + cues.OBJECTION_EXPLORE + cues.OBJECTION_RESPOND
    for call_id, speaker_id, _ in graded(corpus, "objection_handling", 5):
        said = speaker_sentences(corpus, call_id, speaker_id)
        assert any(line in cues.OBJECTION_EXPLORE for line in said)
        assert not any(line in cues.OBJECTION_NEGATIVE for line in said)
    for call_id, speaker_id, _ in graded(corpus, "objection_handling", 1):
        said = speaker_sentences(corpus, call_id, speaker_id)
        assert sum(line in cues.OBJECTION_NEGATIVE for line in said) >= 2
        assert not any(line in good for line in said)


def test_objection_handling_is_not_applicable_when_no_objection_was_raised(corpus):
    for call_id, speaker_id, _ in graded(corpus, "objection_handling", None):
        call_text = corpus.transcript_text(call_id)
        speaker_text = corpus.transcript_text(call_id, speaker_id=speaker_id)
        lead = corpus.call(call_id)["parties"][0]["speakerId"] == speaker_id
        assert not lead or not any(objection in call_text for objection in cues.OBJECTIONS)
        assert not any(line in speaker_text for line in cues.OBJECTION_NEGATIVE + cues.OBJECTION_RESPOND)


def test_weak_product_knowledge_plants_wrong_statements_and_strong_never_does(corpus):
    for level in (1, 2):
        for call_id, speaker_id, entry in graded(corpus, "product_knowledge", level):
            said = speaker_sentences(corpus, call_id, speaker_id)
            assert entry["wrong_statements"]
            assert all(FACT_BY_KEY[key].wrong in said for key in entry["wrong_statements"])
    for level in (3, 4, 5):
        for call_id, speaker_id, entry in graded(corpus, "product_knowledge", level):
            said = speaker_sentences(corpus, call_id, speaker_id)
            assert entry["wrong_statements"] == []
            assert not any(fact.wrong in said for fact in FACTS)
            assert any(fact.right in said for fact in FACTS)


def test_engagement_level_shapes_talk_ratio_and_check_ins(corpus):
    ratios: dict[int, list[float]] = {1: [], 5: []}
    for level in ratios:
        for call_id, speaker_id, _ in graded(corpus, "engagement", level):
            record = corpus.call(call_id)
            said = speaker_sentences(corpus, call_id, speaker_id)
            if level == 5:
                assert sum(line in cues.ENGAGEMENT_POSITIVE for line in said) >= 3
            else:
                assert not any(line in cues.ENGAGEMENT_POSITIVE for line in said)
            if len([p for p in record["parties"] if p["affiliation"] == "Internal" and "speakerId" in p]) == 1:
                stats = {stat["name"]: stat["value"] for stat in record["interaction"]["interactionStats"]}
                ratios[level].append(stats["Talk Ratio"])
    assert statistics.mean(ratios[1]) > 0.7 > 0.5 > statistics.mean(ratios[5])


def test_reps_differ_consistently_across_calls(corpus):
    by_user: dict[str, list[int]] = {}
    for speakers in corpus.gold.values():
        for entry in speakers.values():
            if entry["levels"]["discovery"] is not None:
                by_user.setdefault(entry["user_id"], []).append(entry["levels"]["discovery"])
    means = sorted(statistics.mean(levels) for levels in by_user.values() if len(levels) >= 3)
    assert means[-1] - means[0] >= 2


def test_long_call_holds_more_than_160k_tokens(corpus):
    longest = max(corpus.calls, key=lambda record: record["metaData"]["duration"])
    assert len(corpus.transcript_text(longest["metaData"]["id"])) / 4 > 160_000


def test_week_holds_private_internal_and_late_calls(corpus):
    assert len(corpus.calls) == 60
    assert len(corpus.call_ids(scope="Internal")) == 2
    assert len(corpus.call_ids(private=True)) == 2
    assert len(corpus.transcript_ready_at) == 3
    assert not set(corpus.transcript_ready_at) & set(corpus.call_ids(private=True))
    assert set(corpus.gold) == set(corpus.call_ids(scope="External"))


def test_gold_file_round_trips(corpus, tmp_path):
    path = corpus_gold_write(corpus, tmp_path / "gold.json")
    assert gold_read(path) == corpus.gold


def test_a_monday_is_required():
    with pytest.raises(ValueError, match="Monday"):
        corpus_build(week_start=datetime.date(2025, 1, 7))


def test_a_history_adds_lighter_earlier_weeks_where_some_reps_levels_drift(corpus):
    from gong.simulator.corpus import corpus_with_history

    world = corpus_with_history(corpus, weeks=12, calls_per_week=12)
    starts = [datetime.datetime.fromisoformat(record["metaData"]["started"]).date() for record in world.calls]
    assert len(world.calls) == 60 + 11 * 12 and min(starts) >= WEEK - datetime.timedelta(weeks=11)
    assert corpus_json(corpus_with_history(corpus, weeks=12, calls_per_week=12)) == corpus_json(world)
    assert world.transcript_ready_at == corpus.transcript_ready_at  # only the current week has late calls
    assert len(world.call_ids(private=True)) == 2 and set(world.gold) == set(world.call_ids(scope="External"))
    # csm1 handled objections two levels better more than 4 weeks ago (people.DRIFT); the current week is unchanged.
    csm1 = next(user["id"] for user in world.users if user["title"] == "Customer Success Manager")
    cutoff = WEEK - datetime.timedelta(weeks=4)

    def levels(*, before: bool) -> list[int]:
        return [
            entry["levels"]["objection_handling"]
            for call_id, speakers in world.gold.items()
            for entry in speakers.values()
            if entry["user_id"] == csm1
            and entry["levels"]["objection_handling"] is not None
            and (datetime.datetime.fromisoformat(world.call(call_id)["metaData"]["started"]).date() < cutoff) == before
        ]

    assert statistics.mean(levels(before=True)) - statistics.mean(levels(before=False)) >= 1.5
