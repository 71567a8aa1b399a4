"""Making provider text storable: PostgreSQL text and jsonb refuse NUL characters, and UTF-8 cannot encode a
lone surrogate ("\\ud800" is valid JSON). Both would turn a delivery into a 500; we drop NULs and replace lone
surrogates with U+FFFD so the call is kept."""

from __future__ import annotations

import re
from typing import Any

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def _clean_str(value: str) -> str:
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", value)


def json_storable(value: Any) -> Any:
    """A copy of parsed JSON whose strings (keys included) PostgreSQL can store; unchanged objects are returned
    as they are (no copy) when nothing needed cleaning."""
    if isinstance(value, str):
        return _clean_str(value) if _UNSTORABLE.search(value) else value
    if isinstance(value, dict):
        return {json_storable(k): json_storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_storable(item) for item in value]
    return value
