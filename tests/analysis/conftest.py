"""Fixtures: a fake Anthropic API over real HTTP, wired into settings; the shipped knowledge base."""

from __future__ import annotations

import pytest

from tests.fakes.anthropic_server import FakeAnthropic


@pytest.fixture
def fake_claude(settings):
    server = FakeAnthropic().start()
    settings.ANTHROPIC_API_KEY = "test-key"
    settings.ANTHROPIC_BASE_URL = server.url
    settings.ANALYZER = "claude"
    settings.CLAUDE_MODEL = "claude-sonnet-5-5"
    settings.CLAUDE_MAX_RETRIES = 2
    settings.CLAUDE_TIMEOUT_S = 5.0
    settings.ANALYSIS_MONTHLY_BUDGET_USD = 0.0
    yield server
    server.stop()


@pytest.fixture
def offline(settings):
    settings.ANTHROPIC_API_KEY = ""
    settings.ANALYZER = "offline"


@pytest.fixture
def kb(db):
    from tests.factories.analysis import knowledge_seed

    knowledge_seed()
