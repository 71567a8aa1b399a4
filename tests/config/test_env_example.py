"""Every setting read from the environment is documented in .env.example (and nothing stale is)."""

from __future__ import annotations

import re

from config.env import BASE_DIR

READ = re.compile(r"""(?:env_(?:str|bool|int|float|list)|environ\.get|raw)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]+)=", re.MULTILINE)
# Read by tools rather than by our settings, or internal to the test/CI machinery.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "CI", "PGDATA"}


def _read_names() -> set[str]:
    names = set()
    for path in (BASE_DIR / "config").rglob("*.py"):
        names |= set(READ.findall(path.read_text()))
    return names - NOT_SETTINGS


def test_every_environment_variable_is_documented_in_env_example():
    documented = set(DOCUMENTED.findall((BASE_DIR / ".env.example").read_text()))
    missing = sorted(_read_names() - documented)
    assert not missing, f".env.example lacks: {', '.join(missing)}"


def test_env_example_documents_nothing_the_code_does_not_read():
    documented = set(DOCUMENTED.findall((BASE_DIR / ".env.example").read_text())) - NOT_SETTINGS
    stale = sorted(documented - _read_names())
    assert not stale, f".env.example documents unused: {', '.join(stale)}"
