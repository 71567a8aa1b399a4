"""Shared fixtures. Tests run against a real PostgreSQL database (pytest-django creates test_<name>)."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """A real OpenID Connect provider process (tests/fakes/oidc_provider.py) for the whole run."""
    from tests.sso import provider_start, provider_stop

    provider = provider_start(tmp_path_factory.mktemp("oidc"))
    yield provider
    provider_stop(provider)
