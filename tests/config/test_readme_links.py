"""The README's table of contents and file references point at things that exist.

Every `[text](#anchor)` must name a heading of the README (GitHub's anchor rule: lower case, punctuation dropped,
spaces to hyphens), and every repository path it writes in backticks (`dir/file.py`, `dir/`) must exist — a
renamed module or test otherwise leaves the README pointing at nothing.
"""

from __future__ import annotations

import re

from config.env import BASE_DIR

README = BASE_DIR / "README.md"
# Paths the README names that are not files of the checkout: read-API resources, and a directory the browser
# test creates when it runs.
NOT_FILES = {"calls/", "scores/", "sessions/", "tests/artifacts/browser/portal/"}


def _anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {_anchor(match) for match in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}


def test_every_internal_link_names_a_heading():
    text = README.read_text()
    broken = sorted(set(re.findall(r"\]\(#([^)]+)\)", text)) - _anchors(text))
    assert not broken, f"README.md links to missing headings: {', '.join(broken)}"


def test_the_contents_list_every_top_level_section():
    text = README.read_text()
    contents = text.split("## Contents", 1)[1].split("\n## ", 1)[0]
    linked = set(re.findall(r"\]\(#([^)]+)\)", contents))
    sections = {_anchor(h) for h in re.findall(r"^## (.+)$", text, re.MULTILINE)} - {"contents"}
    assert not sections - linked, f"Contents lacks: {', '.join(sorted(sections - linked))}"


def test_every_path_the_readme_names_exists():
    named = set(re.findall(r"`((?:[a-z_]+/)+[A-Za-z0-9_.\-]*)`", README.read_text())) - NOT_FILES
    missing = sorted(path for path in named if not (BASE_DIR / path.rstrip("/")).exists())
    assert not missing, f"README.md names paths that do not exist: {', '.join(missing)}"


def test_anchor_rule():
    assert _anchor('Erasure ("forget me")') == "erasure-forget-me"
    assert _anchor("Issue 19's five figures") == "issue-19s-five-figures"
    assert _anchors("## Two commands\ntext [x](#nowhere)") == {"two-commands"}
