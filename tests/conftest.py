"""Shared fixtures. Tests run against a real PostgreSQL database (pytest-django creates test_<name>)."""

from __future__ import annotations

import pytest


@pytest.fixture
def admin_client_logged_in(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", "root@example.com", "pw")
    client.force_login(user)
    return client
