"""The analysis tests' fake Claude allows two SDK retries (the fault tests count attempts); the rest of the
fixtures (fake_claude, offline, kb) are in tests/conftest.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def fake_claude(fake_claude, settings):
    settings.CLAUDE_MAX_RETRIES = 2
    return fake_claude
