"""The Anthropic SDK takes seconds to import: commands that never call Claude must not pay for it."""

from __future__ import annotations

import os
import subprocess
import sys

from config.env import BASE_DIR

PROBE = """
import sys
from django.core.management import execute_from_command_line
execute_from_command_line(["manage.py", "check"])  # settings, every app, the admin, the URLconf
print("anthropic imported:", "anthropic" in sys.modules)
"""


def test_manage_py_check_loads_the_whole_project_without_importing_the_anthropic_sdk():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    assert "anthropic imported: False" in done.stdout, done.stdout + done.stderr
