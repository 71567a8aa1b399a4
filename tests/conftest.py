"""Shared fixtures. Tests run against a real PostgreSQL database (pytest-django creates test_<name>)."""

from __future__ import annotations

import pytest
from django.db.backends.signals import connection_created

from tests import state_writes
from tests.fakes.anthropic_server import FakeAnthropic


def _guard_state_writes(sender, connection, **kwargs) -> None:
    state_writes.install(connection)


# Every connection the suite opens (test threads and background pools included) refuses writes of
# gong_call.status from outside gong's and coaching's services: see tests/state_writes.py.
connection_created.connect(_guard_state_writes, weak=False, dispatch_uid="callcoach-state-writes")


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture
def fake_claude(settings):
    """A fake Anthropic Messages API over real HTTP (tests.fakes.anthropic_server), wired into settings: the
    Claude analyzer, one SDK retry, a short timeout, no budget. Modules needing other values override it."""
    server = FakeAnthropic().start()
    settings.ANTHROPIC_API_KEY = "test-key"
    settings.ANTHROPIC_BASE_URL = server.url
    settings.ANALYZER = "claude"
    settings.CLAUDE_MODEL = "claude-sonnet-5-5"
    settings.CLAUDE_MAX_RETRIES = 1
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
    """The shipped knowledge base (default rubrics and product docs)."""
    from tests.factories.analysis import knowledge_seed

    knowledge_seed()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider process (tests/fakes/oidc_provider.py) for the whole run."""
    from tests.sso import provider_start, provider_stop

    provider = provider_start(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider_stop(provider)
