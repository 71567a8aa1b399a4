"""The demo's knowledge base (generic default rubrics + the demo product) agrees with the simulator's ground
truth, and its rubrics can see the planted behaviours."""

import re

import pytest

from gong.simulator import behaviours as b
from gong.simulator.product import COMPETITORS, FACTS
from knowledgebase.services import DEFAULTS_DIR, kb_files_read
from knowledgebase.services.seed import demo_files

DEFAULTS = demo_files(kb_files_read(directory=DEFAULTS_DIR))
DOCS = {document.key: document.body.lower() for document in DEFAULTS.documents}
RUBRICS = {rubric.key: rubric for rubric in DEFAULTS.rubrics}
NUMBERS = re.compile(r"\d[\d,]*(?:\.\d+)?")


def keywords(rubric_key: str, polarity: str) -> list[str]:
    content = RUBRICS[rubric_key].content
    return [
        keyword.lower()
        for criterion in content.criteria
        for indicator in getattr(criterion, f"{polarity}_indicators")
        for keyword in indicator.keywords
    ]


def detected(phrase: str, rubric_key: str, polarity: str) -> bool:
    return any(keyword in phrase.lower() for keyword in keywords(rubric_key, polarity))


def test_the_four_dimensions_have_a_generic_default_rubric():
    generic = {r.dimension.value for r in DEFAULTS.rubrics if not r.role and not r.call_type}
    assert generic == {"discovery", "objection_handling", "engagement", "product_knowledge"}


def test_every_fact_doc_key_exists():
    assert {fact.doc for fact in FACTS} <= set(DOCS)


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: fact.key)
def test_every_fact_is_stated_correctly_in_its_doc(fact):
    body = DOCS[fact.doc]
    assert fact.correct.lower() in body
    for number in NUMBERS.findall(fact.right):
        assert number.rstrip(",.") in body, number


@pytest.mark.parametrize("fact", FACTS, ids=lambda fact: fact.key)
def test_product_knowledge_rubric_tells_right_from_wrong_statements(fact):
    for rubric in ("product-knowledge", "product-knowledge-se"):
        assert detected(fact.right, rubric, "positive") and not detected(fact.right, rubric, "negative")
        assert detected(fact.wrong, rubric, "negative") and not detected(fact.wrong, rubric, "positive")


def test_competitor_notes_cover_every_competitor():
    for name, note in COMPETITORS.items():
        assert note.lower() in DOCS[f"competitor-{name.lower()}"]


def test_objection_playbook_answers_every_planted_objection():
    playbook = DOCS["objection-playbook"]
    for objection in b.OBJECTIONS:
        assert objection.lower().rstrip(".") in playbook


CUES = [
    ("discovery", b.DISCOVERY_POSITIVE, b.DISCOVERY_NEGATIVE),
    ("objection-handling", b.OBJECTION_ACKNOWLEDGE + b.OBJECTION_EXPLORE + b.OBJECTION_RESPOND, b.OBJECTION_NEGATIVE),
    ("engagement", b.ENGAGEMENT_POSITIVE, b.ENGAGEMENT_NEGATIVE),
    ("product-knowledge", b.PRODUCT_POSITIVE, b.PRODUCT_NEGATIVE),
]


@pytest.mark.parametrize(("rubric", "positive", "negative"), CUES, ids=[cue[0] for cue in CUES])
def test_rubric_keywords_detect_the_planted_cue_phrases_with_the_right_polarity(rubric, positive, negative):
    for phrase in positive:
        assert detected(phrase, rubric, "positive"), phrase
        assert not detected(phrase, rubric, "negative"), phrase
    for phrase in negative:
        assert detected(phrase, rubric, "negative"), phrase
        assert not detected(phrase, rubric, "positive"), phrase


def test_engagement_rubric_uses_gongs_published_talk_ratio_threshold():
    indicators = [
        indicator
        for criterion in RUBRICS["engagement"].content.criteria
        for indicator in criterion.negative_indicators
        if indicator.stat == "talk_ratio"
    ]
    assert [indicator.stat_min for indicator in indicators] == [0.65]
