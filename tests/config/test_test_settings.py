"""The test settings pin the analyzer: a developer's .env or shell with a real key cannot change test results."""

from __future__ import annotations

import os
import subprocess
import sys

from config.env import BASE_DIR

PROBE = "from django.conf import settings; print(settings.ANALYZER, repr(settings.ANTHROPIC_API_KEY), "
PROBE += "repr(settings.ANTHROPIC_BASE_URL))"


def test_test_settings_run_offline_without_a_key_whatever_the_environment_says():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "ANALYZER": "claude",
        "ANTHROPIC_API_KEY": "a-developers-key-from-dotenv",
        "ANTHROPIC_BASE_URL": "https://api.anthropic.com",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["offline", "''", "''"]
