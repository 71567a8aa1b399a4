import pytest
from pydantic import ValidationError

from knowledgebase.schemas import (
    RubricContent,
    canonical_json,
    document_sha256,
    rubric_content_sha256,
    validation_messages,
)
from tests.factories.knowledgebase import criterion, rubric_content


def messages_for(content) -> str:
    with pytest.raises(ValidationError) as caught:
        RubricContent.model_validate(content)
    return " | ".join(validation_messages(caught.value))


def test_valid_content_normalizes_and_drops_unset_optionals():
    normalized = RubricContent.model_validate(rubric_content()).normalized()
    indicator = normalized["criteria"][0]["positive_indicators"][0]
    assert indicator == {"text": "Does open_questions well", "keywords": ["open_questions done"]}


def test_weights_that_do_not_sum_to_100_are_rejected_with_the_sum():
    content = rubric_content(criteria=[criterion("a", 60), criterion("b", 30)])
    assert "weights must sum to 100 (they sum to 90)" in messages_for(content)


def test_missing_or_empty_anchor_is_rejected_naming_the_level():
    anchors = {"1": "x", "2": "x", "3": "", "5": "x"}
    content = rubric_content(criteria=[criterion("a", 100, anchors=anchors)])
    message = messages_for(content)
    assert "criteria[0].anchors" in message
    assert "missing: 3, 4" in message


def test_a_criterion_without_negative_indicators_is_rejected():
    content = rubric_content(criteria=[criterion("a", 100, negative_indicators=[])])
    assert "criteria[0].negative_indicators: needs at least one indicator" in messages_for(content)


def test_duplicate_criterion_keys_are_rejected():
    content = rubric_content(criteria=[criterion("a", 50), criterion("a", 50)])
    assert "unique (repeated: a)" in messages_for(content)


def test_an_unknown_stat_is_rejected_and_a_known_one_needs_a_range():
    bad = criterion("a", 100, positive_indicators=[{"text": "t", "stat": "vibes", "stat_min": 1}])
    assert "unknown stat 'vibes'" in messages_for(rubric_content(criteria=[bad]))
    no_range = criterion("a", 100, positive_indicators=[{"text": "t", "stat": "talk_ratio"}])
    assert "needs stat_min and/or stat_max" in messages_for(rubric_content(criteria=[no_range]))


def test_yaml_integer_anchor_keys_are_accepted_as_levels():
    anchors = {1: "a", 2: "b", 3: "c", 4: "d", 5: "e"}
    parsed = RubricContent.model_validate(rubric_content(criteria=[criterion("a", 100, anchors=anchors)]))
    assert list(parsed.criteria[0].anchors) == ["1", "2", "3", "4", "5"]


def test_canonical_json_ignores_key_order_and_whitespace():
    assert canonical_json({"b": 1, "a": [1, 2]}) == '{"a":[1,2],"b":1}'
    first = RubricContent.model_validate(rubric_content()).normalized()
    reordered = dict(reversed(list(first.items())))
    assert rubric_content_sha256(first) == rubric_content_sha256(reordered)


def test_document_hash_ignores_line_endings_and_trailing_spaces_but_not_words():
    same = document_sha256(title="T", body="line one  \r\nline two\n\n")
    assert same == document_sha256(title="T ", body="line one\nline two")
    assert same != document_sha256(title="T", body="line one\nline 2")
