"""Nothing of the simulator reaches a real request: the generic default rubrics and the analysis instructions
carry none of its names, prices or cue phrases; only `seed_knowledgebase --demo` loads them into the KB."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import prompts
from analysis.quotes import normalize
from config.env import BASE_DIR
from gong.simulator import behaviours, product
from knowledgebase.formats import yaml_load
from knowledgebase.models import Document, Rubric
from knowledgebase.selectors import knowledge_snapshot_get
from knowledgebase.services import DEFAULTS_DIR, kb_seed
from knowledgebase.services.seed import DEMO_DIR

NUMBER = re.compile(r"\b\d[\d,.]*\b")


def simulator_strings() -> set[str]:
    """Normalized names, planted cue sentences and product facts (prices, limits) of the simulator's world."""
    strings = {product.SELLER, product.PRODUCT, *product.COMPETITORS}
    for name in dir(behaviours):
        value = getattr(behaviours, name)
        if name.isupper() and isinstance(value, tuple):
            strings |= {v for v in value if isinstance(v, str)}
    for fact in product.FACTS:
        strings |= {fact.right, fact.wrong, fact.correct}
    names = {normalize(s) for s in (product.SELLER, product.PRODUCT, *product.COMPETITORS)}
    # A one- or two-word reply ("Okay.", "Makes sense.") is ordinary English, not a planted cue.
    return names | {normalize(s) for s in strings if len(normalize(s).split()) >= 3 or NUMBER.search(s)}


def demo_keywords() -> set[str]:
    """The keywords the demo adds to the rubrics' indicators (its cue phrases and prices)."""
    overlay = yaml_load((DEMO_DIR / "indicators.yaml").read_text())
    return {
        normalize(keyword)
        for criteria in overlay.values()
        for signs in criteria.values()
        for lists in signs.values()
        for keywords in lists
        for keyword in keywords
    }


def leaks(text: str) -> list[str]:
    padded = f" {normalize(text)} "
    return sorted(s for s in simulator_strings() if f" {s} " in padded)


def test_the_generic_default_rubrics_carry_no_simulator_string_and_no_demo_keyword():
    for path in sorted((DEFAULTS_DIR / "rubrics").glob("*")):
        assert leaks(path.read_text()) == [], path.name
        content = yaml_load(path.read_text())["content"]
        keywords = {
            normalize(keyword)
            for criterion in content["criteria"]
            for sign in ("positive_indicators", "negative_indicators")
            for indicator in criterion[sign]
            for keyword in indicator.get("keywords") or []
        }
        assert keywords & demo_keywords() == set(), path.name


def test_the_analysis_instructions_name_no_company_and_no_simulator_string(settings):
    for path in sorted((BASE_DIR / "analysis" / "prompts").glob("*")):
        if path.is_file():
            assert leaks(path.read_text()) == [], path.name
    settings.SELLER_NAME = ""
    assert "a B2B sales team's coaching program" in prompts.instructions()
    settings.SELLER_NAME = "Northwind"
    assert "Northwind's coaching program" in prompts.instructions()


@pytest.mark.django_db
def test_a_request_built_on_the_generic_seed_carries_no_simulator_string():
    kb_seed()
    assert Document.objects.count() == 0
    snapshot = knowledge_snapshot_get()
    system = " ".join(block["text"] for block in prompts.system_blocks(snapshot=snapshot, documents=(), ttl="5m"))
    assert leaks(system) == []
    assert "e.g." not in system  # no keyword examples at all: the generic indicators have none


@pytest.mark.django_db
def test_the_demo_seed_adds_the_demo_products_documents_and_indicator_keywords():
    kb_seed(demo=True)
    assert Document.objects.filter(key="pricing-and-packaging").exists()
    discovery = Rubric.objects.get(key="discovery").active_version.content
    keywords = [k for c in discovery["criteria"] for i in c["positive_indicators"] for k in i["keywords"]]
    assert "walk me through" in keywords


def _production_start(env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("ANALYZER", "ANTHROPIC_API_KEY")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/not_embedded",
            **env_extra,
        }
    )
    code = "import django; django.setup()"
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True)


def test_production_refuses_to_start_without_an_explicit_analyzer():
    assert not (Path(BASE_DIR) / ".env").exists() or "ANALYZER" not in (Path(BASE_DIR) / ".env").read_text()
    refused = _production_start({})
    assert refused.returncode != 0 and "ANALYZER must be set explicitly in production" in refused.stderr
    assert _production_start({"ANALYZER": "offline"}).returncode == 0
