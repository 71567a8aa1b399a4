"""Scrubbing erased subjects out of stored text and JSON (used by the erasure services of each app).

A needle (an email, a person's name, a call title) is replaced by ERASED wherever it occurs as a whole word,
ignoring case, also in its HTML-escaped form. JSON is walked: strings are scrubbed, and any object for which
`drop(obj)` is true (e.g. a row naming an erased call) is removed from its list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

ERASED = "[erased]"


def needles_pattern(needles: Iterable[str]) -> re.Pattern | None:
    """One case-insensitive, whole-word pattern for all needles (and their HTML-escaped forms); None if none."""
    stripped = {needle.strip() for needle in needles if needle and needle.strip()}
    forms = stripped | {html.escape(needle) for needle in stripped}
    if not forms:
        return None
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w@.])(?:{alternatives})(?![\w@])", re.IGNORECASE)


def text_scrub(text: str, pattern: re.Pattern | None) -> str:
    return pattern.sub(ERASED, text) if pattern is not None and text else text


def json_scrub(value, pattern: re.Pattern | None, *, drop: Callable[[dict], bool] | None = None):
    """A scrubbed copy of a JSON value (see module docstring)."""
    if isinstance(value, str):
        return text_scrub(value, pattern)
    if isinstance(value, list):
        kept = [item for item in value if not (drop and isinstance(item, dict) and drop(item))]
        return [json_scrub(item, pattern, drop=drop) for item in kept]
    if isinstance(value, dict):
        return {key: json_scrub(item, pattern, drop=drop) for key, item in value.items()}
    return value
