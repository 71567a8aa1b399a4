"""Every setting read from the environment is documented in .env.example (and nothing stale is), and every
variable the README names is one of them."""

from __future__ import annotations

import re

from config.env import BASE_DIR

READ = re.compile(
    r"""(?:(?:env_(?:str|bool|int|float|list)|environ\.get|getenv|raw)\(\s*|environ\[\s*)["']([A-Z][A-Z0-9_]+)["']"""
)
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


# Upper-case names the README writes in backticks that are not environment variables of ours: Django settings
# (set from DJANGO_SECRET_KEY, DB_CONN_MAX_AGE…), make variables, a bench script's own knob, a `NAME=` example.
README_NOT_ENV = {"SECRET_KEY", "CONN_MAX_AGE", "FORMAT_MODULE_PATH", "SERVE", "RELIABILITY_SCALE", "NAME"}
README_NAME = re.compile(r"`\$?([A-Z][A-Z0-9_]{2,})(?:=[^`]*)?`")


def test_every_variable_the_readme_names_is_in_env_example():
    documented = set(DOCUMENTED.findall((BASE_DIR / ".env.example").read_text())) | NOT_SETTINGS
    named = set(README_NAME.findall((BASE_DIR / "README.md").read_text()))
    unknown = sorted(named - documented - README_NOT_ENV)
    assert not unknown, f"README.md names variables that .env.example does not document: {', '.join(unknown)}"


def test_the_reading_patterns_see_every_form_config_uses():
    sample = 'env_int("A_ONE", 1) os.environ.get("A_TWO") os.environ["A_THREE"] os.getenv("A_FOUR") raw("A_FIVE")'
    assert set(READ.findall(sample)) == {"A_ONE", "A_TWO", "A_THREE", "A_FOUR", "A_FIVE"}
